using Duban.Contracts.Supervision.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Supervision.Domain.Assessments;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Reviews;
using Duban.Testing;
using Grpc.Core;
using Npgsql;
using NpgsqlTypes;
using Xunit;

namespace Duban.Supervision.Tests.Grpc;

/// <summary>
/// What the service reads from its projection against the domain's own rules. The stored review against the calculator: a projection of mixed assignments (every state, extended deadlines,
/// completions before and after the as-of instant, other time zones, explanations) is written straight into a fresh
/// supervision database, the service runs the review, and its export must be exactly what
/// <see cref="WeeklyReviewCalculator"/> computes from the same assignments — every count, every list, in order. The same
/// for the assessment and <see cref="UnitAssessor"/>.
/// </summary>
public class WeeklyReviewStorageTests(SupervisionFixture service) : IClassFixture<SupervisionFixture>
{
    private static readonly IsoWeek W46 = IsoWeek.Parse("2026-W46");
    private static readonly IsoWeek W47 = IsoWeek.Parse("2026-W47");
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/London"];

    [Fact]
    public async Task The_stored_review_and_its_exports_hold_exactly_what_the_calculator_computes()
    {
        await using var supervision = service.NewSupervision(database: null, followFeed: false);
        await supervision.StartAsync();
        var assignments = await SeedAsync(supervision.ConnectionString, seed: 47, count: 400);
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);

        var earlier = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = W46.ToString() });
        var review = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = W47.ToString() });

        var calculator = new WeeklyReviewCalculator();
        var expected46 = calculator.Calculate(Guid.Parse(service.Park.Id), W46, EndOf(W46), Units(), assignments);
        var expected = calculator.Calculate(Guid.Parse(service.Park.Id), W47, EndOf(W47), Units(), assignments, expected46);
        Assert.True(expected.NewlyOverdue.Count > 5 && expected.StillOverdue.Count > 5 && expected.CompletedThisWeek.Count > 5 && expected.DueNextWeek.Count > 5,
            $"the seed fills every list ({expected.NewlyOverdue.Count}, {expected.StillOverdue.Count}, {expected.CompletedThisWeek.Count}, {expected.DueNextWeek.Count})");
        Assert.NotNull(expected.Change);

        Assert.Equal((expected.Totals.Assigned, expected.Totals.Overdue), (review.Assigned, review.Overdue));
        Assert.Equal(expected46.Totals.Assigned, earlier.Assigned);
        var json = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Json });
        Assert.Equal(BulletinRenderer.RenderJson(expected), json.Content);
        // One table per file, each after a byte order mark so that Excel reads it as UTF-8.
        var csv = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Csv });
        Assert.Equal("\uFEFF" + BulletinRenderer.RenderUnitsCsv(expected), csv.Content);
        var itemsCsv = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Csv, Table = BulletinTable.Items });
        Assert.Equal("\uFEFF" + BulletinRenderer.RenderItemsCsv(expected), itemsCsv.Content);
        Assert.NotEqual(csv.FileName, itemsCsv.FileName);
        var markdown = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Markdown });
        Assert.Equal(BulletinRenderer.RenderMarkdown(expected, service.Park.Name, revision: 1), markdown.Content);
        Assert.Contains("（第1版，本周已结束，数据已冻结）", markdown.Content);
        Assert.True(review.Final);

        // Streamed, each is the same document, whose first piece names the file.
        foreach (var (whole, format, table) in new[]
                 {
                     (json, BulletinFormat.Json, BulletinTable.Unspecified), (csv, BulletinFormat.Csv, BulletinTable.Unspecified),
                     (itemsCsv, BulletinFormat.Csv, BulletinTable.Items), (markdown, BulletinFormat.Markdown, BulletinTable.Unspecified),
                 })
        {
            var chunks = new List<BulletinChunk>();
            using var call = office.StreamBulletin(new ExportBulletinRequest { ReviewId = review.Id, Format = format, Table = table });
            await foreach (var chunk in call.ResponseStream.ReadAllAsync())
                chunks.Add(chunk);
            // Decoded without dropping a byte order mark: the stream carries it as the first bytes.
            Assert.Equal(whole.Content, new System.Text.UTF8Encoding(false).GetString(chunks.SelectMany(c => c.Data.ToByteArray()).ToArray()));
            Assert.Equal((whole.ContentType, whole.FileName), (chunks[0].ContentType, chunks[0].FileName));
        }
    }

    [Fact]
    public async Task The_current_week_gains_a_revision_when_its_content_changes_and_a_past_week_is_frozen_once()
    {
        await using var supervision = service.NewSupervision(database: null, followFeed: false);
        await supervision.StartAsync();
        var assignments = await SeedAsync(supervision.ConnectionString, seed: 49, count: 300);
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);
        var park = Guid.Parse(service.Park.Id);
        var calculator = new WeeklyReviewCalculator();
        var current = IsoWeek.Containing(ReviewClock.LocalDate(DateTimeOffset.UtcNow, ReviewClock.DefaultTimeZone));
        var run = new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = "current" };
        async Task<string> Json(WeeklyReview r) =>
            (await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = r.Id, Format = BulletinFormat.Json })).Content;

        // A past week with a revision from while it ran: its first run after its end adds the final revision, as of the end.
        var twoBack = current.Previous().Previous();
        var midWeek = ReviewClock.StartOfDay(twoBack.Monday.AddDays(2), ReviewClock.DefaultTimeZone);
        await InsertRevisionAsync(supervision.ConnectionString, calculator.Calculate(park, twoBack, midWeek, Units(), assignments));
        var frozen = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = twoBack.ToString() });
        Assert.Equal((2, true), (frozen.Revision, frozen.Final));
        Assert.Equal(twoBack.End(ReviewClock.DefaultTimeZone), frozen.AsOf.ToDateTimeOffset());
        Assert.Equal(BulletinRenderer.RenderJson(calculator.Calculate(park, twoBack, twoBack.End(ReviewClock.DefaultTimeZone), Units(), assignments)),
            await Json(frozen));
        var lastWeek = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = current.Previous().ToString() });
        Assert.Equal((1, true), (lastWeek.Revision, lastWeek.Final));

        var first = await office.RunWeeklyReviewAsync(run);
        Assert.Equal((current.ToString(), 1, false), (first.Week, first.Revision, first.Final));
        var previous = calculator.Calculate(park, current.Previous(), current.Previous().End(ReviewClock.DefaultTimeZone), Units(), assignments,
            calculator.Calculate(park, twoBack, twoBack.End(ReviewClock.DefaultTimeZone), Units(), assignments));
        var firstJson = await Json(first);
        Assert.Equal(BulletinRenderer.RenderJson(calculator.Calculate(park, current, first.AsOf.ToDateTimeOffset(), Units(), assignments, previous)), firstJson);
        // Nothing changed: a scheduler calling again gets the same revision.
        Assert.Equal(first.Id, (await office.RunWeeklyReviewAsync(run)).Id);

        // The office verifies a claimed completion: the next run is a new revision that counts it as completed.
        var claimed = assignments.First(a => a.Status == AssignmentState.CompletionRequested && a.LeadUnitId != Guid.Parse(service.OtherPark.Id)
            && a.CompletionRequestedAt is not null);
        var verifiedAt = DateTimeOffset.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds());
        await ExecuteAsync(supervision.ConnectionString, $"UPDATE assignments SET status = 5, completed_at = '{verifiedAt:O}', version = version + 1 WHERE id = '{claimed.Id}'");
        assignments[assignments.IndexOf(claimed)] = claimed with { Status = AssignmentState.Completed, CompletedAt = verifiedAt };
        var second = await office.RunWeeklyReviewAsync(run);
        Assert.Equal(2, second.Revision);
        Assert.NotEqual(first.Id, second.Id);
        var expected = calculator.Calculate(park, current, second.AsOf.ToDateTimeOffset(), Units(), assignments, previous);
        Assert.Equal(BulletinRenderer.RenderJson(expected), await Json(second));
        var before = BulletinRenderer.ReadJson(firstJson);
        Assert.Equal(before.Totals.AwaitingVerification - 1, expected.Totals.AwaitingVerification);
        Assert.Equal(before.Totals.Completed + 1, expected.Totals.Completed);

        // Every revision stays as it was, by its id and in the week's list, latest first.
        Assert.Equal(1, (await office.GetWeeklyReviewAsync(new GetWeeklyReviewRequest { Id = first.Id })).Revision);
        Assert.Equal(firstJson, await Json(first));
        var listed = await office.ListWeeklyReviewsAsync(new ListWeeklyReviewsRequest { ScopeUnitId = service.Park.Id, Week = current.ToString() });
        Assert.Equal([second.Id, first.Id], listed.Reviews.Select(r => r.Id));

        // Triggers racing after another change store one revision between them.
        await ExecuteAsync(supervision.ConnectionString, $"UPDATE assignments SET title = title || '（修订）' WHERE id = (SELECT id FROM assignments WHERE lead_unit_id = '{service.Economy.Id}' AND status IN (1, 2, 3) AND due_date < now() LIMIT 1)");
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            service.SupervisionAs(i % 2 == 0 ? DubanRoles.Scheduler : DubanRoles.Office, instance: supervision).RunWeeklyReviewAsync(run).ResponseAsync));
        Assert.Single(racing.Select(r => r.Id).Distinct());
        Assert.Equal(3, racing[0].Revision);
        Assert.Equal(3, await service.CountAsync($"SELECT count(*) FROM weekly_reviews WHERE week = '{current}'", supervision.ConnectionString));

        // The past weeks stayed frozen.
        Assert.Equal(frozen.Id, (await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = twoBack.ToString() })).Id);
        Assert.Equal(lastWeek.Id, (await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = current.Previous().ToString() })).Id);

        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "week", async () =>
            await office.ListWeeklyReviewsAsync(new ListWeeklyReviewsRequest { ScopeUnitId = service.Park.Id, Week = "2026-47" }));
        await RpcAssert.ThrowsOnFieldAsync(StatusCode.InvalidArgument, "week", async () =>
            await office.ListWeeklyReviewsAsync(new ListWeeklyReviewsRequest { Week = current.ToString() }));
    }

    /// <summary>A revision as the service stores one, without items (its lists are not read here).</summary>
    private static async Task InsertRevisionAsync(string connectionString, WeeklyReviewReport report)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("""
            INSERT INTO weekly_reviews (id, scope_unit_id, week, revision, as_of, content_hash, created_at, scope_name, report, lists,
                                        assigned, overdue, completed_on_time, overdue_without_explanation)
            VALUES (gen_random_uuid(), $1, $2, 1, $3, $4, $3, '试点工业园区管委会', $5::jsonb, $10, $6, $7, $8, $9)
            """, connection);
        insert.Parameters.Add(new() { Value = report.ScopeUnitId });
        insert.Parameters.Add(new() { Value = report.Week.ToString() });
        insert.Parameters.Add(new() { Value = report.AsOf });
        insert.Parameters.Add(new() { Value = BulletinRenderer.ContentHash(report) });
        insert.Parameters.Add(new() { Value = BulletinRenderer.RenderStoredJson(report with { NewlyOverdue = [], StillOverdue = [], CompletedThisWeek = [], DueNextWeek = [] }) });
        insert.Parameters.Add(new() { Value = report.Totals.Assigned });
        insert.Parameters.Add(new() { Value = report.Totals.Overdue });
        insert.Parameters.Add(new() { Value = report.Totals.CompletedOnTime });
        insert.Parameters.Add(new() { Value = report.Totals.OverdueWithoutExplanation });
        insert.Parameters.Add(new() { Value = StoredReviewLists.Write(ReviewLists.Of(report)) });
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task The_bulletin_names_the_worst_units_items_up_to_the_limits_and_counts_the_rest()
    {
        await using var supervision = service.NewSupervision(database: null, followFeed: false)
            .With("Bulletin:UnitsWithOverdueListed", "1")
            .With("Bulletin:OverdueItemsPerUnit", "2")
            .With("Bulletin:ItemsPerList", "1");
        await supervision.StartAsync();
        var assignments = await SeedAsync(supervision.ConnectionString, seed: 11, count: 300);
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);
        var review = await office.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = service.Park.Id, Week = W47.ToString() });
        var expected = new WeeklyReviewCalculator().Calculate(Guid.Parse(service.Park.Id), W47, EndOf(W47), Units(), assignments);

        var markdown = (await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Markdown })).Content;

        var withOverdue = expected.Units.Where(u => u.Counts.Overdue > 0).ToList();
        Assert.True(withOverdue.Count >= 2 && withOverdue[0].Counts.Overdue > 2, "the seed leaves more than the limits");
        var worst = expected.NewlyOverdue.Concat(expected.StillOverdue).Where(i => i.UnitId == withOverdue[0].UnitId)
            .OrderByDescending(i => i.DaysOverdue).ThenBy(i => i.DueDate).ThenBy(i => i.Title, StringComparer.Ordinal).ToList();
        Assert.Contains(worst[0].Title + "（", markdown);
        Assert.Contains(worst[1].Title + "（", markdown);
        Assert.DoesNotContain(worst[2].Title + "（", markdown);
        Assert.Contains($"……另有{worst.Count - 2}项，详见任务清单（CSV）。", markdown);
        Assert.Contains($"另有{withOverdue.Count - 1}个单位共{withOverdue.Skip(1).Sum(u => u.Counts.Overdue)}项逾期未完成任务", markdown);
        Assert.Contains($"（本周新增{expected.NewlyOverdue.Count}项）", markdown);
        Assert.Contains("【" + expected.CompletedThisWeek[0].UnitName + "】" + expected.CompletedThisWeek[0].Title, markdown);
        Assert.Contains($"……另有{expected.CompletedThisWeek.Count - 1}项", markdown);
        Assert.Contains($"……另有{expected.DueNextWeek.Count - 1}项", markdown);

        // The exports for machines always hold every item.
        var json = await office.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Json });
        Assert.Equal(BulletinRenderer.RenderJson(expected), json.Content);
    }

    [Fact]
    public async Task The_assessment_streamed_from_the_projection_is_what_the_assessor_computes()
    {
        await using var supervision = service.NewSupervision(database: null, followFeed: false);
        await supervision.StartAsync();
        var assignments = await SeedAsync(supervision.ConnectionString, seed: 5, count: 400);
        var office = service.SupervisionAs(DubanRoles.Office, instance: supervision);
        var asOf = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.FromHours(8));

        var assessed = await office.AssessUnitsAsync(new AssessUnitsRequest
        {
            ScopeUnitId = service.Park.Id, Period = "2026-Q4", AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(asOf),
        });

        Assert.True(AssessmentPeriod.TryParse("2026-Q4", out var quarter));
        var expected = UnitAssessor.Assess(Units().Where(u => u.Id != Guid.Parse(service.OtherPark.Id)), assignments, quarter, asOf);
        Assert.True(expected.Units.Count >= 3 && expected.Units.All(u => u.Due > 10), "the seed gives every unit of the scope assessed work");
        Assert.Equal(
            expected.Units.Select(u => (u.UnitId.ToString(), u.Due, u.CompletedOnTime, u.CompletedLate, u.OpenOverdue, u.DaysOverdue, u.OverdueWithoutExplanation, (double)u.Score)),
            assessed.Units.Select(u => (u.UnitId, u.Due, u.CompletedOnTime, u.CompletedLate, u.OpenOverdue, u.DaysOverdue, u.OverdueWithoutExplanation, u.Score)));
    }

    private static DateTimeOffset EndOf(IsoWeek week) => ReviewClock.StartOfDay(week.Sunday.AddDays(1), ReviewClock.DefaultTimeZone);

    private IReadOnlyList<ReviewUnit> Units() =>
    [
        new(Guid.Parse(service.Park.Id), service.Park.Name, null),
        new(Guid.Parse(service.Economy.Id), service.Economy.Name, Guid.Parse(service.Park.Id)),
        new(Guid.Parse(service.Finance.Id), service.Finance.Name, Guid.Parse(service.Park.Id)),
        new(Guid.Parse(service.OtherPark.Id), service.OtherPark.Name, null),
    ];

    /// <summary>Random projection rows (and explanations) around 2026-W46/W47, written as the feed would leave them.</summary>
    private async Task<List<ReviewedAssignment>> SeedAsync(string connectionString, int seed, int count)
    {
        var random = new Random(seed);
        var leads = Units().Select(u => u.Id).ToArray();
        var start = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset Instant(int fromDay, int days) => start.AddDays(fromDay + random.Next(days)).AddMinutes(random.Next(24 * 60));
        DateOnly Day(int fromDay, int days) => DateOnly.FromDateTime(start.UtcDateTime).AddDays(fromDay + random.Next(days));

        var rows = new List<ReviewedAssignment>();
        for (var i = 0; i < count; i++)
        {
            var status = (AssignmentState)random.Next(1, 7);
            DateOnly? due = random.Next(10) == 0 ? null : Day(40, 60); // 2026-10-11 .. 2026-12-09
            var extended = due is not null && random.Next(4) == 0;
            var original = extended ? due!.Value.AddDays(-random.Next(1, 20)) : due;
            DateTimeOffset? requested = null, completed = null;
            if (status is AssignmentState.CompletionRequested or AssignmentState.Completed)
            {
                requested = random.Next(8) == 0 ? null : Instant(50, 40);
                completed = status == AssignmentState.Completed ? (requested ?? Instant(50, 40)).AddDays(1) : null;
            }
            rows.Add(new ReviewedAssignment(
                Guid.CreateVersion7(), Guid.CreateVersion7(), leads[random.Next(leads.Length)],
                $"任务{seed}-{i:D3}" + (random.Next(5) == 0 ? "|措施" : ""), random.Next(6) == 0 ? "" : $"责任人{random.Next(9)}",
                status, due, original, Zones[random.Next(Zones.Length)], Instant(0, 90),
                requested, completed, 10 * random.Next(11), random.Next(5) == 0, extended && random.Next(2) == 0, 0, 0, extended ? 1 : 0));
        }

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var a in rows)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO assignments (id, plan_id, lead_unit_id, assigning_unit_id, owner_name, title, status, due_date, due_at, original_due_date,
                    deadline_version, progress_percent, time_zone, assigned_at, completion_requested_at, completed_at, version, rejected_completions,
                    approved_extensions, extension_approved_before_original_due, updated_at)
                VALUES ($1, $2, $3, $3, $4, $5, $6, $7, NULL, $8, 1, $9, $10, $11, $12, $13, 1, 0, $14, $15, now())
                """, connection);
            insert.Parameters.Add(new() { Value = a.Id });
            insert.Parameters.Add(new() { Value = a.PlanId });
            insert.Parameters.Add(new() { Value = a.LeadUnitId });
            insert.Parameters.Add(new() { Value = a.OwnerName });
            insert.Parameters.Add(new() { Value = a.Title });
            insert.Parameters.Add(new() { Value = (int)a.Status });
            insert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)a.DueDate ?? DBNull.Value });
            insert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)a.OriginalDueDate ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = a.ProgressPercent });
            insert.Parameters.Add(new() { Value = a.TimeZone });
            insert.Parameters.Add(new() { Value = a.AssignedAt });
            insert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)a.CompletionRequestedAt ?? DBNull.Value });
            insert.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = (object?)a.CompletedAt ?? DBNull.Value });
            insert.Parameters.Add(new() { Value = a.ApprovedExtensions });
            insert.Parameters.Add(new() { Value = a.ExtensionApprovedBeforeOriginalDue });
            await insert.ExecuteNonQueryAsync();
            // An explanation filed (submitted or accepted) counts; a returned one does not.
            var explanation = a.HasAcceptedExplanationOrPending ? random.Next(1, 3) : random.Next(4) == 0 ? (int)Duban.Supervision.Data.ExplanationStatus.Returned : 0;
            if (explanation == 0)
                continue;
            await using var explain = new NpgsqlCommand("""
                INSERT INTO explanations (id, notice_id, assignment_id, lead_unit_id, reasons, status, decision_remark, submitted_at)
                VALUES (gen_random_uuid(), gen_random_uuid(), $1, $2, '原因', $3, '', now())
                """, connection);
            explain.Parameters.Add(new() { Value = a.Id });
            explain.Parameters.Add(new() { Value = a.LeadUnitId });
            explain.Parameters.Add(new() { Value = explanation });
            await explain.ExecuteNonQueryAsync();
        }
        return rows;
    }
}

using Duban.Contracts.Tasks.V1;
using Google.Protobuf;
using Npgsql;
using RecurrenceFrequency = Duban.Contracts.Tasks.V1.RecurrenceFrequency;

namespace Duban.Tasks.Tests.Grpc;

/// <summary>What the feed's events carry over the wire, and that events stored in the old shape still read.</summary>
public class FeedContractTests(TasksServiceFixture service) : IClassFixture<TasksServiceFixture>
{
    private static Google.Type.Date D(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private async Task<(IReadOnlyList<Assignment> Assignments, string Cursor)> ImportAsync(string rows)
    {
        var cursor = await EndCursorAsync();
        var response = await service.Office.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "事件契约", IssuingUnitId = service.Tree.Park.Id, IssueDate = D(2023, 3, 1),
            TableText = "序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n" + rows,
        });
        var list = await service.Office.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = response.Plan.Id, PageSize = 100 });
        return (list.Assignments, cursor);
    }

    private async Task<string> EndCursorAsync()
    {
        var cursor = "";
        while (true)
        {
            var page = await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = cursor, Limit = 5000 });
            if (page.Events.Count == 0)
                return page.NextCursor;
            cursor = page.NextCursor;
        }
    }

    private async Task<List<AssignmentEvent>> EventsAfterAsync(string cursor) =>
        (await service.Office.ListEventsAsync(new ListEventsRequest { AfterCursor = cursor, Limit = 5000 })).Events.ToList();

    [Fact]
    public async Task An_event_carries_the_facts_of_the_change_and_a_report_duty_as_its_rule()
    {
        var (assignments, cursor) = await ImportAsync($"""
            1,契约{Guid.NewGuid():N},月报,经发局,财政局、组人部,,每月28日前
            2,契约{Guid.NewGuid():N},按期,财政局,,,2023年12月底前
            """);
        var monthly = assignments.Single(a => a.LeadUnitId == service.Tree.Economy.Id);
        var dated = assignments.Single(a => a.LeadUnitId == service.Tree.Finance.Id);

        var events = await EventsAfterAsync(cursor);
        var report = events.Single(e => e.AssignmentId == monthly.Id).Assignment;
        Assert.Equal(AssignmentEventType.Assigned, events.Single(e => e.AssignmentId == monthly.Id).Type);
        Assert.Equal((monthly.Id, monthly.PlanId, monthly.ItemId, 1L, AssignmentStatus.Assigned, 0),
            (report.Id, report.PlanId, report.ItemId, report.Version, report.Status, report.ProgressPercent));
        Assert.Equal(new[] { service.Tree.Finance.Id, service.Tree.Organisation.Id }.Order(), report.CoUnitIds.Order());
        Assert.Equal((monthly.LeadUnitId, monthly.AssigningUnitId, monthly.ParentAssignmentId), (report.LeadUnitId, report.AssigningUnitId, report.ParentAssignmentId));
        Assert.Equal((DeadlineKind.Recurring, "每月28日前", 1, "Asia/Shanghai"),
            (report.Deadline.Kind, report.Deadline.OriginalText, report.Deadline.Version, report.TimeZone));
        Assert.Equal(new RecurrenceRule { Frequency = RecurrenceFrequency.Monthly, DayOfMonth = 28 }, report.Deadline.ReportRule);
        Assert.Null(report.Deadline.DueDate);

        var fixedDeadline = events.Single(e => e.AssignmentId == dated.Id).Assignment.Deadline;
        Assert.Equal((DeadlineKind.Fixed, D(2023, 12, 31), D(2023, 12, 31), DatePrecision.MonthEnd),
            (fixedDeadline.Kind, fixedDeadline.DueDate, fixedDeadline.OriginalDueDate, fixedDeadline.Precision));
        Assert.Null(fixedDeadline.ReportRule);

        // An approved extension: the deadline moves, its version is bumped, the original date stays.
        var lead = service.LeadOf(service.Tree.Finance, service.Tree.FinanceLead.Id);
        var requested = await lead.RequestExtensionAsync(new RequestExtensionRequest { Id = dated.Id, Version = dated.Version, Reason = "审批未下达", NewDueDate = D(2024, 3, 31) });
        var afterRequest = await EndCursorAsync();
        await service.Office.DecideExtensionAsync(new DecideExtensionRequest { Id = dated.Id, Version = requested.Version, Approve = true });
        var approved = Assert.Single(await EventsAfterAsync(afterRequest));
        Assert.Equal((AssignmentEventType.ExtensionApproved, 3L), (approved.Type, approved.Version));
        Assert.Equal((D(2024, 3, 31), D(2023, 12, 31), 2), (approved.Assignment.Deadline.DueDate, approved.Assignment.Deadline.OriginalDueDate,
            approved.Assignment.Deadline.Version));
    }

    /// <summary>
    /// Events written before the feed had its own message hold the API's Assignment (with report dates computed
    /// for the day they were written) in the snapshot column and no facts. They read as facts, with the rule
    /// taken from the assignment's stored deadline.
    /// </summary>
    [Fact]
    public async Task Events_stored_in_the_old_shape_still_read_as_facts_with_the_rule()
    {
        var (assignments, _) = await ImportAsync($"""
            1,旧事件{Guid.NewGuid():N},季报,经发局,财政局,,每季度末
            2,旧事件{Guid.NewGuid():N},按期,财政局,,,2023年12月底前
            """);
        var quarterly = assignments.Single(a => a.LeadUnitId == service.Tree.Economy.Id);
        var dated = assignments.Single(a => a.LeadUnitId == service.Tree.Finance.Id);
        Assert.NotEmpty(quarterly.Deadline.NextReportDates);
        var cursor = await EndCursorAsync();

        await using (var connection = new NpgsqlConnection(service.Tasks.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var (old, type) in new[] { (quarterly, "PROGRESS_REPORTED"), (dated, "ACCEPTED") })
            {
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO task_events (assignment_id, type, version, time, snapshot) VALUES ($1, $2, $3, now(), $4)", connection)
                {
                    Parameters =
                    {
                        new() { Value = Guid.Parse(old.Id) }, new() { Value = type }, new() { Value = old.Version },
                        new() { Value = old.ToByteArray() },
                    },
                };
                await insert.ExecuteNonQueryAsync();
            }
        }

        var events = await EventsAfterAsync(cursor);
        Assert.Equal([AssignmentEventType.ProgressReported, AssignmentEventType.Accepted], events.Select(e => e.Type));
        var report = events[0].Assignment;
        Assert.Equal((quarterly.Id, quarterly.LeadUnitId, quarterly.Version, quarterly.Status, quarterly.TimeZone),
            (report.Id, report.LeadUnitId, report.Version, report.Status, report.TimeZone));
        Assert.Equal(quarterly.CoUnitIds, report.CoUnitIds);
        Assert.Equal(new RecurrenceRule { Frequency = RecurrenceFrequency.Quarterly }, report.Deadline.ReportRule);
        var accepted = events[1].Assignment.Deadline;
        Assert.Equal((D(2023, 12, 31), D(2023, 12, 31), 1, (RecurrenceRule?)null),
            (accepted.DueDate, accepted.OriginalDueDate, accepted.Version, accepted.ReportRule));
    }
}

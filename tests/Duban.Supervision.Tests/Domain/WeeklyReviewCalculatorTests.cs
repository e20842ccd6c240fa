using Duban.Supervision.Domain.Reviews;
using Xunit;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Domain;

public class WeeklyReviewCalculatorTests
{
    private static readonly WeeklyReviewCalculator Calculator = new();

    private static WeeklyReviewReport Week47(WeeklyReviewReport? previous = null) =>
        Calculator.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments(), previous);

    private static UnitReviewRow Row(WeeklyReviewReport report, Guid unit) => Assert.Single(report.Units, u => u.UnitId == unit);

    [Fact]
    public void Units_are_ordered_red_then_yellow_then_green_then_by_overdue_then_by_name()
    {
        var report = Week47();

        Assert.Equal(["发改委", "住建局", "住建局城建科", "文旅局", "教育局"], report.Units.Select(u => u.UnitName));
        Assert.Equal([Light.Red, Light.Red, Light.Yellow, Light.Yellow, Light.Green], report.Units.Select(u => u.Light));
    }

    [Fact]
    public void Counts_per_unit_follow_on_time_late_open_and_overdue_rules()
    {
        var report = Week47();

        // (assigned, on time, late, awaiting verification, open, due next week, overdue, unexplained, should be completed, rate)
        Assert.Equal(new ReviewCounts(4, 1, 1, 0, 2, 0, 2, 1, 4, 25m), Row(report, Fagaiwei).Counts);
        // 老旧小区改造 is overdue (explained) and 城市更新试点 on time: 1 of 2 that should be completed, 50%, red.
        Assert.Equal(new ReviewCounts(3, 1, 0, 0, 2, 1, 1, 0, 2, 50m), Row(report, Zhujianju).Counts);
        // Nothing should be completed yet: no rate, not an invented 100%.
        Assert.Equal(new ReviewCounts(1, 0, 0, 0, 1, 1, 0, 0, 0, null), Row(report, Chengjianke).Counts);
        Assert.Equal(new ReviewCounts(3, 2, 1, 0, 0, 0, 0, 0, 3, 66.7m), Row(report, Wenlvju).Counts);
        // Cancelled and not-yet-assigned items are left out.
        Assert.Equal(new ReviewCounts(3, 1, 0, 0, 2, 1, 0, 0, 1, 100m), Row(report, Jiaoyuju).Counts);
    }

    [Fact]
    public void Totals_sum_the_units_and_rate_the_whole_scope()
    {
        var totals = Week47().Totals;

        Assert.Equal(new ReviewCounts(14, 5, 2, 0, 7, 3, 3, 1, 10, 50m), totals);
        Assert.Equal(totals.Assigned, totals.Completed + totals.AwaitingVerification + totals.Open);
    }

    [Fact]
    public void Units_outside_the_scope_subtree_and_units_without_assignments_are_not_listed()
    {
        var report = Week47();

        Assert.DoesNotContain(report.Units, u => u.UnitId == Elsewhere || u.UnitId == Office);
        Assert.Contains(report.Units, u => u.UnitId == Chengjianke);

        var subtree = Calculator.Calculate(Zhujianju, W47, EndOfW47, AllUnits, Week47Assignments());
        Assert.Equal(["住建局", "住建局城建科"], subtree.Units.Select(u => u.UnitName));
    }

    [Fact]
    public void Newly_overdue_holds_items_that_fell_due_within_the_week_including_its_Sunday()
    {
        var report = Week47();

        Assert.Equal(["推进重点项目开工", "老旧小区改造"], report.NewlyOverdue.Select(i => i.Title));
        Assert.Equal([5, 1], report.NewlyOverdue.Select(i => i.DaysOverdue));
        Assert.Equal("赵敏", report.NewlyOverdue[0].OwnerName);
        Assert.Equal("发改委", report.NewlyOverdue[0].UnitName);
    }

    [Fact]
    public void Still_overdue_holds_items_overdue_before_the_week_began_with_days_overdue()
    {
        var item = Assert.Single(Week47().StillOverdue);

        Assert.Equal("出台招商引资办法", item.Title);
        Assert.Equal(22, item.DaysOverdue);
        Assert.Equal(D(2026, 11, 1), item.DueDate);
        Assert.False(item.HasExplanation);
    }

    [Fact]
    public void An_item_due_the_Sunday_before_the_week_became_overdue_last_week()
    {
        var items = new[] { Open(1, Fagaiwei, D(2026, 11, 15)), Open(2, Fagaiwei, D(2026, 11, 16)) };

        var report = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, items);

        Assert.Equal(["任务1"], report.StillOverdue.Select(i => i.Title));
        Assert.Equal(["任务2"], report.NewlyOverdue.Select(i => i.Title));
    }

    [Fact]
    public void An_item_due_Sunday_is_not_overdue_in_a_review_taken_at_Sunday_23_59_local()
    {
        var items = new[] { Open(1, Zhujianju, D(2026, 11, 22), explained: false) };

        var before = Calculator.Calculate(Office, W47, Local(2026, 11, 22, 23, 59), AllUnits, items);
        var after = Calculator.Calculate(Office, W47, Local(2026, 11, 23, 0, 0), AllUnits, items);

        Assert.Equal(0, before.Totals.Overdue);
        Assert.Empty(before.NewlyOverdue);
        Assert.Equal(Light.Green, Row(before, Zhujianju).Light);
        Assert.Equal(1, after.Totals.Overdue);
        Assert.Equal(1, Assert.Single(after.NewlyOverdue).DaysOverdue);
        Assert.Equal(Light.Red, Row(after, Zhujianju).Light);
    }

    [Fact]
    public void Completed_this_week_lists_completions_after_Monday_00_00_ordered_by_unit_then_title()
    {
        var report = Week47();

        Assert.Equal(["城市更新试点", "编制产业规划", "学位建设", "景区提升"], report.CompletedThisWeek.Select(i => i.Title));
        Assert.Equal([0, 0, 0, 5], report.CompletedThisWeek.Select(i => i.DaysOverdue));
    }

    [Fact]
    public void Due_next_week_lists_open_items_due_Monday_to_Sunday_of_the_next_week_by_date()
    {
        var report = Week47();

        Assert.Equal(["道路修缮", "保障房分配方案", "教师招聘"], report.DueNextWeek.Select(i => i.Title));
        Assert.Equal([D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 26)], report.DueNextWeek.Select(i => i.DueDate));
    }

    [Fact]
    public void Units_that_neither_completed_nor_explained_are_named()
    {
        var unit = Assert.Single(Week47().UnitsToExplain);

        Assert.Equal("发改委", unit.UnitName);
        Assert.Equal(1, unit.OverdueWithoutExplanation);
    }

    [Fact]
    public void A_completion_requested_after_the_as_of_instant_still_counts_as_open_and_overdue()
    {
        var items = new[]
        {
            Done(1, Jiaoyuju, D(2026, 11, 21), Local(2026, 11, 23, 10, 0)) with { Status = AssignmentState.CompletionRequested, CompletedAt = null },
        };

        var report = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, items);

        Assert.Equal(1, report.Totals.Overdue);
        Assert.Equal(0, report.Totals.Completed);
        Assert.Empty(report.CompletedThisWeek);
    }

    [Fact]
    public void Open_assignments_counted_per_unit_give_the_report_of_adding_each()
    {
        var farOff = Enumerable.Range(900, 5).Select(n => Open(n, Jiaoyuju, D(2026, 12, 1)))
            .Append(Open(905, Fagaiwei, null))
            .Append(Open(906, Elsewhere, D(2027, 1, 1)))
            .ToList();
        // Added one by one: open, but assigned after the as-of instant (the builder leaves it out, and out of the count).
        var later = Open(907, Jiaoyuju, D(2026, 11, 20)) with { AssignedAt = EndOfW47.AddMinutes(1) };
        var listed = Week47Assignments().Append(later).ToList();
        var added = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, listed.Concat(farOff));

        var review = Calculator.Begin(Office, W47, EndOfW47, AllUnits);
        Assert.Equal(D(2026, 11, 29), review.LastListedDueDate);
        foreach (var a in listed)
            review.Add(a);
        foreach (var unit in listed.Concat(farOff).Where(a => a.HasOpenStatus).GroupBy(a => a.LeadUnitId))
            review.CountOpen(unit.Key, unit.Count());
        var counted = review.Build();

        Assert.Equal(BulletinRenderer.RenderJson(added), BulletinRenderer.RenderJson(counted));
        Assert.Equal(8, Row(counted, Jiaoyuju).Counts.Assigned);
    }

    [Fact]
    public void A_unit_counted_twice_or_counted_fewer_open_assignments_than_were_added_is_refused()
    {
        var review = Calculator.Begin(Office, W47, EndOfW47, AllUnits);
        review.Add(Open(1, Jiaoyuju, D(2026, 11, 18)));
        review.Add(Open(2, Jiaoyuju, D(2026, 11, 19)));
        review.CountOpen(Jiaoyuju, 1);
        Assert.Throws<ArgumentException>(() => review.CountOpen(Jiaoyuju, 3));
        Assert.Throws<ArgumentException>(() => review.CountOpen(Fagaiwei, -1));
        Assert.Throws<InvalidOperationException>(() => review.Build());
    }

    [Fact]
    public void The_same_input_in_any_order_gives_the_identical_report()
    {
        var items = Week47Assignments();
        var shuffled = items.OrderBy(i => i.Title.GetHashCode(StringComparison.Ordinal) ^ 0x5bd1e995).ToList();
        var units = AllUnits.Reverse().ToList();

        var first = BulletinRenderer.RenderJson(Calculator.Calculate(Office, W47, EndOfW47, AllUnits, items));
        var second = BulletinRenderer.RenderJson(Calculator.Calculate(Office, W47, EndOfW47, units, shuffled));

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_as_of_instant_is_kept_in_UTC_so_equal_instants_give_equal_reports()
    {
        var local = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments());
        var utc = Calculator.Calculate(Office, W47, EndOfW47.ToUniversalTime(), AllUnits, Week47Assignments());

        Assert.Equal(TimeSpan.Zero, local.AsOf.Offset);
        Assert.Equal(BulletinRenderer.RenderJson(local), BulletinRenderer.RenderJson(utc));
    }

    [Fact]
    public void The_scope_unit_must_be_among_the_units()
    {
        Assert.Throws<ArgumentException>(() => Calculator.Calculate(Id(0x999), W47, EndOfW47, AllUnits, Week47Assignments()));
    }

    [Fact]
    public void Change_since_previous_gives_overdue_and_on_time_rate_deltas_per_unit_and_overall()
    {
        var previous = Calculator.Calculate(Office, W47.Previous(), EndOfW46, AllUnits, Week47Assignments());
        var report = Week47(previous);
        var change = Assert.IsType<ChangeSincePrevious>(report.Change);

        // Last week: only 出台招商引资办法 overdue; completed 报送项目清单 (late), 文旅推介会 and 非遗保护 (on time); 景区提升 past
        // its original deadline, not yet done: 2 on time of 5 that should have been completed.
        Assert.Equal(1, previous.Totals.Overdue);
        Assert.Equal(40m, previous.Totals.OnTimeRate);
        Assert.Equal(IsoWeek.Parse("2026-W46"), change.PreviousWeek);
        Assert.Equal(2, change.OverdueDelta);
        Assert.Equal(10m, change.OnTimeRateDelta);

        var fagaiwei = Assert.Single(change.Units, u => u.UnitId == Fagaiwei);
        Assert.Equal(1, fagaiwei.OverdueDelta);
        Assert.Equal(25m, fagaiwei.OnTimeRateDelta);
        Assert.Equal(Light.Red, fagaiwei.PreviousLight);
        Assert.Equal(Light.Red, fagaiwei.CurrentLight);

        // Last week nothing of 住建局's should have been completed: no rate to compare with.
        var zhujianju = Assert.Single(change.Units, u => u.UnitId == Zhujianju);
        Assert.Equal(1, zhujianju.OverdueDelta);
        Assert.Null(Row(previous, Zhujianju).Counts.OnTimeRate);
        Assert.Null(zhujianju.OnTimeRateDelta);

        // 住建局城建科 got its first assignment this week: nothing to compare its rate with.
        var newcomer = Assert.Single(change.Units, u => u.UnitId == Chengjianke);
        Assert.Null(newcomer.OnTimeRateDelta);
        Assert.Null(newcomer.PreviousLight);
        Assert.Equal(0, newcomer.OverdueDelta);

        Assert.Equal(change.Units.Select(u => u.UnitName).Order(StringComparer.Ordinal), change.Units.Select(u => u.UnitName));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Each_number_follows_from_the_assignments_and_the_totals_are_the_units_summed(int seed)
    {
        var items = RandomAssignments(seed, 400);
        var asOf = Local(2026, 11, 19, 15, 30);
        var report = Calculator.Calculate(Office, W47, asOf, AllUnits, items);
        var inScope = items.Where(a => a.LeadUnitId != Elsewhere && !a.IsCancelled && a.AssignedAt <= asOf).ToList();
        Assert.True(inScope.Count(a => a.IsAwaitingVerificationAsOf(asOf)) > 10 && inScope.Count(a => a.IsCompletedAsOf(asOf)) > 10,
            "the seed holds claims and verifications");

        foreach (var row in report.Units)
        {
            var mine = inScope.Where(a => a.LeadUnitId == row.UnitId).ToList();
            var c = row.Counts;
            Assert.Equal(mine.Count, c.Assigned);
            Assert.Equal(mine.Count(a => a.IsCompletedAsOf(asOf) && a.IsCompletedOnTime()), c.CompletedOnTime);
            Assert.Equal(mine.Count(a => a.IsCompletedAsOf(asOf) && !a.IsCompletedOnTime()), c.CompletedLate);
            Assert.Equal(mine.Count(a => a.IsAwaitingVerificationAsOf(asOf)), c.AwaitingVerification);
            Assert.Equal(mine.Count(a => a.IsOpenAsOf(asOf)), c.Open);
            Assert.Equal(mine.Count(a => a.IsOverdueAt(asOf)), c.Overdue);
            Assert.Equal(mine.Count(a => a.CountsTowardOnTimeRateAsOf(asOf)), c.ShouldBeCompleted);
            Assert.Equal(c.Assigned, c.Completed + c.AwaitingVerification + c.Open);
            Assert.Equal(c.ShouldBeCompleted == 0 ? null : Math.Round(100m * c.CompletedOnTime / c.ShouldBeCompleted, 1, MidpointRounding.AwayFromZero),
                c.OnTimeRate);
            // A unit with overdue work cannot show 100%; a red light always stands beside a rate below 100%.
            if (c.Overdue > 0)
                Assert.True(c.OnTimeRate < 100m, $"{row.UnitName}: {c.Overdue} overdue at {c.OnTimeRate}%");
            if (row.Light == Light.Red)
                Assert.True(c.OnTimeRate is < 100m, $"{row.UnitName}: red at {c.OnTimeRate}%");
            if (c.Overdue > 0)
                Assert.NotEqual(Light.Green, row.Light);
        }

        var sum = (Func<Func<ReviewCounts, int>, int>)(f => report.Units.Sum(u => f(u.Counts)));
        var t = report.Totals;
        Assert.Equal(
            (sum(c => c.Assigned), sum(c => c.CompletedOnTime), sum(c => c.CompletedLate), sum(c => c.AwaitingVerification), sum(c => c.Open),
                sum(c => c.DueNextWeek), sum(c => c.Overdue), sum(c => c.OverdueWithoutExplanation), sum(c => c.ShouldBeCompleted)),
            (t.Assigned, t.CompletedOnTime, t.CompletedLate, t.AwaitingVerification, t.Open, t.DueNextWeek, t.Overdue, t.OverdueWithoutExplanation,
                t.ShouldBeCompleted));
        Assert.Equal(ReviewCounts.OnTimeRateOf(t.CompletedOnTime, t.ShouldBeCompleted), t.OnTimeRate);
        Assert.Equal(inScope.Count(a => a.CompletedAt > ReviewClock.StartOfDay(W47.Monday, Shanghai) && a.IsCompletedAsOf(asOf)),
            report.CompletedThisWeek.Count);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Each_list_is_in_its_stated_order_whatever_the_order_of_the_input(int seed)
    {
        // Few titles and units, so the later keys of each order decide often.
        var items = RandomAssignments(seed, 600).Select((a, i) => a with { Title = $"事项{i % 3}" }).Reverse().ToList();
        var report = Calculator.Calculate(Office, W47, Local(2026, 11, 19, 15, 30), AllUnits, items);
        Assert.True(report.NewlyOverdue.Count + report.StillOverdue.Count > 20 && report.DueNextWeek.Count > 3 && report.CompletedThisWeek.Count > 3,
            $"the seed fills the lists: {report.NewlyOverdue.Count}, {report.StillOverdue.Count}, {report.CompletedThisWeek.Count}, {report.DueNextWeek.Count}");

        foreach (var list in new[] { report.NewlyOverdue, report.StillOverdue })
            Assert.Equal(list.OrderByDescending(i => i.DaysOverdue).ThenBy(i => i.UnitName, StringComparer.Ordinal).ThenBy(i => i.DueDate)
                .ThenBy(i => i.Title, StringComparer.Ordinal).ThenBy(i => i.AssignmentId), list);
        Assert.Equal(report.CompletedThisWeek.OrderBy(i => i.UnitName, StringComparer.Ordinal).ThenBy(i => i.Title, StringComparer.Ordinal)
            .ThenBy(i => i.AssignmentId), report.CompletedThisWeek);
        Assert.Equal(report.DueNextWeek.OrderBy(i => i.DueDate).ThenBy(i => i.UnitName, StringComparer.Ordinal)
            .ThenBy(i => i.Title, StringComparer.Ordinal).ThenBy(i => i.AssignmentId), report.DueNextWeek);
    }

    [Fact]
    public void A_claim_is_awaiting_verification_neither_completed_nor_overdue_until_the_office_verifies_it()
    {
        var claimed = Open(1, Fagaiwei, D(2026, 11, 10), "已确认完成") with
            { Status = AssignmentState.CompletionRequested, CompletionRequestedAt = Local(2026, 11, 12, 9, 0) };
        var overdue = Open(2, Fagaiwei, D(2026, 11, 11), "仍在推进");

        var before = Calculator.Calculate(Office, W47, EndOfW47, AllUnits, [claimed, overdue]);
        var after = Calculator.Calculate(Office, W47, EndOfW47, AllUnits,
            [claimed with { Status = AssignmentState.Completed, CompletedAt = Local(2026, 11, 20, 9, 0) }, overdue]);

        // (assigned, on time, late, awaiting verification, open, due next week, overdue, unexplained, should be completed, rate)
        Assert.Equal(new ReviewCounts(2, 0, 0, 1, 1, 0, 1, 1, 2, 0m), Row(before, Fagaiwei).Counts);
        Assert.Empty(before.CompletedThisWeek);
        Assert.Equal(["仍在推进"], before.StillOverdue.Select(i => i.Title));
        // Claimed after its deadline: once verified, a late completion, listed as completed in the week it was verified.
        Assert.Equal(new ReviewCounts(2, 0, 1, 0, 1, 0, 1, 1, 2, 0m), Row(after, Fagaiwei).Counts);
        Assert.Equal(2, Assert.Single(after.CompletedThisWeek).DaysOverdue);
    }

    [Fact]
    public void Without_a_previous_report_there_is_no_change()
    {
        Assert.Null(Week47().Change);
    }

    [Fact]
    public void A_previous_report_of_another_scope_is_refused()
    {
        var other = Calculator.Calculate(Zhujianju, W47.Previous(), EndOfW46, AllUnits, Week47Assignments());

        Assert.Throws<ArgumentException>(() => Week47(other));
    }

    [Fact]
    public void Custom_light_rules_change_the_light()
    {
        var lenient = new WeeklyReviewCalculator(LightRules.Default with { RedWhenOverdueWithoutExplanation = false, RedOverdueDays = 0 });

        var report = lenient.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments());

        // 发改委 still has a 25% on-time rate: below 60, red regardless.
        Assert.Equal(Light.Red, Row(report, Fagaiwei).Light);
        var relaxed = new WeeklyReviewCalculator(lenient.Rules with { RedOnTimeRateBelow = 20m });
        Assert.Equal(Light.Yellow, Row(relaxed.Calculate(Office, W47, EndOfW47, AllUnits, Week47Assignments()), Fagaiwei).Light);
    }
}

public class LightRulesTests
{
    [Theory]
    [InlineData(0, 0, 0, null, 100, Light.Green)]
    [InlineData(1, 1, 1, null, 100, Light.Red)]      // overdue without explanation
    [InlineData(1, 0, 29, null, 100, Light.Yellow)]  // overdue, explained
    [InlineData(1, 0, 30, null, 100, Light.Red)]     // far behind: 30 days
    [InlineData(0, 0, 0, null, 59.9, Light.Red)]
    [InlineData(0, 0, 0, null, 60, Light.Yellow)]
    [InlineData(0, 0, 0, null, 84.9, Light.Yellow)]
    [InlineData(0, 0, 0, null, 85, Light.Green)]
    [InlineData(0, 0, 0, 49, 100, Light.Yellow)]     // due next week, lagging
    [InlineData(0, 0, 0, 50, 100, Light.Green)]
    public void Default_rules_give_red_yellow_or_green(int overdue, int unexplained, int maxDays, int? lowestProgress, double rate, Light expected)
    {
        Assert.Equal(expected, LightRules.Default.Evaluate(overdue, unexplained, maxDays, lowestProgress, (decimal)rate));
    }

    [Fact]
    public void Without_a_rate_its_clauses_do_not_apply()
    {
        Assert.Equal(Light.Green, LightRules.Default.Evaluate(0, 0, 0, null, null));
        Assert.Equal(Light.Yellow, LightRules.Default.Evaluate(0, 0, 0, 10, null));
    }

    [Fact]
    public void A_zero_threshold_switches_its_clause_off()
    {
        var rules = LightRules.Default with { YellowDueNextWeekProgressBelow = 0, RedOverdueDays = 0, YellowWhenAnyOverdue = false };

        Assert.Equal(Light.Green, rules.Evaluate(0, 0, 0, 0, 100m));
        Assert.Equal(Light.Green, rules.Evaluate(1, 0, 90, null, 100m));
    }
}

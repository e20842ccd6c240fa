using Duban.Supervision.Domain.Reviews;
using Xunit;
using static Duban.Supervision.Tests.Domain.ReviewFixtures;

namespace Duban.Supervision.Tests.Domain;

public class ReviewedAssignmentTests
{
    [Fact]
    public void A_date_in_Shanghai_is_due_at_the_next_local_midnight()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 16, 0, 0, TimeSpan.Zero), ReviewClock.DueInstant(D(2026, 11, 22), Shanghai));
    }

    [Fact]
    public void An_item_due_Sunday_is_not_overdue_at_Sunday_23_59_local_but_is_at_Monday_00_00_local()
    {
        var item = Open(1, Fagaiwei, D(2026, 11, 22));

        Assert.False(item.IsOverdueAt(Local(2026, 11, 22, 23, 59)));
        Assert.False(item.IsOverdueAt(Local(2026, 11, 23, 0, 0).AddTicks(-1)));
        Assert.True(item.IsOverdueAt(Local(2026, 11, 23, 0, 0)));
        Assert.Equal(1, item.DaysOverdueAt(Local(2026, 11, 23, 0, 0)));
        Assert.Equal(0, item.DaysOverdueAt(Local(2026, 11, 22, 23, 59)));
    }

    [Fact]
    public void Days_overdue_count_whole_local_days_not_UTC_days()
    {
        var item = Open(1, Fagaiwei, D(2026, 11, 1));

        // 2026-11-10 01:00 in Shanghai is still 2026-11-09 in UTC.
        Assert.Equal(9, item.DaysOverdueAt(Local(2026, 11, 10, 1, 0)));
        Assert.Equal(8, item.DaysOverdueAt(Local(2026, 11, 9, 23, 0)));
    }

    [Fact]
    public void Due_instants_follow_the_assignment_time_zone_across_daylight_saving()
    {
        // New York leaves daylight saving on 2026-11-01: that day ends at 05:00Z, the day before at 04:00Z.
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 4, 0, 0, TimeSpan.Zero), ReviewClock.DueInstant(D(2026, 10, 30), "America/New_York"));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 5, 0, 0, TimeSpan.Zero), ReviewClock.DueInstant(D(2026, 11, 1), "America/New_York"));
    }

    [Fact]
    public void Completion_confirmed_on_the_due_day_is_on_time_even_when_verified_later()
    {
        var item = Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 20, 23, 59));

        Assert.True(item.IsCompletedOnTime());
        Assert.Equal(0, item.DaysLate());
    }

    [Fact]
    public void Completion_confirmed_after_local_midnight_is_late_by_one_day()
    {
        // "At or before the due instant": midnight itself still counts, a minute later does not.
        Assert.True(Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 21, 0, 0)).IsCompletedOnTime());
        var item = Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 21, 0, 1));

        Assert.False(item.IsCompletedOnTime());
        Assert.Equal(1, item.DaysLate());
    }

    [Fact]
    public void Without_a_confirmation_the_verification_time_decides()
    {
        var item = Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 20, 12, 0)) with
            { CompletionRequestedAt = null, CompletedAt = Local(2026, 11, 23, 12, 0) };

        Assert.False(item.IsCompletedOnTime());
        Assert.Equal(3, item.DaysLate());
    }

    [Fact]
    public void An_extension_approved_before_the_original_deadline_moves_the_deadline_that_counts()
    {
        var item = Done(1, Fagaiwei, D(2026, 11, 30), Local(2026, 11, 25, 10, 0)) with
            { OriginalDueDate = D(2026, 11, 15), ExtensionApprovedBeforeOriginalDue = true };

        Assert.Equal(D(2026, 11, 30), item.CountingDueDate());
        Assert.True(item.IsCompletedOnTime());
    }

    [Fact]
    public void An_extension_approved_after_the_original_deadline_is_judged_against_the_original()
    {
        var item = Done(1, Fagaiwei, D(2026, 11, 30), Local(2026, 11, 25, 10, 0)) with
            { OriginalDueDate = D(2026, 11, 15), ExtensionApprovedBeforeOriginalDue = false };

        Assert.Equal(D(2026, 11, 15), item.CountingDueDate());
        Assert.False(item.IsCompletedOnTime());
        Assert.Equal(10, item.DaysLate());
    }

    [Fact]
    public void An_extended_open_item_is_overdue_only_against_its_current_deadline()
    {
        var item = Open(1, Fagaiwei, D(2026, 11, 30)) with { OriginalDueDate = D(2026, 11, 15) };

        Assert.False(item.IsOverdueAt(Local(2026, 11, 20, 12, 0)));
        Assert.True(item.IsOverdueAt(Local(2026, 12, 1, 0, 0)));
    }

    [Theory]
    [InlineData(AssignmentState.CompletionRequested, false)]
    [InlineData(AssignmentState.Completed, false)]
    [InlineData(AssignmentState.Cancelled, false)]
    [InlineData(AssignmentState.Assigned, true)]
    [InlineData(AssignmentState.Accepted, true)]
    [InlineData(AssignmentState.InProgress, true)]
    public void Only_working_states_can_be_overdue(AssignmentState state, bool overdue)
    {
        var item = Open(1, Fagaiwei, D(2026, 11, 1)) with { Status = state, CompletionRequestedAt = Local(2026, 11, 5, 9, 0) };

        Assert.Equal(overdue, item.IsOverdueAt(Local(2026, 11, 20, 9, 0)));
    }

    [Fact]
    public void A_completion_stamped_after_the_as_of_instant_does_not_count_yet()
    {
        var item = Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 24, 9, 0)) with { Status = AssignmentState.CompletionRequested };

        Assert.False(item.IsAwaitingVerificationAsOf(Local(2026, 11, 23, 0, 0)));
        Assert.True(item.IsOverdueAt(Local(2026, 11, 23, 0, 0)));
        Assert.True(item.IsAwaitingVerificationAsOf(Local(2026, 11, 24, 9, 0)));
        Assert.False(item.IsOverdueAt(Local(2026, 11, 24, 9, 0)));
    }

    [Fact]
    public void Only_the_offices_verification_completes_an_assignment_the_leads_claim_awaits_it()
    {
        // Claimed on 11-19, verified on 11-20 (Done's default: a day later).
        var verified = Done(1, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 19, 10, 0));
        var claimed = verified with { Status = AssignmentState.CompletionRequested, CompletedAt = null };

        Assert.False(claimed.IsCompletedAsOf(Local(2026, 12, 1, 0, 0)));
        Assert.True(claimed.IsAwaitingVerificationAsOf(Local(2026, 12, 1, 0, 0)));
        Assert.False(claimed.IsOpenAsOf(Local(2026, 12, 1, 0, 0)));
        Assert.False(claimed.IsOverdueAt(Local(2026, 12, 1, 0, 0)));

        // Between the claim and the verification the verified item was awaiting verification; after it, completed on time.
        Assert.True(verified.IsAwaitingVerificationAsOf(Local(2026, 11, 19, 12, 0)));
        Assert.False(verified.IsCompletedAsOf(Local(2026, 11, 19, 12, 0)));
        Assert.True(verified.IsCompletedAsOf(Local(2026, 11, 20, 10, 0)));
        Assert.False(verified.IsAwaitingVerificationAsOf(Local(2026, 11, 20, 10, 0)));
        Assert.True(verified.IsCompletedOnTime());
    }

    [Fact]
    public void The_on_time_rate_counts_what_is_completed_and_what_is_past_a_counting_or_current_deadline()
    {
        var asOf = Local(2026, 11, 23, 0, 0);

        Assert.False(Open(1, Fagaiwei, D(2026, 11, 30)).CountsTowardOnTimeRateAsOf(asOf));
        Assert.True(Open(2, Fagaiwei, D(2026, 11, 22)).CountsTowardOnTimeRateAsOf(asOf));
        Assert.True(Done(3, Fagaiwei, D(2026, 12, 30), Local(2026, 11, 1, 9, 0)).CountsTowardOnTimeRateAsOf(asOf));
        Assert.False(Open(4, Fagaiwei, null).CountsTowardOnTimeRateAsOf(asOf));
        // Extended after its original deadline had passed: judged on the original one ("按原定时间考核"), which has passed.
        Assert.True((Open(5, Fagaiwei, D(2026, 11, 30)) with { OriginalDueDate = D(2026, 11, 15) }).CountsTowardOnTimeRateAsOf(asOf));
        // Extended in time: only the new deadline counts.
        Assert.False((Open(6, Fagaiwei, D(2026, 11, 30)) with { OriginalDueDate = D(2026, 11, 15), ExtensionApprovedBeforeOriginalDue = true })
            .CountsTowardOnTimeRateAsOf(asOf));
        // A claim past its deadline counts, and is not on time until verified.
        Assert.True((Open(7, Fagaiwei, D(2026, 11, 20)) with { Status = AssignmentState.CompletionRequested, CompletionRequestedAt = Local(2026, 11, 19, 9, 0) })
            .CountsTowardOnTimeRateAsOf(asOf));
        Assert.False((Open(8, Fagaiwei, D(2026, 11, 1)) with { Status = AssignmentState.Cancelled }).CountsTowardOnTimeRateAsOf(asOf));
    }

    [Fact]
    public void A_rejected_completion_request_no_longer_counts_as_completion()
    {
        var item = Open(1, Fagaiwei, D(2026, 11, 20)) with { CompletionRequestedAt = Local(2026, 11, 18, 9, 0), RejectedCompletions = 1 };

        Assert.Null(item.UnitCompletionTime());
        Assert.True(item.IsOverdueAt(Local(2026, 11, 23, 0, 0)));
    }

    [Fact]
    public void Ongoing_work_without_a_deadline_is_never_overdue_and_always_on_time()
    {
        var open = Open(1, Fagaiwei, null);
        var done = open with { Status = AssignmentState.Completed, CompletedAt = Local(2030, 1, 1, 0, 0) };

        Assert.False(open.IsOverdueAt(Local(2030, 1, 1, 0, 0)));
        Assert.True(done.IsCompletedOnTime());
    }
}

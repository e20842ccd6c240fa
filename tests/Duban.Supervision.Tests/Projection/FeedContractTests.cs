using Duban.Deadlines;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Projection;
using Duban.Tasks.Events;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Tests.Projection;

/// <summary>The rule the tasks service writes into an event is the rule supervision reads back.</summary>
public class FeedContractTests
{
    public static TheoryData<string> Rules => ["weekly-sun", "weekly-mon", "biweekly", "monthly-end", "monthly-28", "quarter-1-20", "quarter-end",
        "half-end", "year-dec", "year-3-10"];

    private static Recurrence Rule(string name) => name switch
    {
        "weekly-sun" => Recurrence.Weekly(DayOfWeek.Sunday),
        "weekly-mon" => Recurrence.Weekly(DayOfWeek.Monday),
        "biweekly" => Recurrence.Biweekly(new DateOnly(2026, 3, 6)),
        "monthly-end" => Recurrence.Monthly(null),
        "monthly-28" => Recurrence.Monthly(28),
        "quarter-1-20" => Recurrence.Quarterly(1, 20),
        "quarter-end" => Recurrence.Quarterly(null, null),
        "half-end" => Recurrence.HalfYearly(null, null),
        "year-dec" => Recurrence.Yearly(12, null),
        "year-3-10" => Recurrence.Yearly(3, 10),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void A_rule_survives_the_wire(string name)
    {
        var rule = Rule(name);
        Assert.Equal(rule, FeedContract.ToRecurrence(EventMapping.ToContract(rule)));
    }

    [Fact]
    public void No_rule_or_a_frequency_this_build_does_not_know_gives_no_report_dates()
    {
        Assert.Null(FeedContract.ToRecurrence(null));
        Assert.Null(FeedContract.ToRecurrence(new Contract.RecurrenceRule { Frequency = (Contract.RecurrenceFrequency)99 }));
    }

    [Fact]
    public void Every_status_of_the_contract_has_a_state_with_the_same_meaning()
    {
        var statuses = Enum.GetValues<Contract.AssignmentStatus>().Where(s => s != Contract.AssignmentStatus.Unspecified).ToList();
        Assert.Equal(Enum.GetValues<AssignmentState>().Order(), statuses.Select(FeedContract.ToState).Order());
        Assert.Equal(AssignmentState.CompletionRequested, FeedContract.ToState(Contract.AssignmentStatus.CompletionRequested));
        Assert.Throws<InvalidOperationException>(() => FeedContract.ToState(Contract.AssignmentStatus.Unspecified));
    }
}

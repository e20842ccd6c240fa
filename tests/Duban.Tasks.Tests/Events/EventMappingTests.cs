using System.Reflection;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Events;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Tests.Events;

public class EventMappingTests
{
    private static Assignment NewAssignment(DeadlineKind kind, string text, DateOnly? due = null) => new()
    {
        Id = Guid.NewGuid(), PlanId = Guid.NewGuid(), ItemId = Guid.NewGuid(), ParentAssignmentId = Guid.NewGuid(),
        AssigningUnitId = Guid.NewGuid(), LeadUnitId = Guid.NewGuid(), CoUnitIds = [Guid.NewGuid(), Guid.NewGuid()],
        OwnerPersonId = Guid.NewGuid(), OwnerName = "陈志刚", Title = "推进项目", DeadlineKind = kind, DeadlineText = text,
        DueDate = due, DuePrecision = due is null ? null : DatePrecision.Day, OriginalDueDate = due,
        DeadlineContextDate = new DateOnly(2023, 3, 1), TimeZone = "Asia/Shanghai", Status = AssignmentStatus.InProgress,
        ProgressPercent = 40, Version = 7, DeadlineVersion = 2,
        CreateTime = new DateTimeOffset(2023, 3, 1, 9, 0, 0, TimeSpan.FromHours(8)), UpdateTime = new DateTimeOffset(2023, 5, 2, 9, 0, 0, TimeSpan.FromHours(8)),
    };

    private static readonly Google.Protobuf.Reflection.EnumDescriptor EventTypeNames =
        Contract.TasksReflection.Descriptor.EnumTypes.Single(e => e.Name == nameof(Contract.AssignmentEventType));

    [Fact]
    public void Every_history_entry_type_has_an_event_type_of_its_own()
    {
        var types = typeof(HistoryTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var mapped = types.Select(EventMapping.TypeOf).ToList();

        Assert.DoesNotContain(Contract.AssignmentEventType.Unspecified, mapped);
        Assert.Equal(types.Count, mapped.Distinct().Count());
        // The enum's names are the history types' names, so the two cannot drift apart unnoticed.
        Assert.All(types, t => Assert.Equal("ASSIGNMENT_EVENT_TYPE_" + t,
            EventTypeNames.FindValueByNumber((int)EventMapping.TypeOf(t)).Name));
        Assert.Equal(Contract.AssignmentEventType.Unspecified, EventMapping.TypeOf("SOMETHING_ELSE"));
    }

    [Fact]
    public void The_facts_are_the_assignment_as_the_domain_holds_it()
    {
        var a = NewAssignment(DeadlineKind.Fixed, "2023年12月31日前", new DateOnly(2023, 12, 31));

        var facts = EventMapping.ToFacts(a);

        Assert.Equal((a.Id.ToString(), a.ParentAssignmentId.ToString(), a.LeadUnitId.ToString(), a.OwnerPersonId.ToString(), "陈志刚"),
            (facts.Id, facts.ParentAssignmentId, facts.LeadUnitId, facts.OwnerPersonId, facts.OwnerName));
        Assert.Equal(a.CoUnitIds.Select(id => id.ToString()), facts.CoUnitIds);
        Assert.Equal((Contract.AssignmentStatus.InProgress, 40, 7L), (facts.Status, facts.ProgressPercent, facts.Version));
        Assert.Equal((Contract.DeadlineKind.Fixed, 2023, 12, 31, 2), (facts.Deadline.Kind, facts.Deadline.DueDate.Year, facts.Deadline.DueDate.Month,
            facts.Deadline.DueDate.Day, facts.Deadline.Version));
        Assert.Null(facts.Deadline.ReportRule);
        Assert.Equal(a.UpdateTime, facts.UpdateTime.ToDateTimeOffset());
    }

    [Theory]
    [InlineData("每周五", Contract.RecurrenceFrequency.Weekly, Google.Type.DayOfWeek.Friday, 0, 0)]
    [InlineData("每周日前", Contract.RecurrenceFrequency.Weekly, Google.Type.DayOfWeek.Sunday, 0, 0)]
    [InlineData("每月28日前", Contract.RecurrenceFrequency.Monthly, Google.Type.DayOfWeek.Unspecified, 0, 28)]
    [InlineData("每季度末", Contract.RecurrenceFrequency.Quarterly, Google.Type.DayOfWeek.Unspecified, 0, 0)]
    [InlineData("每年12月底前", Contract.RecurrenceFrequency.Yearly, Google.Type.DayOfWeek.Unspecified, 12, 0)]
    public void A_recurring_duty_carries_its_rule_and_no_dates(string text, Contract.RecurrenceFrequency frequency, Google.Type.DayOfWeek weekday,
        int month, int day)
    {
        var facts = EventMapping.ToFacts(NewAssignment(DeadlineKind.Recurring, text));

        Assert.Equal(new Contract.RecurrenceRule { Frequency = frequency, Weekday = weekday, MonthOfPeriod = month, DayOfMonth = day },
            facts.Deadline.ReportRule);
        Assert.Null(facts.Deadline.DueDate);
    }

    [Fact]
    public void Ongoing_work_carries_the_reporting_cadence_its_wording_states_and_none_otherwise()
    {
        var stated = EventMapping.ToFacts(NewAssignment(DeadlineKind.Ongoing, "长期坚持，每季度末报送进展"));
        Assert.Equal(Contract.RecurrenceFrequency.Quarterly, stated.Deadline.ReportRule.Frequency);

        var unstated = EventMapping.ToFacts(NewAssignment(DeadlineKind.Ongoing, "长期坚持"));
        Assert.Null(unstated.Deadline.ReportRule);
    }

    [Fact]
    public void A_fortnightly_duty_carries_the_date_that_fixes_its_rhythm()
    {
        var rule = EventMapping.ToContract(Recurrence.Biweekly(new DateOnly(2023, 3, 3)));

        Assert.Equal((Contract.RecurrenceFrequency.Biweekly, Google.Type.DayOfWeek.Friday, 2023, 3, 3),
            (rule.Frequency, rule.Weekday, rule.FirstDueDate.Year, rule.FirstDueDate.Month, rule.FirstDueDate.Day));
    }
}

using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Npgsql;
using Contract = Duban.Contracts.Tasks.V1;

namespace Duban.Tasks.Events;

/// <summary>
/// Events stored before the feed had a contract of its own: their snapshot is the tasks API's Assignment
/// message, with report dates computed for the day it was written instead of the rule. They are read for one
/// release, so a follower that starts from the beginning still sees them, and then dropped with the column.
/// The rule comes from the assignment's stored deadline: a report duty's wording never changes (an extension
/// moves only a due date), so it is the rule the event was written under.
/// </summary>
public static class LegacyEvents
{
    public static Contract.AssignmentFacts ToFacts(Contract.Assignment old, Contract.RecurrenceRule? reportRule) => new()
    {
        Id = old.Id,
        PlanId = old.PlanId,
        ItemId = old.ItemId,
        ParentAssignmentId = old.ParentAssignmentId,
        AssigningUnitId = old.AssigningUnitId,
        LeadUnitId = old.LeadUnitId,
        CoUnitIds = { old.CoUnitIds },
        OwnerPersonId = old.OwnerPersonId,
        OwnerName = old.OwnerName,
        Title = old.Title,
        Status = old.Status,
        ProgressPercent = old.ProgressPercent,
        Version = old.Version,
        TimeZone = old.TimeZone,
        Deadline = old.Deadline is { } d
            ? new Contract.DeadlineFacts
            {
                Kind = d.Kind,
                OriginalText = d.OriginalText,
                DueDate = d.DueDate,
                Precision = d.Precision,
                Milestones = { d.Milestones },
                Version = old.DeadlineVersion,
                OriginalDueDate = old.OriginalDueDate,
                ReportRule = reportRule,
            }
            : null,
        CreateTime = old.CreateTime,
        UpdateTime = old.UpdateTime,
        CompletionRequestedTime = old.CompletionRequestedTime,
        CompletedTime = old.CompletedTime,
        ChildCount = old.ChildCount,
        OpenChildCount = old.OpenChildCount,
    };

    /// <summary>The report rule of each of <paramref name="ids"/> that has one, from its stored deadline, in one query.</summary>
    public static async Task<Dictionary<Guid, Contract.RecurrenceRule>> ReportRulesAsync(NpgsqlDataSource dataSource, Guid[] ids, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, deadline_kind, deadline_text, deadline_context_date, time_zone FROM assignments
            WHERE id = ANY($1) AND deadline_kind = ANY($2)
            """);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [(int)DeadlineKind.Recurring, (int)DeadlineKind.Ongoing] });
        var rules = new Dictionary<Guid, Contract.RecurrenceRule>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var stored = new Assignment
            {
                Id = reader.GetGuid(0),
                Title = "",
                DeadlineKind = (DeadlineKind)reader.GetInt32(1),
                DeadlineText = reader.GetString(2),
                DeadlineContextDate = reader.GetFieldValue<DateOnly>(3),
                TimeZone = reader.GetString(4),
            };
            if (EventMapping.ReportRuleOf(stored) is { } rule)
                rules[stored.Id] = rule;
        }
        return rules;
    }
}

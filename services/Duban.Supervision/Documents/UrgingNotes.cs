using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notices;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Notices;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tasks = Duban.Contracts.Tasks.V1;

namespace Duban.Supervision.Documents;

/// <summary>
/// Gathers what a 督办单 or 催办单 says: the projection's state (days overdue, the level of 三色督办), the tasks
/// service's deadline wording and plan (来源), the units service's unit name, contacts (联络员) and their phones.
/// </summary>
public sealed class UrgingNotes(SupervisionDb db, Tasks.TasksService.TasksServiceClient tasks, UnitsDirectory units, IOptions<ScanOptions> scan,
    DocumentTemplates templates, TimeProvider time)
{
    public const int MaxNotes = 100;

    public async Task RenderAsync(IReadOnlyList<string> assignmentIds, DocumentTemplateKind kind, string message, DateOnly? replyBy, Caller caller,
        Stream output, CancellationToken ct)
    {
        if (!caller.IsOffice)
            throw new PermissionDeniedException("only the supervision office issues 督办单 and 催办单");
        var violations = new Violations();
        if (assignmentIds.Count == 0)
            violations.Add("assignment_ids", "name at least one assignment");
        else if (assignmentIds.Count > MaxNotes)
            violations.Add("assignment_ids", $"at most {MaxNotes} notes at once");
        var ids = new List<Guid>();
        for (var i = 0; i < assignmentIds.Count && i < MaxNotes; i++)
        {
            if (Guid.TryParse(assignmentIds[i], out var id))
                ids.Add(id);
            else
                violations.Add($"assignment_ids[{i}]", "is not a valid id");
        }
        violations.MaxLength(message, "message", 4000);
        violations.ThrowIfAny();

        var found = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        if (ids.FirstOrDefault(id => !found.ContainsKey(id)) is var missing && missing != Guid.Empty)
            throw new NotFoundException("assignment", missing.ToString());

        var now = time.GetUtcNow();
        var leadUnits = found.Values.Select(a => a.LeadUnitId).Distinct().ToList();
        var unitsById = await units.GetUnitsAsync(leadUnits, ct);
        var responsible = await units.GetResponsibilitiesAsync(leadUnits, ct);
        // The deadline's wording and the plan live in the tasks service; a few calls at a time (a batch holds at most 100).
        using var gate = new SemaphoreSlim(4);
        var details = await Task.WhenAll(ids.Select(async id =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await tasks.GetAssignmentAsync(new Tasks.GetAssignmentRequest { Id = id.ToString() }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
            }
            finally
            {
                gate.Release();
            }
        }));
        var plans = new Dictionary<string, string>();
        foreach (var planId in details.Select(d => d.PlanId).Distinct())
            plans[planId] = (await tasks.GetPlanAsync(new Tasks.GetPlanRequest { Id = planId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct)).Title;

        var prefix = kind == DocumentTemplateKind.UrgingNote ? "催办" : "督办";
        var notes = ids.Select((id, i) =>
        {
            var a = found[id];
            var detail = details[i];
            // 联系人: the unit's contacts (联络员), else its leads.
            responsible.TryGetValue(a.LeadUnitId, out var r);
            var contacts = r?.Contacts.Count > 0 ? r.Contacts.ToList() : r?.Leads.ToList() ?? [];
            var overdue = a.DueAt is { } dueAt && now > dueAt && NoticeScanRules.IsOpen(a.Status);
            // Counted as the notices count them, so a note and the 逾期 notice say the same number of days.
            int? days = overdue ? NoticeScanRules.DaysOverdue(a.DueAt!.Value, now) : null;
            return new UrgingNote(
                Number: $"{prefix}〔{ReviewClock.LocalDate(now, ReviewClock.DefaultTimeZone).Year}〕{id.ToString("N")[..8].ToUpperInvariant()}号",
                LeadUnit: unitsById.TryGetValue(a.LeadUnitId, out var unit) ? unit.Name : a.LeadUnitId.ToString(),
                Title: a.Title,
                Source: plans.GetValueOrDefault(detail.PlanId, "") + (detail.Source.Length > 0 ? $"（{detail.Source}）" : ""),
                Deadline: a.DueDate is { } due ? $"{detail.Deadline?.OriginalText}（{due.Year}年{due.Month}月{due.Day}日）" : detail.Deadline?.OriginalText ?? "长期",
                DaysOverdue: days,
                Level: Level(a, now, overdue, scan.Value.RulesFor(a.PlanId)),
                Requirement: message.Trim().Length > 0 ? message.Trim() : "请按完成时限抓紧办理，并按期报送办理情况。",
                ReplyBy: replyBy is { } d ? $"{d.Year}年{d.Month}月{d.Day}日前" : "",
                Contacts: string.Join("、", contacts.Select(p => p.Name)),
                Phones: string.Join("、", contacts.Where(p => p.Phone.Length > 0).Select(p => p.Phone)));
        }).ToList();

        var organ = await OrganAsync(caller, found[ids[0]].AssigningUnitId, ct);
        var today = ReviewClock.LocalDate(now, ReviewClock.DefaultTimeZone);
        // The office's template for its own unit's scope, else the assigning unit's.
        var template = await templates.ResolveAsync(kind, Guid.TryParse(caller.UnitId, out var own) ? own : found[ids[0]].AssigningUnitId, ct);
        UrgingNoteDocx.Render(template, notes, organ, $"{today.Year}年{today.Month}月{today.Day}日", output);
    }

    /// <summary>三色督办 by the scan's rules: red when overdue, yellow when progress lags the time elapsed, blue when due soon.</summary>
    public static UrgingLevel Level(ProjectedAssignment a, DateTimeOffset now, bool overdue, Domain.Notices.NoticeRules rules)
    {
        if (!NoticeScanRules.IsOpen(a.Status) || a.DueAt is not { } dueAt)
            return UrgingLevel.None;
        if (overdue)
            return UrgingLevel.Red;
        // Behind the time elapsed (序时进度) by the scan's own measure.
        if (NoticeScanRules.Lag(a.AssignedAt, a.ProgressPercent, dueAt, now) > rules.BehindScheduleYellowPoints)
            return UrgingLevel.Yellow;
        return dueAt - now <= TimeSpan.FromDays(rules.DueSoonDays) ? UrgingLevel.Blue : UrgingLevel.None;
    }

    /// <summary>The issuing organ: the office's own unit, else the unit that assigned the (first) work, as the units service names it.</summary>
    private async Task<string> OrganAsync(Caller caller, Guid assigningUnitId, CancellationToken ct) =>
        await units.FindUnitAsync(Guid.TryParse(caller.UnitId, out var unitId) ? unitId : assigningUnitId, ct) is { } unit ? unit.Name : "";
}

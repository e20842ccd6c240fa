using System.Security.Cryptography;
using System.Text.Json;
using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;

namespace Duban.Tasks.Data;

public sealed record NewAssignmentSpec(string Title, string LeadUnitId, IReadOnlyList<string> CoUnitIds, string OwnerPersonId,
    string DeadlineText, QuantitativeTarget? Target, string Source);

/// <summary>
/// Breaks a plan item or an assignment into assignments, across levels: lead units inside the decomposing
/// unit's subtree, deadlines no later than the parent's, all stored together with their events or not at all.
/// </summary>
public sealed class Decomposer(TasksDb db, AssignmentStore store, UnitsDirectory units, WorkingCalendar calendar, TimeProvider time)
{
    private const int MaxPerCall = 500;

    public async Task<IReadOnlyList<Assignment>> DecomposeAsync(string itemId, string assignmentId, long parentVersion,
        IReadOnlyList<NewAssignmentSpec> specs, string requestId, Caller caller, CancellationToken ct)
    {
        var violations = new Violations().MaxLength(requestId, "request_id", 100);
        if (itemId.Length == 0 && assignmentId.Length == 0)
            violations.Add("parent", "name the item_id or the assignment_id to decompose");
        if (specs.Count == 0)
            violations.Add("assignments", "must list at least one assignment");
        if (specs.Count > MaxPerCall)
            violations.Add("assignments", $"at most {MaxPerCall} per call");
        for (var i = 0; i < specs.Count; i++)
        {
            var at = $"assignments[{i}]";
            violations.RequireText(specs[i].Title, at + ".title", 2000)
                .RequireId(specs[i].LeadUnitId, at + ".lead_unit_id")
                .RequireText(specs[i].DeadlineText, at + ".deadline_text", 500)
                .MaxLength(specs[i].Source, at + ".source", 100);
            for (var j = 0; j < specs[i].CoUnitIds.Count; j++)
                violations.RequireId(specs[i].CoUnitIds[j], $"{at}.co_unit_ids[{j}]");
            if (specs[i].OwnerPersonId.Length > 0)
                violations.RequireId(specs[i].OwnerPersonId, at + ".owner_person_id");
        }
        violations.ThrowIfAny();

        // Who may decompose comes first: a request id must not hand anyone else's result back.
        Assignment? parent = null;
        if (assignmentId.Length > 0)
        {
            parent = await db.Assignments.FirstOrDefaultAsync(a => a.Id == Ids.Parse(assignmentId, "assignment_id"), ct)
                ?? throw new NotFoundException("assignment", assignmentId);
            AssignmentPermissions.CheckDecompose(caller, parent);
        }
        else
        {
            AssignmentPermissions.CheckDecompose(caller, null);
        }
        var requestHash = requestId.Length > 0 ? BodyHash(itemId, assignmentId, parentVersion, specs) : null;
        // A repeat comes before the version check: the first call bumped the parent's version.
        if (requestHash is not null && await EarlierAsync(requestId, requestHash, ct) is { } repeated)
            return repeated;

        // What is decomposed, by whom, and under which deadline.
        PlanItem item;
        if (parent is not null)
        {
            parent.CheckVersion(parentVersion);
            item = await db.PlanItems.SingleAsync(i => i.Id == parent.ItemId, ct);
        }
        else
        {
            item = await db.PlanItems.FirstOrDefaultAsync(i => i.Id == Ids.Parse(itemId, "item_id"), ct)
                ?? throw new NotFoundException("plan item", itemId);
        }
        // The plan's own columns only: its source text is the whole imported document, megabytes for a large plan.
        var plan = await db.Plans.AsNoTracking().Where(p => p.Id == item.PlanId)
            .Select(p => new { p.Id, p.IssuingUnitId, p.IssueDate, p.TimeZone, p.Source, p.Status }).SingleAsync(ct);
        if (plan.Status == PlanStatus.Withdrawn)
            throw new FailedPreconditionException("STATE", $"plans/{plan.Id}", "the plan was withdrawn (撤回): nothing more is decomposed under it");
        var decomposingUnit = parent?.LeadUnitId ?? plan.IssuingUnitId;
        var now = time.GetStoredUtcNow();
        var today = DueTime.LocalDate(now, plan.TimeZone);

        // Units and owners, asked of the units service in as few calls as possible.
        var unitIds = specs.SelectMany(s => s.CoUnitIds.Append(s.LeadUnitId)).Select(Guid.Parse);
        var known = await units.GetUnitsAsync(unitIds, ct);
        var owners = await units.GetPeopleAsync(specs.Where(s => s.OwnerPersonId.Length > 0).Select(s => Guid.Parse(s.OwnerPersonId)), ct);
        var context = new DeadlineContext(plan.IssueDate.Year, plan.IssueDate, plan.TimeZone);
        var created = new List<Assignment>();
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var at = $"assignments[{i}]";
            var leadId = Guid.Parse(spec.LeadUnitId);
            if (!known.TryGetValue(leadId, out var lead))
                violations.Add(at + ".lead_unit_id", $"no unit with id '{spec.LeadUnitId}'");
            else if (lead.Status != Contracts.Units.V1.UnitStatus.Active)
                violations.Add(at + ".lead_unit_id", $"unit '{lead.Name}' is archived");
            else if (!lead.AncestorIds.Contains(decomposingUnit.ToString()) && !(parent is null && leadId == decomposingUnit))
                violations.Add(at + ".lead_unit_id", $"unit '{lead.Name}' is not inside the decomposing unit's subtree");
            for (var j = 0; j < spec.CoUnitIds.Count; j++)
                if (!known.ContainsKey(Guid.Parse(spec.CoUnitIds[j])))
                    violations.Add($"{at}.co_unit_ids[{j}]", $"no unit with id '{spec.CoUnitIds[j]}'");

            Guid? ownerId = null;
            var ownerName = "";
            if (spec.OwnerPersonId.Length > 0)
            {
                if (!owners.TryGetValue(Guid.Parse(spec.OwnerPersonId), out var owner))
                    violations.Add(at + ".owner_person_id", $"no person with id '{spec.OwnerPersonId}'");
                else if (owner.Roles.All(r => r.UnitId != spec.LeadUnitId))
                    violations.Add(at + ".owner_person_id", $"{owner.Name} holds no role in the lead unit");
                else
                    (ownerId, ownerName) = (Guid.Parse(owner.Id), owner.Name);
            }

            var parsed = ParsedDeadlines.Parse(spec.DeadlineText, context);
            if (parsed.Deadline is null)
            {
                violations.Add(at + ".deadline_text", parsed.Problem ?? "not understood");
                continue;
            }
            var deadline = AssignmentDeadline.From(parsed.Deadline, today, calendar);
            if (deadline.ProblemUnder(parent?.DueDate) is { } late)
                violations.Add(at + ".deadline_text", late);

            created.Add(new Assignment
            {
                Id = Guid.CreateVersion7(),
                PlanId = plan.Id,
                ItemId = item.Id,
                ParentAssignmentId = parent?.Id,
                AssigningUnitId = decomposingUnit,
                LeadUnitId = leadId,
                CoUnitIds = spec.CoUnitIds.Select(Guid.Parse).Distinct().Where(id => id != leadId).ToArray(),
                OwnerPersonId = ownerId,
                OwnerName = ownerName,
                Title = spec.Title.Trim(),
                DeadlineKind = deadline.Kind,
                DeadlineText = deadline.Text,
                DueDate = deadline.DueDate,
                DuePrecision = deadline.Precision,
                Milestones = deadline.Milestones,
                OriginalDueDate = deadline.DueDate,
                DeadlineContextDate = plan.IssueDate,
                Target = spec.Target,
                Source = spec.Source.Length > 0 ? spec.Source.Trim() : parent?.Source ?? plan.Source,
                TimeZone = plan.TimeZone,
                CreateRequestId = requestId.Length > 0 ? requestId : null,
                CreateRequestHash = requestHash,
                CreateTime = now,
                UpdateTime = now,
            });
        }
        violations.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (requestHash is not null)
        {
            // Calls with one request id queue here; each later one finds the first one's assignments once it committed.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext('decompose'), hashtext({requestId}))", ct);
            if (await EarlierAsync(requestId, requestHash, ct) is { } first)
                return first;
        }
        var actor = AssignmentStore.ActorOf(caller);
        foreach (var assignment in created)
        {
            db.Assignments.Add(assignment);
            store.Record(assignment, new HistoryEntry
            {
                AssignmentId = assignment.Id,
                Type = HistoryTypes.Assigned,
                Time = now,
                PersonId = actor.PersonId,
                UnitId = actor.UnitId,
                StatusAfter = assignment.Status,
                Text = assignment.Title,
                DueDate = assignment.DueDate,
                Version = assignment.Version,
            });
        }
        if (parent is not null)
            store.Record(parent, parent.RecordDecomposition(actor, created.Count, now));
        await db.SaveChangesAsync(ct);
        if (parent is not null)
            await store.RollUpWrittenAsync(parent, now, ct);
        await transaction.CommitAsync(ct);
        return created;
    }

    /// <summary>What an earlier call with this request id created; refused when that call asked for something else.</summary>
    private async Task<IReadOnlyList<Assignment>?> EarlierAsync(string requestId, string requestHash, CancellationToken ct)
    {
        var earlier = await db.Assignments.AsNoTracking().Where(a => a.CreateRequestId == requestId).OrderBy(a => a.Id).ToListAsync(ct);
        if (earlier.Count == 0)
            return null;
        // Assignments stored before bodies were hashed carry none; their request id alone decides, as it did then.
        if (earlier[0].CreateRequestHash is { } stored && stored != requestHash)
            throw new AlreadyExistsException("request_id", "was already used for a different decomposition; send a new request id");
        return earlier;
    }

    /// <summary>The request as sent, hashed: the same parent, version and assignments give the same hash.</summary>
    public static string BodyHash(string itemId, string assignmentId, long parentVersion, IReadOnlyList<NewAssignmentSpec> specs) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { itemId, assignmentId, parentVersion, specs })));
}

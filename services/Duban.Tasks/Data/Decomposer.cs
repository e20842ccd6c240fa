using System.Security.Cryptography;
using System.Text.Json;
using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Tasks.Events;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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
    /// <summary>How often a decomposition is worked out again when a sibling changed between its read and its write.</summary>
    private const int MaxAttempts = 3;

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

        var requestHash = requestId.Length > 0 ? BodyHash(itemId, assignmentId, parentVersion, specs) : null;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // Units and owners are asked of the units service while the parent is read.
            var lookups = LookUpAsync(specs, ct);
            var reading = ReadTargetAsync(itemId, assignmentId, requestId, requestHash, caller, ct);
            try
            {
                await Task.WhenAll(reading, lookups);
            }
            catch when (reading.IsCompletedSuccessfully)
            {
                // The lookups failed: that matters only to a call that goes on to store, not to a repeat answered from what is stored.
            }
            for (var attempt = 1; ; attempt++)
            {
                var target = await reading;
                if (target.Repeated is { } repeated)
                    return repeated;
                target.Parent?.CheckVersion(parentVersion);
                if (target.Plan.Status == PlanStatus.Withdrawn)
                    throw new FailedPreconditionException("STATE", $"plans/{target.Plan.Id}", "the plan was withdrawn (撤回): nothing more is decomposed under it");
                var (known, owners) = await lookups;
                var decomposition = Prepare(target, specs, known, owners, requestId, requestHash, caller);
                var result = await WriteAsync(target, decomposition, requestId.Length > 0 ? requestId : null, ct);
                switch (result.Outcome)
                {
                    case DecompositionWriter.Outcome.Stored:
                        return decomposition.Children;
                    case DecompositionWriter.Outcome.ParentChanged:
                        throw new StaleVersionException("assignment", assignmentId, parentVersion, result.ParentVersionNow);
                    case DecompositionWriter.Outcome.RequestIdTaken when await EarlierAsync(requestId, requestHash!, ct) is { } first:
                        return first;
                }
                // A sibling changed between the read and the write: the roll-up is worked out again from what is stored now.
                if (attempt == MaxAttempts)
                    throw new StaleVersionException("assignment", assignmentId, parentVersion, result.ParentVersionNow);
                reading = ReadTargetAsync(itemId, assignmentId, requestId, requestHash, caller, ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>What is decomposed: the parent assignment (or none, for a plan item), its plan and its children as stored.</summary>
    private sealed record Target(Assignment? Parent, Guid ItemId, PlanColumns Plan, IReadOnlyList<StoredChild> Children,
        IReadOnlyList<Assignment>? Repeated = null)
    {
        /// <summary>The parent as read, before the decomposition changes it: what the write checks is still so.</summary>
        public DecompositionWriter.ParentAsRead? AsRead { get; } = Parent is null ? null
            : new(Parent.Id, Parent.Version, Children.Count, Children.Sum(c => c.Version));
    }

    private sealed record PlanColumns(Guid Id, Guid IssuingUnitId, DateOnly IssueDate, string TimeZone, string Source, PlanStatus Status);

    private sealed record StoredChild(AssignmentStatus Status, int ProgressPercent, long Version);

    /// <summary>What one call stores: the new assignments, every history entry and event, and the parent as it then stands.</summary>
    private sealed record Decomposition(List<Assignment> Children, List<HistoryEntry> Entries, List<TaskEvent> Events, bool ParentRolledUp,
        DateTimeOffset Now);

    private async Task<Target> ReadTargetAsync(string itemId, string assignmentId, string requestId, string? requestHash, Caller caller,
        CancellationToken ct)
    {
        // Who may decompose comes first: a request id must not hand anyone else's result back.
        Assignment? parent = null;
        if (assignmentId.Length > 0)
            parent = await AssignmentStore.FindUntracked(db, Ids.Parse(assignmentId, "assignment_id"), ct) ?? throw new NotFoundException("assignment", assignmentId);
        AssignmentPermissions.CheckDecompose(caller, parent);
        // A repeat comes before the version check: the first call bumped the parent's version.
        if (requestHash is not null && await EarlierAsync(requestId, requestHash, ct) is { } repeated)
            return new Target(parent, Guid.Empty, null!, [], repeated);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using var batch = new NpgsqlBatch(connection);
        // The plan's own columns only: its source text is the whole imported document, megabytes for a large plan.
        var plan = new NpgsqlBatchCommand(parent is not null
            ? "SELECT $2::uuid, id, issuing_unit_id, issue_date, time_zone, source, status FROM plans WHERE id = $1"
            : "SELECT i.id, p.id, p.issuing_unit_id, p.issue_date, p.time_zone, p.source, p.status FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE i.id = $1");
        plan.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = parent?.PlanId ?? Ids.Parse(itemId, "item_id") });
        if (parent is not null)
            plan.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = parent.ItemId });
        batch.BatchCommands.Add(plan);
        if (parent is not null)
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT status, progress_percent, version FROM assignments WHERE parent_assignment_id = $1")
            {
                Parameters = { new NpgsqlParameter<Guid> { TypedValue = parent.Id } },
            });
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            throw new NotFoundException("plan item", itemId);
        var item = reader.GetGuid(0);
        var columns = new PlanColumns(reader.GetGuid(1), reader.GetGuid(2), reader.GetFieldValue<DateOnly>(3), reader.GetString(4), reader.GetString(5),
            (PlanStatus)reader.GetInt32(6));
        var children = new List<StoredChild>();
        if (parent is not null)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
                children.Add(new StoredChild((AssignmentStatus)reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2)));
        }
        return new Target(parent, item, columns, children);
    }

    private async Task<(IReadOnlyDictionary<Guid, Contracts.Units.V1.Unit> Units, IReadOnlyDictionary<Guid, Contracts.Units.V1.Person> Owners)> LookUpAsync(
        IReadOnlyList<NewAssignmentSpec> specs, CancellationToken ct)
    {
        var unitIds = specs.SelectMany(s => s.CoUnitIds.Append(s.LeadUnitId)).Select(Guid.Parse);
        var ownerIds = specs.Where(s => s.OwnerPersonId.Length > 0).Select(s => Guid.Parse(s.OwnerPersonId)).ToList();
        var known = units.GetUnitsAsync(unitIds, ct);
        var owners = ownerIds.Count > 0 ? units.GetPeopleAsync(ownerIds, ct) : Task.FromResult<IReadOnlyDictionary<Guid, Contracts.Units.V1.Person>>(
            new Dictionary<Guid, Contracts.Units.V1.Person>());
        await Task.WhenAll(known, owners);
        return (await known, await owners);
    }

    /// <summary>
    /// The new assignments checked against the decomposing unit's subtree and the parent's deadline, and the parent after
    /// the decomposition and its roll-up, with every history entry and feed event; nothing is stored yet.
    /// </summary>
    private Decomposition Prepare(Target target, IReadOnlyList<NewAssignmentSpec> specs, IReadOnlyDictionary<Guid, Contracts.Units.V1.Unit> known,
        IReadOnlyDictionary<Guid, Contracts.Units.V1.Person> owners, string requestId, string? requestHash, Caller caller)
    {
        var (parent, plan) = (target.Parent, target.Plan);
        var decomposingUnit = parent?.LeadUnitId ?? plan.IssuingUnitId;
        var now = time.GetStoredUtcNow();
        var today = DueTime.LocalDate(now, plan.TimeZone);
        var context = new DeadlineContext(plan.IssueDate.Year, plan.IssueDate, plan.TimeZone);
        var violations = new Violations();
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
                ItemId = target.ItemId,
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

        var actor = AssignmentStore.ActorOf(caller);
        var entries = new List<HistoryEntry>();
        var events = new List<TaskEvent>();
        void Record(Assignment assignment, HistoryEntry entry)
        {
            entries.Add(entry);
            events.Add(EventFeed.NewEvent(assignment, entry.Type, time.GetUtcNow()));
        }
        foreach (var assignment in created)
            Record(assignment, new HistoryEntry
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
        var rolledUp = false;
        if (parent is not null)
        {
            Record(parent, parent.RecordDecomposition(actor, created.Count, now));
            // The parent's progress and open children follow its children, the new ones among them.
            var children = target.Children.Select(c => new ProgressRollup.ChildState(c.Status, c.ProgressPercent))
                .Concat(created.Select(c => new ProgressRollup.ChildState(c.Status, c.ProgressPercent))).ToList();
            var progress = ProgressRollup.Average(children) ?? parent.ProgressPercent;
            if (parent.RollUp(children.Count, children.Count(c => c.Status.IsOpen()), progress, now) is { } rollUp)
            {
                Record(parent, rollUp);
                rolledUp = true;
            }
        }
        return new Decomposition(created, entries, events, rolledUp, now);
    }

    /// <summary>
    /// Stores the decomposition in one round trip; when the parent's roll-up changed it and it has a parent of its own,
    /// the chain above is rolled up in the same transaction.
    /// </summary>
    private async Task<DecompositionWriter.Result> WriteAsync(Target target, Decomposition decomposition, string? requestId, CancellationToken ct)
    {
        var parent = target.Parent;
        // Only a roll-up that moved a parent with a parent of its own needs more than the one statement.
        var chain = decomposition.ParentRolledUp && parent!.ParentAssignmentId is not null;
        await using var transaction = chain ? await db.Database.BeginTransactionAsync(ct) : null;
        var result = await DecompositionWriter.WriteAsync((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction?)transaction?.GetDbTransaction(), target.AsRead, parent, decomposition.Children, decomposition.Entries,
            decomposition.Events, requestId, ct);
        if (transaction is not null && result.Outcome == DecompositionWriter.Outcome.Stored)
        {
            await store.RollUpAsync(parent!.ParentAssignmentId, decomposition.Now, ct);
            await transaction.CommitAsync(ct);
        }
        return result;
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

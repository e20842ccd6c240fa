using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Tasks.Domain;
using Duban.Tasks.Domain.Deadlines;
using Duban.Units.Client;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Duban.Tasks.Data;

public sealed record AssignmentFilter(string LeadUnitId, bool IncludeSubtree, string OwnerPersonId, IReadOnlyList<AssignmentStatus> Statuses,
    string PlanId, DateOnly? DueAfter, DateOnly? DueBefore, DateOnly? OverdueAsOf, string ParentAssignmentId, int PageSize, string PageToken, string Text = "",
    AssignmentOrder Order = AssignmentOrder.DueDate, bool PendingExtension = false, IReadOnlyList<string>? AssignmentIds = null)
{
    public const int MaxAssignmentIds = 100;
}

/// <summary>The orders a page of assignments comes in; each pages by its own key with the id last.</summary>
public enum AssignmentOrder
{
    DueDate,
    DueDateDescending,
    RecentlyUpdated,
    Title,
}

public sealed record PlanTreeNode(PlanItem Item, IReadOnlyList<Assignment> Assignments, int ProgressPercent, StatusCount Counts, int Depth);

public sealed record StatusCount(int Assigned, int Accepted, int InProgress, int CompletionRequested, int Completed, int Cancelled, int Overdue)
{
    public int Total => Assigned + Accepted + InProgress + CompletionRequested + Completed + Cancelled;

    public static StatusCount Of(IEnumerable<Assignment> assignments, DateTimeOffset now)
    {
        var list = assignments as IReadOnlyCollection<Assignment> ?? assignments.ToList();
        int Count(AssignmentStatus s) => list.Count(a => a.Status == s);
        return new(Count(AssignmentStatus.Assigned), Count(AssignmentStatus.Accepted), Count(AssignmentStatus.InProgress),
            Count(AssignmentStatus.CompletionRequested), Count(AssignmentStatus.Completed), Count(AssignmentStatus.Cancelled),
            list.Count(a => a.IsOverdueAt(now)));
    }
}

/// <summary>What a read of a plan leaves out: its document's text (megabytes for a large plan), its counts (a pass over its assignments).</summary>
[Flags]
public enum PlanOmissions
{
    None = 0,
    SourceText = 1,
    Counts = 2,
}

public sealed record PlanTreeView(Plan Plan, int ItemCount, int AssignmentCount, IReadOnlyList<PlanTreeNode> Nodes, StatusCount Counts, int ProgressPercent);

/// <summary>Reads: one assignment with its record, filtered lists, and a plan's tree with rolled-up progress.</summary>
public sealed class AssignmentQueries(TasksDb db, UnitsDirectory units, TimeProvider time)
{
    public async Task<(Assignment Assignment, IReadOnlyList<HistoryEntry> History)> GetAsync(string id, CancellationToken ct)
    {
        var assignmentId = Ids.Parse(id, "id");
        var assignment = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assignmentId, ct)
            ?? throw new NotFoundException("assignment", id);
        var history = await db.History.AsNoTracking().Where(h => h.AssignmentId == assignmentId).OrderBy(h => h.Id).ToListAsync(ct);
        return (assignment, history);
    }

    /// <summary>
    /// The assignments a reader whose subtree is <paramref name="readable"/> may see (null: everything), in SQL, as
    /// <see cref="ReadScope.Covers(Assignment, IReadOnlySet{Guid})"/> has it in C#.
    /// </summary>
    public static Expression<Func<Assignment, bool>> Readable(IReadOnlySet<Guid> readable)
    {
        var units = readable.ToArray();
        return a => units.Contains(a.LeadUnitId) || units.Contains(a.AssigningUnitId) || a.CoUnitIds.Any(c => units.Contains(c));
    }

    private IQueryable<Assignment> ReadableAssignments(IReadOnlySet<Guid>? readable) =>
        readable is null ? db.Assignments.AsNoTracking() : db.Assignments.AsNoTracking().Where(Readable(readable));

    /// <param name="readable">The reader's subtree (<see cref="ReadAccess.SubtreeAsync"/>); null for everything.</param>
    public async Task<Page<Assignment>> ListAsync(AssignmentFilter filter, IReadOnlySet<Guid>? readable, CancellationToken ct)
    {
        var size = PageToken.Size(filter.PageSize);
        var (query, fingerprint) = await FilteredAsync(filter, readable, "", ct);
        fingerprint += "|" + filter.Order;
        var after = PageToken.Decode(filter.PageToken, fingerprint);

        var rows = await PageInOrder(query, filter.Order, after, size).ToListAsync(ct);
        if (rows.Count <= size)
            return new Page<Assignment>(rows, "");
        rows.RemoveAt(rows.Count - 1);
        var last = rows[^1];
        var key = filter.Order switch
        {
            AssignmentOrder.RecentlyUpdated => $"{last.UpdateTime.UtcTicks}|{last.Id}",
            AssignmentOrder.Title => $"{last.Id}|{last.Title}",
            _ => $"{last.DueDate ?? DateOnly.MaxValue:yyyy-MM-dd}|{last.Id}",
        };
        return new Page<Assignment>(rows, PageToken.Encode(fingerprint, key));
    }

    /// <summary>
    /// One page (and one row more) in the order asked, after the previous page's last key. Keyset paging: each order's key,
    /// then the id; undated work sorts as if due on the last day there is (Npgsql writes it as the date infinity), written
    /// as a constant so that the SQL matches the index ix_assignments_ledger_order.
    /// </summary>
    internal static IQueryable<Assignment> PageInOrder(IQueryable<Assignment> query, AssignmentOrder order, string? after, int size) => (order switch
    {
        AssignmentOrder.DueDateDescending => (after is null ? query : AfterDueDescending(query, DecodeKey(after)))
            .OrderByDescending(a => a.DueDate ?? EF.Constant(DateOnly.MaxValue)).ThenByDescending(a => a.Id),
        AssignmentOrder.RecentlyUpdated => (after is null ? query : AfterUpdated(query, DecodeUpdatedKey(after)))
            .OrderByDescending(a => a.UpdateTime).ThenByDescending(a => a.Id),
        AssignmentOrder.Title => (after is null ? query : AfterTitle(query, DecodeTitleKey(after)))
            .OrderBy(a => a.Title).ThenBy(a => a.Id),
        _ => (after is null ? query : After(query, DecodeKey(after)))
            .OrderBy(a => a.DueDate ?? EF.Constant(DateOnly.MaxValue)).ThenBy(a => a.Id),
    }).Take(size + 1);

    private static IQueryable<Assignment> AfterDueDescending(IQueryable<Assignment> query, (DateOnly Due, Guid Id) key) =>
        query.Where(a => (a.DueDate ?? EF.Constant(DateOnly.MaxValue)) < key.Due || ((a.DueDate ?? EF.Constant(DateOnly.MaxValue)) == key.Due && a.Id.CompareTo(key.Id) < 0));

    private static IQueryable<Assignment> AfterUpdated(IQueryable<Assignment> query, (DateTimeOffset Time, Guid Id) key) =>
        query.Where(a => a.UpdateTime < key.Time || (a.UpdateTime == key.Time && a.Id.CompareTo(key.Id) < 0));

    private static IQueryable<Assignment> AfterTitle(IQueryable<Assignment> query, (string Title, Guid Id) key) =>
        query.Where(a => string.Compare(a.Title, key.Title) > 0 || (a.Title == key.Title && a.Id.CompareTo(key.Id) > 0));

    /// <summary>The most recent progress report of each assignment given that has one (最新进展 of a page).</summary>
    public async Task<IReadOnlyDictionary<Guid, HistoryEntry>> LatestProgressAsync(IReadOnlyCollection<Guid> assignmentIds, CancellationToken ct)
    {
        if (assignmentIds.Count == 0)
            return new Dictionary<Guid, HistoryEntry>();
        var entries = await db.History.AsNoTracking()
            .Where(h => assignmentIds.Contains(h.AssignmentId) && h.Type == HistoryTypes.ProgressReported)
            .GroupBy(h => h.AssignmentId)
            .Select(g => g.OrderByDescending(h => h.Id).First())
            .ToListAsync(ct);
        return entries.ToDictionary(h => h.AssignmentId);
    }

    /// <summary>
    /// Every assignment the filter matches, in list order, read page by page (<paramref name="pageSize"/> at a time) so
    /// that an export of a million holds one page. Filter problems are named under <paramref name="fieldPrefix"/>.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<Assignment>> AllPagesAsync(AssignmentFilter filter, IReadOnlySet<Guid>? readable, string fieldPrefix,
        int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (query, _) = await FilteredAsync(filter, readable, fieldPrefix, ct);
        (DateOnly Due, Guid Id)? after = null;
        while (true)
        {
            var page = after is { } key ? After(query, key) : query;
            var rows = await page.OrderBy(a => a.DueDate ?? EF.Constant(DateOnly.MaxValue)).ThenBy(a => a.Id).Take(pageSize).ToListAsync(ct);
            if (rows.Count > 0)
                yield return rows;
            if (rows.Count < pageSize)
                yield break;
            after = (rows[^1].DueDate ?? DateOnly.MaxValue, rows[^1].Id);
        }
    }

    private static IQueryable<Assignment> After(IQueryable<Assignment> query, (DateOnly Due, Guid Id) key) =>
        query.Where(a => (a.DueDate ?? EF.Constant(DateOnly.MaxValue)) > key.Due
            || ((a.DueDate ?? EF.Constant(DateOnly.MaxValue)) == key.Due && a.Id.CompareTo(key.Id) > 0));

    private async Task<(IQueryable<Assignment> Query, string Fingerprint)> FilteredAsync(AssignmentFilter filter, IReadOnlySet<Guid>? readable,
        string fieldPrefix, CancellationToken ct)
    {
        var violations = new Violations();
        Guid? Id(string value, string field)
        {
            if (value.Length == 0)
                return null;
            if (Guid.TryParse(value, out var g))
                return g;
            violations.Add(fieldPrefix + field, "is not a valid id");
            return null;
        }
        var leadUnit = Id(filter.LeadUnitId, "lead_unit_id");
        var owner = Id(filter.OwnerPersonId, "owner_person_id");
        var plan = Id(filter.PlanId, "plan_id");
        var parent = Id(filter.ParentAssignmentId, "parent_assignment_id");
        if (filter.IncludeSubtree && leadUnit is null)
            violations.Add(fieldPrefix + "include_subtree", "needs lead_unit_id");
        var text = filter.Text.Trim();
        violations.MaxLength(text, fieldPrefix + "text", 200);
        var only = filter.AssignmentIds ?? [];
        if (only.Count > AssignmentFilter.MaxAssignmentIds)
            violations.Add(fieldPrefix + "assignment_ids", $"at most {AssignmentFilter.MaxAssignmentIds} at once");
        var onlyIds = only.Take(AssignmentFilter.MaxAssignmentIds).Select((id, i) => Id(id.Length == 0 ? "-" : id, $"assignment_ids[{i}]")).OfType<Guid>().ToArray();
        violations.ThrowIfAny();

        var fingerprint = string.Join('|', "assignments", filter.LeadUnitId, filter.IncludeSubtree, filter.OwnerPersonId,
            string.Join(',', filter.Statuses), filter.PlanId, filter.DueAfter, filter.DueBefore, filter.OverdueAsOf, filter.ParentAssignmentId, text,
            filter.PendingExtension, string.Join(',', only));

        var query = ReadableAssignments(readable);
        if (only.Count > 0)
            query = query.Where(a => onlyIds.Contains(a.Id));
        if (leadUnit is { } unit)
        {
            if (filter.IncludeSubtree)
            {
                var subtree = (await units.ListSubtreeOutlineAsync(unit, includeArchived: false, ct)).Select(u => Guid.Parse(u.Id)).Append(unit).ToList();
                query = query.Where(a => subtree.Contains(a.LeadUnitId));
            }
            else
            {
                query = query.Where(a => a.LeadUnitId == unit);
            }
        }
        if (owner is { } o)
            query = query.Where(a => a.OwnerPersonId == o);
        if (plan is { } p)
            query = query.Where(a => a.PlanId == p);
        if (parent is { } pa)
            query = query.Where(a => a.ParentAssignmentId == pa);
        if (filter.Statuses.Count > 0)
            query = query.Where(a => filter.Statuses.Contains(a.Status));
        if (filter.DueAfter is { } dueAfter)
            query = query.Where(a => a.DueDate >= dueAfter);
        if (filter.DueBefore is { } dueBefore)
            query = query.Where(a => a.DueDate <= dueBefore);
        if (filter.OverdueAsOf is { } asOf)
            query = query.Where(a => a.DueDate < asOf
                && (a.Status == AssignmentStatus.Assigned || a.Status == AssignmentStatus.Accepted || a.Status == AssignmentStatus.InProgress));

        if (filter.PendingExtension)
            query = query.Where(a => a.PendingExtension != null);
        if (text.Length > 0)
        {
            // The text is matched as written: LIKE's wildcards in it are escaped.
            var pattern = "%" + text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%";
            query = query.Where(a => EF.Functions.ILike(a.Title, pattern, @"\") || EF.Functions.ILike(a.OwnerName, pattern, @"\"));
        }

        return (query, fingerprint);
    }

    /// <summary>
    /// A plan with its counts (0 with <see cref="PlanOmissions.Counts"/>). A reader with a subtree sees a plan their
    /// subtree issued or holds an assignment of, and counts the assignments they may read.
    /// </summary>
    public async Task<(Plan Plan, int Items, int Assignments)> GetPlanAsync(string id, IReadOnlySet<Guid>? readable, CancellationToken ct,
        PlanOmissions omit = PlanOmissions.None)
    {
        var planId = Ids.Parse(id, "id");
        var plan = await Plans(omit).FirstOrDefaultAsync(p => p.Id == planId, ct) ?? throw new NotFoundException("plan", id);
        if (omit.HasFlag(PlanOmissions.Counts))
        {
            if (readable is not null && !readable.Contains(plan.IssuingUnitId) && !await ReadableAssignments(readable).AnyAsync(a => a.PlanId == planId, ct))
                throw new PermissionDeniedException("a unit reads the plans it issued or holds an assignment of");
            return (plan, 0, 0);
        }
        var assignments = await ReadableAssignments(readable).CountAsync(a => a.PlanId == planId, ct);
        if (readable is not null && assignments == 0 && !readable.Contains(plan.IssuingUnitId))
            throw new PermissionDeniedException("a unit reads the plans it issued or holds an assignment of");
        return (plan, await db.PlanItems.CountAsync(i => i.PlanId == planId, ct), assignments);
    }

    /// <summary>Plans as read, without the document's text when it is left out: it is megabytes for a large plan.</summary>
    private IQueryable<Plan> Plans(PlanOmissions omit) => omit.HasFlag(PlanOmissions.SourceText)
        ? db.Plans.FromSql($"""
            SELECT id, title, issuing_unit_id, issue_date, time_zone, '' AS source_text, status, version, source, withdraw_reason, withdrawn_at,
                   create_request_id, create_request_hash, create_time
            FROM plans
            """).AsNoTracking()
        : db.Plans.AsNoTracking();

    /// <summary>Plans in force (with <paramref name="includeWithdrawn"/>, withdrawn ones too), oldest first.</summary>
    public async Task<Page<(Plan Plan, int Items, int Assignments)>> ListPlansAsync(string issuingUnitId, int pageSize, string pageToken,
        bool includeWithdrawn, bool omitCounts, IReadOnlySet<Guid>? readable, CancellationToken ct)
    {
        var size = PageToken.Size(pageSize);
        var fingerprint = includeWithdrawn ? $"plans|{issuingUnitId}|withdrawn" : $"plans|{issuingUnitId}";
        var after = PageToken.Decode(pageToken, fingerprint);
        // A list names plans: their documents' text comes with GetPlan.
        var query = Plans(PlanOmissions.SourceText);
        if (!includeWithdrawn)
            query = query.Where(p => p.Status != PlanStatus.Withdrawn);
        if (issuingUnitId.Length > 0)
        {
            var unit = Ids.Parse(issuingUnitId, "issuing_unit_id");
            query = query.Where(p => p.IssuingUnitId == unit);
        }
        var visible = ReadableAssignments(readable);
        if (readable is not null)
        {
            var issuers = readable.ToArray();
            query = query.Where(p => issuers.Contains(p.IssuingUnitId) || visible.Any(a => a.PlanId == p.Id));
        }
        if (after is not null)
        {
            var afterId = PageToken.Key(after, Guid.Parse);
            query = query.Where(p => p.Id.CompareTo(afterId) > 0);
        }
        var ordered = query.OrderBy(p => p.Id).Take(size + 1);
        var rows = omitCounts
            ? await ordered.Select(p => new { Plan = p, Items = 0, Assignments = 0 }).ToListAsync(ct)
            : await ordered.Select(p => new { Plan = p, Items = db.PlanItems.Count(i => i.PlanId == p.Id), Assignments = visible.Count(a => a.PlanId == p.Id) })
                .ToListAsync(ct);
        var page = rows.Select(r => (r.Plan, r.Items, r.Assignments)).ToList();
        if (page.Count <= size)
            return new(page, "");
        page.RemoveAt(page.Count - 1);
        return new(page, PageToken.Encode(fingerprint, page[^1].Plan.Id.ToString()));
    }

    /// <summary>
    /// The item tree in document order; each node's progress and counts cover its whole branch. A reader with a
    /// subtree sees every item (the plan is issued to all its units) but only the assignments they may read,
    /// and the counts and progress of those.
    /// </summary>
    public async Task<PlanTreeView> GetPlanTreeAsync(string planId, IReadOnlySet<Guid>? readable, CancellationToken ct)
    {
        var (plan, itemCount, assignmentCount) = await GetPlanAsync(planId, readable, ct);
        var items = await db.PlanItems.AsNoTracking().Where(i => i.PlanId == plan.Id).OrderBy(i => i.Position).ToListAsync(ct);
        var assignments = await ReadableAssignments(readable).Where(a => a.PlanId == plan.Id).ToListAsync(ct);
        var shown = assignments.Select(a => a.Id).ToHashSet();
        var now = time.GetUtcNow();

        var byItem = assignments.ToLookup(a => a.ItemId);
        var children = items.ToLookup(i => i.ParentId);
        var branch = new Dictionary<Guid, List<Assignment>>();
        List<Assignment> Branch(PlanItem item)
        {
            if (branch.TryGetValue(item.Id, out var known))
                return known;
            var all = byItem[item.Id].ToList();
            foreach (var child in children[item.Id])
                all.AddRange(Branch(child));
            return branch[item.Id] = all;
        }

        // A branch's progress comes from its top-level assignments, decomposed ones already roll up into them;
        // for a reader who does not see a parent, the assignments decomposed from it are the top level.
        int Progress(IEnumerable<Assignment> list) =>
            ProgressRollup.Average(list.Where(a => a.ParentAssignmentId is not { } parent || !shown.Contains(parent))
                .Select(a => new ProgressRollup.ChildState(a.Status, a.ProgressPercent))) ?? 0;

        var nodes = items.Select(item => new PlanTreeNode(item,
            byItem[item.Id].OrderBy(a => a.ParentAssignmentId is not null).ThenBy(a => a.Id).ToList(),
            Progress(Branch(item)), StatusCount.Of(Branch(item), now), item.Depth)).ToList();
        return new PlanTreeView(plan, itemCount, assignmentCount, nodes, StatusCount.Of(assignments, now), Progress(assignments));
    }

    private static (DateTimeOffset Time, Guid Id) DecodeUpdatedKey(string key)
    {
        var bar = key.IndexOf('|');
        if (bar > 0 && long.TryParse(key[..bar], out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
            && Guid.TryParse(key[(bar + 1)..], out var id))
            return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        throw new ValidationFailedException("page_token", "is not a token this service issued");
    }

    /// <summary>The id first: a title may hold the separator.</summary>
    private static (string Title, Guid Id) DecodeTitleKey(string key)
    {
        var bar = key.IndexOf('|');
        if (bar > 0 && Guid.TryParse(key[..bar], out var id))
            return (key[(bar + 1)..], id);
        throw new ValidationFailedException("page_token", "is not a token this service issued");
    }

    private static (DateOnly Due, Guid Id) DecodeKey(string key)
    {
        var bar = key.IndexOf('|');
        if (bar > 0 && DateOnly.TryParseExact(key[..bar], "yyyy-MM-dd", out var due) && Guid.TryParse(key[(bar + 1)..], out var id))
            return (due, id);
        throw new ValidationFailedException("page_token", "is not a token this service issued");
    }
}

using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Reviews;
using Duban.Supervision.Reviews;
using Duban.Units.Client;
using Duban.Supervision.Domain.Evidence;
using Duban.Supervision.Domain.Explanations;
using Duban.Supervision.Evidence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Notices;

public sealed record NoticeFilter(string LeadUnitId, bool IncludeSubtree, string OwnerPersonId, IReadOnlyList<NoticeKind> Kinds,
    IReadOnlyList<NoticeStatus> Statuses, string PlanId, string AssignmentId, int PageSize, string PageToken);

public sealed record ExplanationFilter(string LeadUnitId, bool IncludeSubtree, IReadOnlyList<ExplanationStatus> Statuses, string NoticeId,
    string AssignmentId, int PageSize, string PageToken);

/// <summary>Notices and explanations: who may see, acknowledge, urge, explain and decide.</summary>
public sealed class NoticeStore(SupervisionDb db, UnitsDirectory units, EvidenceBinder evidence, TimeProvider time)
{
    public async Task<Page<Notice>> ListAsync(NoticeFilter filter, Caller caller, CancellationToken ct)
    {
        var size = PageToken.Size(filter.PageSize);
        var fingerprint = string.Join('|', "notices-by-urgency", filter.LeadUnitId, filter.IncludeSubtree, filter.OwnerPersonId, string.Join(',', filter.Kinds),
            string.Join(',', filter.Statuses), filter.PlanId, filter.AssignmentId);
        var after = PageToken.Decode(filter.PageToken, fingerprint);

        var query = await ListQueryAsync(filter, caller, ct);
        // Most urgent first: escalation level (and kind), then the most days overdue (the earliest date), then id.
        if (after is not null)
        {
            var (urgency, due, id) = ParseAfter(after);
            query = query.Where(n => n.Urgency < urgency
                || (n.Urgency == urgency && ((n.DueDate ?? DateOnly.MaxValue) > due || ((n.DueDate ?? DateOnly.MaxValue) == due && n.Id.CompareTo(id) > 0))));
        }
        var rows = await query.OrderByDescending(n => n.Urgency).ThenBy(n => n.DueDate ?? DateOnly.MaxValue).ThenBy(n => n.Id).Take(size + 1).ToListAsync(ct);
        if (rows.Count <= size)
            return new Page<Notice>(rows, "");
        rows.RemoveAt(rows.Count - 1);
        var last = rows[^1];
        return new Page<Notice>(rows, PageToken.Encode(fingerprint, $"{last.Urgency}|{(last.DueDate ?? DateOnly.MaxValue).DayNumber}|{last.Id}"));
    }

    private static (int Urgency, DateOnly Due, Guid Id) ParseAfter(string after)
    {
        var parts = after.Split('|');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var urgency) || !int.TryParse(parts[1], out var day) || !Guid.TryParse(parts[2], out var id)
            || day < DateOnly.MinValue.DayNumber || day > DateOnly.MaxValue.DayNumber)
            throw new ValidationFailedException("page_token", "is not a token this list gave out");
        return (urgency, DateOnly.FromDayNumber(day), id);
    }

    private async Task<IQueryable<Notice>> ListQueryAsync(NoticeFilter filter, Caller caller, CancellationToken ct)
    {
        var query = db.Notices.AsNoTracking();
        if (await ListedUnitsAsync(filter.LeadUnitId, filter.IncludeSubtree, "notices", caller, ct) is { } listed)
            query = query.Where(n => listed.Contains(n.LeadUnitId));
        if (filter.OwnerPersonId.Length > 0)
        {
            var owner = Ids.Parse(filter.OwnerPersonId, "owner_person_id");
            query = query.Where(n => n.OwnerPersonId == owner);
        }
        if (filter.PlanId.Length > 0)
        {
            var plan = Ids.Parse(filter.PlanId, "plan_id");
            query = query.Where(n => n.PlanId == plan);
        }
        if (filter.AssignmentId.Length > 0)
        {
            var assignment = Ids.Parse(filter.AssignmentId, "assignment_id");
            query = query.Where(n => n.AssignmentId == assignment);
        }
        if (filter.Kinds.Count > 0)
            query = query.Where(n => filter.Kinds.Contains(n.Kind));
        if (filter.Statuses.Count > 0)
            query = query.Where(n => filter.Statuses.Contains(n.Status));
        return query;
    }

    /// <summary>Notices raised after <paramref name="afterSequence"/> that the caller may see, in raising order.</summary>
    public async Task<List<Notice>> RaisedAfterAsync(NoticeFilter filter, Caller caller, long afterSequence, int limit, CancellationToken ct)
    {
        var page = await ListQueryAsync(filter, caller, ct);
        return await page.Where(n => n.Sequence > afterSequence).OrderBy(n => n.Sequence).Take(limit).ToListAsync(ct);
    }

    public async Task<long> LastSequenceBeforeAsync(DateTimeOffset instant, CancellationToken ct) =>
        await db.Notices.Where(n => n.RaisedAt < instant).MaxAsync(n => (long?)n.Sequence, ct) ?? 0;

    /// <summary>One notice, for a caller who may list it: the office, or a unit at or above its lead unit.</summary>
    public async Task<Notice> GetAsync(string id, Caller caller, CancellationToken ct)
    {
        var notice = await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.Id == Ids.Parse(id, "id"), ct) ?? throw new NotFoundException("notice", id);
        if (await VisibleUnitsAsync(caller, ct) is { } visible && !visible.Contains(notice.LeadUnitId))
            throw new PermissionDeniedException("a unit sees the notices of its own unit and the units below it only");
        return notice;
    }

    /// <summary>
    /// Acknowledges a notice; for an urging (催办) this is the unit's reply, and may carry evidence files. The files are tied
    /// in the tasks service inside the transaction that marks the notice: when that is refused, the notice stays open.
    /// </summary>
    public async Task<Notice> AcknowledgeAsync(string id, IReadOnlyList<string> attachmentIds, Caller caller, CancellationToken ct)
    {
        var violations = new Violations();
        var files = EvidenceRules.ParseIds(attachmentIds, "attachment_ids", violations);
        violations.ThrowIfAny();
        var notice = await FindAsync(id, "id", ct);
        if (!caller.IsOffice && !IsMemberOf(caller, notice.LeadUnitId))
            throw new PermissionDeniedException("only the office and the lead unit acknowledge a notice");
        if (EvidenceRules.CheckAcknowledge(notice, files) == AcknowledgeOutcome.Unchanged)
            return notice;

        var now = time.GetStoredUtcNow();
        Guid? person = Guid.TryParse(caller.PersonId, out var p) ? p : null;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Only an open notice is acknowledged: of two acknowledgements at once, the second finds it answered.
        var acknowledged = await db.Notices.Where(n => n.Id == notice.Id && n.Status == NoticeStatus.Open)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.Status, NoticeStatus.Acknowledged).SetProperty(n => n.AcknowledgedAt, now)
                .SetProperty(n => n.AcknowledgedBy, person).SetProperty(n => n.ReplyAttachmentIds, files.ToArray()), ct);
        if (acknowledged == 0)
        {
            await transaction.RollbackAsync(ct);
            await db.Entry(notice).ReloadAsync(ct);
            EvidenceRules.CheckAcknowledge(notice, files);
            return notice;
        }
        await evidence.BindAsync(notice.AssignmentId, files, Duban.Contracts.Tasks.V1.AttachmentRecordKind.UrgingReply, notice.Id, "attachment_ids", ct);
        await transaction.CommitAsync(ct);
        await db.Entry(notice).ReloadAsync(ct);
        return notice;
    }

    /// <summary>
    /// 催办: raised by hand, so each urging is a notice of its own (its level counts the urgings). Concurrent urgings of
    /// one assignment both count: the one that loses the race for a level takes the next. Concurrent calls with one
    /// request id get the first call's notice.
    /// </summary>
    public async Task<Notice> UrgeAsync(string assignmentId, string message, DateOnly? replyBy, string requestId, Caller caller, CancellationToken ct)
    {
        if (!caller.IsOffice)
            throw new PermissionDeniedException("only the supervision office urges");
        new Violations().RequireText(message, "message", 2000).MaxLength(requestId, "request_id", 100).ThrowIfAny();
        if (requestId.Length > 0 && await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.RequestId == requestId, ct) is { } earlier)
            return earlier;
        var id = Ids.Parse(assignmentId, "assignment_id");
        var assignment = await db.Assignments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("assignment", assignmentId);
        // A reply asked for by a day already gone could never be met; today, in the unit's own time zone, is the earliest.
        if (replyBy is { } by && by < ReviewClock.LocalDate(time.GetUtcNow(), assignment.TimeZone))
            throw new ValidationFailedException("reply_by", "must not be before today");
        return await RaiseByHandAsync(id, NoticeKind.Urged, level => new Notice
        {
            Id = Guid.CreateVersion7(),
            AssignmentId = id,
            Kind = NoticeKind.Urged,
            DeadlineVersion = assignment.DeadlineVersion,
            Level = level,
            Round = assignment.SupervisionRound,
            PlanId = assignment.PlanId,
            LeadUnitId = assignment.LeadUnitId,
            OwnerPersonId = assignment.OwnerPersonId,
            Title = assignment.Title,
            DueDate = assignment.DueDate,
            Message = message.Trim(),
            RecipientUnitIds = [assignment.LeadUnitId],
            RaisedAt = time.GetStoredUtcNow(),
            ReplyBy = replyBy,
            RequestId = requestId.Length > 0 ? requestId : null,
        }, async () => requestId.Length > 0 ? await db.Notices.AsNoTracking().FirstOrDefaultAsync(n => n.RequestId == requestId, ct) : null, ct);
    }

    /// <summary>
    /// A notice raised by hand (催办, 情况说明退回) is one of its own each time: its level counts the notices of its kind the
    /// assignment had before. Two raised at once both count: the one that loses the race for a level takes the next.
    /// <paramref name="earlier"/> finds the answer a repeat of the same request already has (its request id committed
    /// first). Whatever else the call changed is saved with the notice.
    /// </summary>
    private async Task<Notice> RaiseByHandAsync(Guid assignmentId, NoticeKind kind, Func<int, Notice> create, Func<Task<Notice?>> earlier,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var notice = create(await db.Notices.CountAsync(n => n.AssignmentId == assignmentId && n.Kind == kind, ct));
            db.Notices.Add(notice);
            try
            {
                await db.SaveChangesAsync(ct);
                return notice;
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
            {
                db.Entry(notice).State = EntityState.Detached;
                if (await earlier() is { } first)
                    return first;
                // Another took this level; count again. A bounded number of rounds, so a constraint that is not the
                // level's (or endless contention) still surfaces instead of looping.
                if (pg.ConstraintName?.Contains("level", StringComparison.OrdinalIgnoreCase) != true || attempt >= 10)
                    throw;
            }
        }
    }

    /// <summary>
    /// 情况说明, with its evidence files: the explanation is written in a transaction that commits only once the tasks
    /// service has tied the files to it, so files that are refused (or a tasks service that cannot be reached) leave no
    /// explanation behind.
    /// </summary>
    public async Task<Explanation> ExplainAsync(string noticeId, string reasons, DateOnly? remedyDate, IReadOnlyList<string> attachmentIds, Caller caller,
        CancellationToken ct)
    {
        var violations = new Violations().RequireText(reasons, "reasons", 4000);
        var files = EvidenceRules.ParseIds(attachmentIds, "attachment_ids", violations);
        violations.ThrowIfAny();
        var notice = await FindAsync(noticeId, "notice_id", ct);
        if (!(caller.Has(DubanRoles.Lead) && caller.UnitId == notice.LeadUnitId.ToString()))
            throw new PermissionDeniedException("only the lead unit's lead explains its overdue item");
        if (notice.Kind is not (NoticeKind.Overdue or NoticeKind.Escalated or NoticeKind.Urged))
            throw new FailedPreconditionException("NOT_EXPLAINABLE", $"notices/{notice.Id}", $"a {notice.Kind} notice needs no explanation");
        if (await db.Explanations.AnyAsync(e => e.NoticeId == notice.Id && e.Status != ExplanationStatus.Returned, ct))
            throw new AlreadyExistsException("notice_id", "this notice already has an explanation waiting or accepted");
        var explanation = new Explanation
        {
            Id = Guid.CreateVersion7(),
            NoticeId = notice.Id,
            AssignmentId = notice.AssignmentId,
            LeadUnitId = notice.LeadUnitId,
            Reasons = reasons.Trim(),
            RemedyDate = remedyDate,
            SubmittedBy = Guid.TryParse(caller.PersonId, out var person) ? person : null,
            SubmittedAt = time.GetStoredUtcNow(),
            AttachmentIds = [.. files],
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Explanations.Add(explanation);
        await db.SaveChangesAsync(ct);
        await evidence.BindAsync(notice.AssignmentId, files, Duban.Contracts.Tasks.V1.AttachmentRecordKind.Explanation, explanation.Id, "attachment_ids", ct);
        await transaction.CommitAsync(ct);
        return explanation;
    }

    public async Task<Explanation> DecideAsync(string id, bool accept, string remark, Caller caller, CancellationToken ct)
    {
        if (!caller.IsOffice)
            throw new PermissionDeniedException("only the supervision office accepts or returns an explanation");
        new Violations().MaxLength(remark, "remark", 4000).ThrowIfAny();
        var explanation = await db.Explanations.FirstOrDefaultAsync(e => e.Id == Ids.Parse(id, "id"), ct)
            ?? throw new NotFoundException("explanation", id);
        if (explanation.Status != ExplanationStatus.Submitted)
            throw new FailedPreconditionException("STATE", $"explanations/{id}", $"the explanation was already {explanation.Status}");
        if (!ExplanationRules.MayDecide(explanation.SubmittedBy, caller.PersonId))
            throw new PermissionDeniedException("不能核验自己提交的情况说明: whoever submitted an explanation cannot accept or return it");
        explanation.Status = accept ? ExplanationStatus.Accepted : ExplanationStatus.Returned;
        explanation.DecisionRemark = remark.Trim();
        explanation.DecidedAt = time.GetStoredUtcNow();
        if (accept)
        {
            await db.SaveChangesAsync(ct);
            return explanation;
        }
        // A return is told to the owner and the lead unit's people as a notice of its own, in the same commit, so it goes
        // through the same outbox and wording as every notice: one per return (its level counts the returns before it).
        var explained = await db.Notices.AsNoTracking().FirstAsync(n => n.Id == explanation.NoticeId, ct);
        await RaiseByHandAsync(explained.AssignmentId, NoticeKind.ExplanationReturned, level => new Notice
        {
            Id = Guid.CreateVersion7(),
            AssignmentId = explained.AssignmentId,
            Kind = NoticeKind.ExplanationReturned,
            DeadlineVersion = explained.DeadlineVersion,
            Level = level,
            Round = explained.Round,
            PlanId = explained.PlanId,
            LeadUnitId = explained.LeadUnitId,
            OwnerPersonId = explained.OwnerPersonId,
            Title = explained.Title,
            DueDate = explained.DueDate,
            Message = explanation.DecisionRemark,
            RecipientUnitIds = [explained.LeadUnitId],
            RaisedAt = explanation.DecidedAt.Value,
        }, () => Task.FromResult<Notice?>(null), ct);
        return explanation;
    }

    /// <summary>
    /// Explanations the caller may see, with their assignment's title and lead unit's name, oldest first (ids are time-ordered):
    /// the office's queue of 情况说明 to accept or return, or a unit's own record.
    /// </summary>
    public async Task<Page<(Explanation Explanation, string Title, string LeadUnitName)>> ListExplanationsAsync(ExplanationFilter filter, Caller caller,
        CancellationToken ct)
    {
        var size = PageToken.Size(filter.PageSize);
        var fingerprint = string.Join('|', "explanations", filter.LeadUnitId, filter.IncludeSubtree, string.Join(',', filter.Statuses), filter.NoticeId,
            filter.AssignmentId);
        var after = PageToken.Decode(filter.PageToken, fingerprint);

        var query = db.Explanations.AsNoTracking();
        if (await ListedUnitsAsync(filter.LeadUnitId, filter.IncludeSubtree, "explanations", caller, ct) is { } listed)
            query = query.Where(e => listed.Contains(e.LeadUnitId));
        if (filter.NoticeId.Length > 0)
        {
            var notice = Ids.Parse(filter.NoticeId, "notice_id");
            query = query.Where(e => e.NoticeId == notice);
        }
        if (filter.AssignmentId.Length > 0)
        {
            var assignment = Ids.Parse(filter.AssignmentId, "assignment_id");
            query = query.Where(e => e.AssignmentId == assignment);
        }
        if (filter.Statuses.Count > 0)
            query = query.Where(e => filter.Statuses.Contains(e.Status));
        if (after is not null)
        {
            var afterId = PageToken.Key(after, Guid.Parse);
            query = query.Where(e => e.Id.CompareTo(afterId) > 0);
        }
        var rows = await query.OrderBy(e => e.Id)
            .Join(db.Notices, e => e.NoticeId, n => n.Id, (e, n) => new { Explanation = e, n.Title })
            .Take(size + 1).ToListAsync(ct);
        // Names as the units service has them now (a notice learns its unit's name only once its recipients are worked out).
        var names = await units.GetUnitsAsync(rows.Select(r => r.Explanation.LeadUnitId).Distinct(), ct);
        var items = rows.Take(size)
            .Select(r => (r.Explanation, r.Title, names.TryGetValue(r.Explanation.LeadUnitId, out var unit) ? unit.Name : "")).ToList();
        return new(items, rows.Count > size ? PageToken.Encode(fingerprint, items[^1].Explanation.Id.ToString()) : "");
    }

    /// <summary>
    /// The lead units a list keeps: the one asked for (with its subtree if asked), which must be visible to the caller;
    /// otherwise what the caller may see; null for all of them (the office asking for no unit).
    /// </summary>
    private async Task<IReadOnlyCollection<Guid>?> ListedUnitsAsync(string leadUnitId, bool includeSubtree, string what, Caller caller, CancellationToken ct)
    {
        var visible = await VisibleUnitsAsync(caller, ct);
        if (leadUnitId.Length == 0)
            return visible;
        var unit = Ids.Parse(leadUnitId, "lead_unit_id");
        if (visible is not null && !visible.Contains(unit))
            throw new PermissionDeniedException($"a unit sees the {what} of its own unit and the units below it only");
        return includeSubtree ? (await units.ListSubtreeOutlineAsync(unit, includeArchived: false, ct)).Select(u => Guid.Parse(u.Id)).Append(unit).ToList() : [unit];
    }

    /// <summary>Null for the office (everything); otherwise the caller's unit and everything below it.</summary>
    public async Task<HashSet<Guid>?> VisibleUnitsAsync(Caller caller, CancellationToken ct)
    {
        if (caller.IsOffice)
            return null;
        if (!(caller.Has(DubanRoles.Lead) || caller.Has(DubanRoles.Staff)) || !Guid.TryParse(caller.UnitId, out var unit))
            throw new PermissionDeniedException("notices, reviews and assessments are for the office and the units themselves");
        return (await units.ListSubtreeOutlineAsync(unit, includeArchived: false, ct)).Select(u => Guid.Parse(u.Id)).Append(unit).ToHashSet();
    }

    private async Task<Notice> FindAsync(string id, string field, CancellationToken ct) =>
        await db.Notices.FirstOrDefaultAsync(n => n.Id == Ids.Parse(id, field), ct) ?? throw new NotFoundException("notice", id);

    private static bool IsMemberOf(Caller caller, Guid unit) =>
        (caller.Has(DubanRoles.Lead) || caller.Has(DubanRoles.Staff)) && caller.UnitId == unit.ToString();
}

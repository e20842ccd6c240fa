using Duban.ServiceDefaults.Auth;
using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Supervision.Data;
using Microsoft.EntityFrameworkCore;

namespace Duban.Supervision.Notifications;

/// <summary>Deliveries as the office and people see them, and the office's retry of a failed one.</summary>
public sealed class NotificationDeliveries(SupervisionDb db, TimeProvider time)
{
    public async Task<Page<NotificationDelivery>> ListAsync(string noticeId, string personId, IReadOnlyList<NotificationStatus> statuses, int pageSize,
        string pageToken, Caller caller, CancellationToken ct)
    {
        var violations = new Violations();
        if (noticeId.Length == 0 && personId.Length == 0)
            violations.Add("notice_id", "name a notice or a person (person_id)");
        violations.ThrowIfAny();
        Guid? notice = noticeId.Length > 0 ? Ids.Parse(noticeId, "notice_id") : null;
        Guid? person = personId.Length > 0 ? Ids.Parse(personId, "person_id") : null;
        if (!caller.IsOffice && (person is null || person.ToString() != caller.PersonId))
            throw new PermissionDeniedException("only the office lists others' deliveries; ask with person_id set to yourself");

        var size = PageToken.Size(pageSize);
        var fingerprint = $"notification-deliveries|{notice}|{person}|{string.Join(',', statuses)}";
        var query = db.NotificationDeliveries.AsNoTracking();
        if (notice is { } n)
            query = query.Where(d => d.NoticeId == n);
        if (person is { } p)
            query = query.Where(d => d.RecipientId == p);
        if (statuses.Count > 0)
            query = query.Where(d => statuses.Contains(d.Status));
        if (PageToken.Decode(pageToken, fingerprint) is { } after)
        {
            var (afterTime, afterId) = PageToken.Key(after, key =>
            {
                var bar = key.IndexOf('|');
                return bar < 0 ? throw new FormatException() : (new DateTimeOffset(long.Parse(key[..bar]), TimeSpan.Zero), Guid.Parse(key[(bar + 1)..]));
            });
            query = query.Where(d => d.CreatedAt < afterTime || (d.CreatedAt == afterTime && d.Id.CompareTo(afterId) < 0));
        }
        else if (notice is { } wanted && !await db.Notices.AnyAsync(x => x.Id == wanted, ct))
        {
            throw new NotFoundException("notice", noticeId);
        }
        var rows = await query.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(size + 1).ToListAsync(ct);
        if (rows.Count <= size)
            return new(rows, "");
        var last = rows[size - 1];
        return new(rows.Take(size).ToList(), PageToken.Encode(fingerprint, $"{last.CreatedAt.UtcTicks}|{last.Id}"));
    }

    /// <summary>A failed delivery, pending again and due now, its attempts and its give-up age counted afresh.</summary>
    public async Task<NotificationDelivery> RetryAsync(string id, CancellationToken ct)
    {
        var deliveryId = Ids.Parse(id, "id");
        var now = time.GetStoredUtcNow();
        // Only from FAILED, in one statement: two retries at once, or a retry of a row a sender holds, change nothing twice.
        var changed = await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE notification_deliveries SET status = {(int)NotificationStatus.Pending}, attempt_count = 0, next_attempt_at = {now}, created_at = {now}
            WHERE id = {deliveryId} AND status = {(int)NotificationStatus.Failed}
            """, ct);
        var delivery = await db.NotificationDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId, ct)
            ?? throw new NotFoundException("delivery", id);
        if (changed == 0)
            throw new FailedPreconditionException("STATE", $"delivery {id}", delivery.Status switch
            {
                NotificationStatus.Delivered => "was delivered; it is not sent twice",
                NotificationStatus.Pending => "is still pending: it is retried on its own",
                _ => "was withdrawn with its notice; nothing is left to send",
            });
        return delivery;
    }
}

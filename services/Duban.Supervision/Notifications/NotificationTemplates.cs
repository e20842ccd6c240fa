using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.Supervision.Data;
using Duban.Supervision.Domain.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Duban.Supervision.Notifications;

/// <summary>One kind's wording as the office sees it: its own, or the default (version 0).</summary>
public sealed record NotificationTemplateView(NoticeKind Kind, string Template, bool IsDefault, int Version, string UpdatedBy, DateTimeOffset? UpdatedAt);

/// <summary>The office's wording of notices, over the Chinese defaults.</summary>
public sealed class NotificationTemplates(SupervisionDb db, IOptions<NotificationOptions> options, TimeProvider time)
{
    public async Task<NoticeWording> WordingAsync(CancellationToken ct) =>
        new((await db.NotificationTemplates.AsNoTracking().ToListAsync(ct)).ToDictionary(t => t.Kind, t => t.Template), options.Value.WorkbenchUrl);

    public async Task<IReadOnlyList<NotificationTemplateView>> ListAsync(CancellationToken ct)
    {
        var own = (await db.NotificationTemplates.AsNoTracking().ToListAsync(ct)).ToDictionary(t => t.Kind);
        return NoticeWording.Defaults.Keys.Order().Select(kind => own.GetValueOrDefault(kind) is { } t
            ? new NotificationTemplateView(kind, t.Template, false, t.Version, t.UpdatedBy, t.UpdatedAt)
            : new NotificationTemplateView(kind, NoticeWording.Defaults[kind], true, 0, "", null)).ToList();
    }

    /// <summary>
    /// Replaces one kind's wording; an empty template goes back to the default. <paramref name="version"/> is the one read
    /// (0 for a default), so two offices editing at once do not overwrite each other unseen.
    /// </summary>
    public async Task<NotificationTemplateView> UpdateAsync(NoticeKind? kind, string template, int version, string updatedBy, CancellationToken ct)
    {
        var violations = new Violations();
        if (kind is null || !NoticeWording.Defaults.ContainsKey(kind.Value))
            violations.Add("kind", "must name a kind of notice");
        if (version < 0)
            violations.Add("version", "must be the version read (0 for a default)");
        if (template.Length > 0)
            NoticeWording.Check(template, "template", violations);
        violations.ThrowIfAny();

        var record = await db.NotificationTemplates.FirstOrDefaultAsync(t => t.Kind == kind!.Value, ct);
        if ((record?.Version ?? 0) != version)
            throw new StaleVersionException("notification template", kind!.Value.ToString(), version, record?.Version ?? 0);
        if (template.Length == 0)
        {
            if (record is not null)
                db.NotificationTemplates.Remove(record);
        }
        else
        {
            if (record is null)
                db.NotificationTemplates.Add(record = new NotificationTemplateRecord { Kind = kind!.Value });
            record.Template = template;
            record.Version = version + 1;
            record.UpdatedBy = updatedBy;
            record.UpdatedAt = time.GetStoredUtcNow();
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            throw new StaleVersionException("notification template", kind!.Value.ToString(), version, version + 1);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleVersionException("notification template", kind!.Value.ToString(), version, version + 1);
        }
        return (await ListAsync(ct)).Single(v => v.Kind == kind!.Value);
    }
}

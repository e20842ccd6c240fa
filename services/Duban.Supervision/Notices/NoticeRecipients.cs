using Duban.Supervision.Data;
using Duban.Units.Client;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Supervision.Notices;

/// <summary>
/// Names the people each new notice is for, and its lead unit, asking the units service once per batch of units: the owner and
/// the lead unit's leads and contacts; an escalation (level 1 and up) adds the lead unit's overseeing leader and
/// the assigning unit's leads. Notices whose recipients are still unknown (the units service was down) are
/// named on a later poll; the notice itself was raised all the same.
/// </summary>
public sealed class NoticeRecipients(SupervisionDb db, UnitsDirectory units, ILogger<NoticeRecipients> logger)
{
    private const int Batch = 50_000;

    /// <summary>The next batch of notices whose recipients are not named yet; a partial index holds only these.</summary>
    public static IQueryable<Notice> Awaiting(IQueryable<Notice> notices) =>
        notices.AsNoTracking().Where(n => n.RecipientPersonIds == null).OrderBy(n => n.Sequence).Take(Batch);

    public async Task<int> NameAsync(CancellationToken ct)
    {
        var pending = await Awaiting(db.Notices)
            .Join(db.Assignments, n => n.AssignmentId, a => a.Id, (n, a) => new { n.Id, n.Kind, n.Level, n.LeadUnitId, n.OwnerPersonId, a.AssigningUnitId })
            .ToListAsync(ct);
        if (pending.Count == 0)
            return 0;

        IReadOnlyDictionary<Guid, Contracts.Units.V1.Responsibility> who;
        try
        {
            who = await units.GetResponsibilitiesAsync(pending.Select(p => p.LeadUnitId).Concat(pending.Select(p => p.AssigningUnitId)).Distinct(), ct);
        }
        catch (Duban.ServiceDefaults.Errors.DependencyUnavailableException ex)
        {
            logger.LogWarning(ex, "Recipients of {Count} notices wait for the units service", pending.Count);
            return 0;
        }

        static IEnumerable<string> People(Contracts.Units.V1.Responsibility? r, bool contacts) =>
            r is null ? [] : r.Leads.Concat(contacts ? r.Contacts : []).Select(p => p.Id);

        var ids = new Guid[pending.Count];
        var recipients = new string[pending.Count];
        var leadNames = new string[pending.Count];
        for (var i = 0; i < pending.Count; i++)
        {
            var p = pending[i];
            var lead = who.GetValueOrDefault(p.LeadUnitId);
            var people = People(lead, contacts: true);
            if (p.OwnerPersonId is { } owner)
                people = people.Prepend(owner.ToString());
            if (p.Kind == NoticeKind.Escalated && p.Level >= 1)
                people = people.Concat(lead?.OverseeingLeaders.Select(l => l.Id) ?? []).Concat(People(who.GetValueOrDefault(p.AssigningUnitId), contacts: false));
            ids[i] = p.Id;
            leadNames[i] = lead?.Unit?.Name ?? "";
            recipients[i] = "{" + string.Join(',', people.Distinct()) + "}";
        }
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var update = new NpgsqlCommand("""
                UPDATE notices n SET recipient_person_ids = v.people::uuid[], lead_unit_name = v.lead_name
                FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, people, lead_name) WHERE n.id = v.id
                """, connection);
            update.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = recipients });
            update.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = leadNames });
            return await update.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}

/// <summary>
/// Names recipients in the background, shortly after notices are raised, so a scan never waits on the units
/// service: the scan raises notices exactly once on its own, and who is told follows within a poll or two.
/// </summary>
public sealed class RecipientNamer(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<ScanOptions> options, TimeProvider time,
    ILogger<RecipientNamer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(50, options.Value.RecipientPollMilliseconds)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var namer = scope.ServiceProvider.GetRequiredService<NoticeRecipients>();
                while (await namer.NameAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Naming notice recipients failed; the next poll tries again");
            }
        }
    }
}

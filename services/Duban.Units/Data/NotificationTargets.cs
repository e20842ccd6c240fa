using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Duban.Units.Data;

public sealed class RobotOptions
{
    public const string Section = "Robots";

    /// <summary>Accept http:// robot URLs besides https:// — for development, where the receiver is on loopback.</summary>
    public bool AllowHttp { get; set; }
}

/// <summary>A robot as written: null leaves it, an empty URL removes it.</summary>
public sealed record RobotChange(string WebhookUrl, string Secret);

/// <summary>Where a person can be reached.</summary>
public sealed record PersonReach(Guid Id, string Name, string Email, string Phone, IReadOnlyList<NotificationChannel> OptedOut, bool Active);

/// <summary>A unit's robots, secrets included.</summary>
public sealed record UnitRobots(Guid Id, string Name, string DingTalkWebhookUrl, string DingTalkSecret, string WeComWebhookUrl);

/// <summary>Units' group robots and the data the notifier needs to reach people and groups.</summary>
public sealed class NotificationTargets(UnitsDb db, IOptions<RobotOptions> options, TimeProvider time)
{
    public async Task<ResponsibilityUnit> SetRobotsAsync(string unitId, long version, RobotChange? dingTalk, RobotChange? weCom, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(version);
        if (dingTalk is null && weCom is null)
            violations.Add("update_mask", "must name the robots to set: dingtalk, wecom");
        if (dingTalk is { WebhookUrl.Length: > 0 })
        {
            NotificationRules.CheckWebhookUrl(dingTalk.WebhookUrl, "access_token", options.Value.AllowHttp, "dingtalk.webhook_url", violations);
            violations.RequireText(dingTalk.Secret, "dingtalk.secret", NotificationRules.MaxSecretLength);
        }
        else if (dingTalk is { Secret.Length: > 0 })
            violations.Add("dingtalk.webhook_url", "must be given with a secret (an empty URL removes the robot)");
        if (weCom is { WebhookUrl.Length: > 0 })
            NotificationRules.CheckWebhookUrl(weCom.WebhookUrl, "key", options.Value.AllowHttp, "wecom.webhook_url", violations);
        violations.ThrowIfAny();

        var unit = await db.Units.Include(u => u.Names).FirstOrDefaultAsync(u => u.Id == Ids.Parse(unitId, "unit_id"), ct)
            ?? throw new NotFoundException("unit", unitId);
        UnitRules.CheckVersion(unit, version);
        if (dingTalk is not null)
        {
            unit.DingTalkWebhookUrl = dingTalk.WebhookUrl;
            unit.DingTalkSecret = dingTalk.WebhookUrl.Length > 0 ? dingTalk.Secret.Trim() : "";
        }
        if (weCom is not null)
            unit.WeComWebhookUrl = weCom.WebhookUrl;
        unit.Touch(time.GetStoredUtcNow());
        await db.SaveChangesAsync(ct);
        return unit;
    }

    /// <summary>The people and units asked for that exist, in the order asked; units only when they have a robot.</summary>
    public async Task<(IReadOnlyList<PersonReach> People, IReadOnlyList<UnitRobots> Units)> GetAsync(IReadOnlyList<string> personIds,
        IReadOnlyList<string> unitIds, CancellationToken ct)
    {
        var violations = new Violations();
        var people = ParseIds(personIds, "person_ids", violations);
        var units = ParseIds(unitIds, "unit_ids", violations);
        violations.ThrowIfAny();

        var foundPeople = (await db.People.AsNoTracking().Where(p => people.Contains(p.Id))
            .Select(p => new PersonReach(p.Id, p.Name, p.Email, p.Phone, p.OptedOutChannels, p.Active)).ToListAsync(ct)).ToDictionary(p => p.Id);
        var foundUnits = (await db.Units.AsNoTracking().Where(u => units.Contains(u.Id) && (u.DingTalkWebhookUrl != "" || u.WeComWebhookUrl != ""))
            .Select(u => new UnitRobots(u.Id, u.Name, u.DingTalkWebhookUrl, u.DingTalkSecret, u.WeComWebhookUrl)).ToListAsync(ct)).ToDictionary(u => u.Id);
        return (people.Distinct().Where(foundPeople.ContainsKey).Select(id => foundPeople[id]).ToList(),
            units.Distinct().Where(foundUnits.ContainsKey).Select(id => foundUnits[id]).ToList());
    }

    private static List<Guid> ParseIds(IReadOnlyList<string> ids, string field, Violations violations)
    {
        // Large batches: one notice run names thousands of people; the cap keeps one reply bounded.
        if (ids.Count > PageToken.MaxPageSize * 10)
            violations.Add(field, $"at most {PageToken.MaxPageSize * 10} per call");
        var parsed = new List<Guid>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (Guid.TryParse(ids[i], out var id))
                parsed.Add(id);
            else
                violations.Add($"{field}[{i}]", "is not a valid id");
        }
        return parsed;
    }
}

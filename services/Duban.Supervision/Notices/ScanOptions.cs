using Duban.Supervision.Domain.Notices;

namespace Duban.Supervision.Notices;

public sealed class ScanOptions
{
    public const string Section = "Scan";

    /// <summary>How often the service scans by itself; 0 turns the timer off (ScanNow still works).</summary>
    public double IntervalSeconds { get; set; } = 300;
    /// <summary>How often new notices get their recipients named (from the units service).</summary>
    public int RecipientPollMilliseconds { get; set; } = 1000;
    public NoticeRules Default { get; set; } = new();
    /// <summary>Rules of particular plans, by plan id.</summary>
    public Dictionary<string, NoticeRules> Plans { get; set; } = [];

    /// <summary>The rules in force for a plan: its own, else the defaults.</summary>
    public NoticeRules RulesFor(Guid planId) => Plans.GetValueOrDefault(planId.ToString()) ?? Default;

    /// <summary>
    /// The rules in force as one string: a scan under rules other than the last one's reads every open assignment again,
    /// because the instants stored for the rows were worked out from the old rules.
    /// </summary>
    public string RulesFingerprint() => System.Text.Json.JsonSerializer.Serialize(
        Plans.Select(p => (Plan: Guid.TryParse(p.Key, out var id) ? id.ToString() : p.Key, Rules: p.Value))
            .OrderBy(p => p.Plan, StringComparer.Ordinal)
            .Prepend((Plan: "*", Rules: Default))
            .Select(p => new object[] { p.Plan, p.Rules.DueSoonDays, p.Rules.Escalations, p.Rules.BehindScheduleYellowPoints, p.Rules.BehindScheduleRedPoints }));

    /// <summary>Every problem of the configuration, so start-up names them all.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var key in Plans.Keys.Where(k => !Guid.TryParse(k, out _)))
            yield return $"Scan:Plans:{key} is not a plan id";
        foreach (var (name, rules) in Plans.Select(p => ($"Scan:Plans:{p.Key}", p.Value)).Prepend(("Scan:Default", Default)))
            foreach (var problem in rules.Problems())
                yield return $"{name}:{problem}";
    }
}

/// <summary>Refuses to start on scan rules that cannot mean what they say, naming every problem.</summary>
public sealed class ScanOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ScanOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ScanOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}

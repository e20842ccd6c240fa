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

using Tasks = Duban.Contracts.Tasks.V1;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Web.Backends;

/// <summary>Names of units and plans for the pages, asked for once per request in batches.</summary>
public sealed class Directory(Units.UnitsService.UnitsServiceClient units, Tasks.TasksService.TasksServiceClient tasks)
{
    private readonly Dictionary<string, Units.Unit> _units = [];
    private readonly Dictionary<string, string> _plans = [];

    public async Task LoadUnitsAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => id.Length > 0 && !_units.ContainsKey(id)).Distinct().ToList();
        // A batch holds at most 100 ids.
        foreach (var batch in missing.Chunk(100))
        {
            var found = await units.BatchGetUnitsAsync(new Units.BatchGetUnitsRequest { Ids = { batch } }, cancellationToken: ct);
            foreach (var unit in found.Units)
                _units[unit.Id] = unit;
        }
    }

    public Units.Unit? Unit(string id) => _units.GetValueOrDefault(id);

    /// <summary>The unit's short name (经发局) where it has one, else its name; the id itself if unknown.</summary>
    public string UnitName(string id) => _units.TryGetValue(id, out var u) ? (u.ShortName.Length > 0 ? u.ShortName : u.Name) : id;

    public string UnitFullName(string id) => _units.TryGetValue(id, out var u) ? u.Name : id;

    /// <summary>Titles the page already holds (a list of plans it read), so that they are not asked for again.</summary>
    public void KnowPlans(IEnumerable<Tasks.Plan> plans)
    {
        foreach (var plan in plans)
            _plans[plan.Id] = plan.Title;
    }

    public async Task LoadPlansAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        // A page names a few plans: each is one key lookup without its text or counts.
        foreach (var id in ids.Where(id => id.Length > 0 && !_plans.ContainsKey(id)).Distinct())
            _plans[id] = (await tasks.GetPlanAsync(new Tasks.GetPlanRequest { Id = id, OmitSourceText = true, OmitCounts = true }, cancellationToken: ct)).Title;
    }

    public string PlanTitle(string id) => _plans.GetValueOrDefault(id, "");
}

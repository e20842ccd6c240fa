using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Resilience;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Duban.Units.Client;

public sealed class UnitsClientOptions
{
    public const string Section = "Units";

    /// <summary>The units service's gRPC address.</summary>
    public string Address { get; set; } = "";
    /// <summary>Deadline of each call (the incoming call's deadline wins when it is sooner).</summary>
    public double TimeoutSeconds { get; set; } = 5;
}

/// <summary>
/// What the tasks service asks the units service: all reads, so all idempotent and retried through
/// the shared pipeline. When the units service stays down, callers get Unavailable and store nothing.
/// </summary>
public sealed class UnitsDirectory(UnitsService.UnitsServiceClient client, UnitsDirectory.Pipeline pipeline, IOptions<UnitsClientOptions> options)
{
    private const int MaxBatch = 1000;

    /// <summary>One circuit breaker per process, shared by every call.</summary>
    public sealed class Pipeline() : ServiceCallPipeline("the units service");

    public async Task<Unit?> FindUnitAsync(Guid id, CancellationToken ct)
    {
        try
        {
            return await CallAsync(t => client.GetUnitAsync(new GetUnitRequest { Id = id.ToString() }, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The units that exist among <paramref name="ids"/>, by id; missing ones are simply absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, Unit>> GetUnitsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Unit>();
        foreach (var chunk in ids.Distinct().Chunk(MaxBatch))
        {
            var response = await CallAsync(t => client.BatchGetUnitsAsync(
                new BatchGetUnitsRequest { Ids = { chunk.Select(id => id.ToString()) }, AllowMissing = true }, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            foreach (var unit in response.Units)
                found[Guid.Parse(unit.Id)] = unit;
        }
        return found;
    }

    public async Task<IReadOnlyList<ResolvedName>> ResolveAsync(IReadOnlyList<string> names, Guid scopeUnitId, CancellationToken ct)
    {
        var results = new List<ResolvedName>(names.Count);
        foreach (var chunk in names.Chunk(MaxBatch))
        {
            var request = new ResolveUnitNamesRequest { Names = { chunk }, ScopeUnitId = scopeUnitId.ToString(), MaxSuggestions = 3 };
            var response = await CallAsync(t => client.ResolveUnitNamesAsync(request, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            results.AddRange(response.Results);
        }
        return results;
    }

    /// <summary>The whole active subtree below a unit.</summary>
    public Task<IReadOnlyList<Unit>> ListSubtreeAsync(Guid unitId, CancellationToken ct) => ListSubtreeAsync(unitId, includeArchived: false, ct);

    /// <summary>The whole subtree below a unit; with <paramref name="includeArchived"/>, archived units too.</summary>
    public Task<IReadOnlyList<Unit>> ListSubtreeAsync(Guid unitId, bool includeArchived, CancellationToken ct) =>
        ListSubtreeAsync(unitId, includeArchived, UnitView.Full, ct);

    /// <summary>
    /// The whole subtree below a unit, each unit in its basic view (<see cref="UnitView.Basic"/>: id, name, parent and the
    /// unit's other own columns, no aliases, ancestors, times or robots), for callers that only walk the tree.
    /// </summary>
    public Task<IReadOnlyList<Unit>> ListSubtreeOutlineAsync(Guid unitId, bool includeArchived, CancellationToken ct) =>
        ListSubtreeAsync(unitId, includeArchived, UnitView.Basic, ct);

    private async Task<IReadOnlyList<Unit>> ListSubtreeAsync(Guid unitId, bool includeArchived, UnitView view, CancellationToken ct)
    {
        var units = new List<Unit>();
        var token = "";
        do
        {
            var request = new ListDescendantsRequest { Id = unitId.ToString(), PageSize = MaxBatch, PageToken = token, IncludeArchived = includeArchived, View = view };
            var page = await CallAsync(t => client.ListDescendantsAsync(request, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            units.AddRange(page.Units);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return units;
    }

    /// <summary>Everyone holding a role in the unit.</summary>
    public async Task<IReadOnlyList<Person>> ListPeopleAsync(Guid unitId, CancellationToken ct)
    {
        var people = new List<Person>();
        var token = "";
        do
        {
            var request = new ListPeopleRequest { UnitId = unitId.ToString(), PageSize = MaxBatch, PageToken = token };
            var page = await CallAsync(t => client.ListPeopleAsync(request, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            people.AddRange(page.People);
            token = page.NextPageToken;
        } while (token.Length > 0);
        return people;
    }

    /// <summary>Who answers for each unit (leads, contacts, overseeing leaders), by unit id; unknown units are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, Responsibility>> GetResponsibilitiesAsync(IEnumerable<Guid> unitIds, CancellationToken ct)
    {
        var known = await GetUnitsAsync(unitIds, ct);
        var result = new Dictionary<Guid, Responsibility>();
        foreach (var chunk in known.Keys.Chunk(MaxBatch))
        {
            var request = new BatchGetResponsibilityRequest { UnitIds = { chunk.Select(id => id.ToString()) } };
            var response = await CallAsync(t => client.BatchGetResponsibilityAsync(request, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            foreach (var responsibility in response.Responsibilities)
                result[Guid.Parse(responsibility.Unit.Id)] = responsibility;
        }
        return result;
    }

    /// <summary>
    /// Where to reach people and units' group robots, secrets included (the service's own identity only). Unknown
    /// people are left out; units only when they have a robot.
    /// </summary>
    public async Task<(IReadOnlyDictionary<Guid, PersonTarget> People, IReadOnlyDictionary<Guid, UnitRobotTargets> Units)> GetNotificationTargetsAsync(
        IReadOnlyCollection<Guid> personIds, IReadOnlyCollection<Guid> unitIds, CancellationToken ct)
    {
        var people = new Dictionary<Guid, PersonTarget>();
        var units = new Dictionary<Guid, UnitRobotTargets>();
        const int chunk = MaxBatch * 10;
        var personChunks = personIds.Distinct().Chunk(chunk).ToList();
        var unitChunks = unitIds.Distinct().Chunk(chunk).ToList();
        for (var i = 0; i < Math.Max(personChunks.Count, unitChunks.Count); i++)
        {
            var request = new GetNotificationTargetsRequest();
            if (i < personChunks.Count)
                request.PersonIds.AddRange(personChunks[i].Select(id => id.ToString()));
            if (i < unitChunks.Count)
                request.UnitIds.AddRange(unitChunks[i].Select(id => id.ToString()));
            var response = await CallAsync(t => client.GetNotificationTargetsAsync(request, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            foreach (var person in response.People)
                people[Guid.Parse(person.PersonId)] = person;
            foreach (var unit in response.Units)
                units[Guid.Parse(unit.UnitId)] = unit;
        }
        return (people, units);
    }

    /// <summary>People whose name is exactly <paramref name="name"/>, in whatever unit they hold a role.</summary>
    public async Task<IReadOnlyList<Person>> FindPeopleNamedAsync(string name, CancellationToken ct)
    {
        var page = await CallAsync(t => client.ListPeopleAsync(new ListPeopleRequest { NameContains = name, PageSize = MaxBatch },
            deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
        return page.People.Where(p => p.Name == name).ToList();
    }

    /// <summary>The people that exist among <paramref name="ids"/>, by id, in one call per thousand; missing ones are simply absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, Person>> GetPeopleAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Person>();
        foreach (var chunk in ids.Distinct().Chunk(MaxBatch))
        {
            var response = await CallAsync(t => client.BatchGetPeopleAsync(
                new BatchGetPeopleRequest { Ids = { chunk.Select(id => id.ToString()) } }, deadline: Deadline(), cancellationToken: t).ResponseAsync, ct);
            foreach (var person in response.People)
                found[Guid.Parse(person.Id)] = person;
        }
        return found;
    }

    private Task<T> CallAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) => pipeline.ExecuteIdempotentAsync(call, ct);

    private DateTime Deadline() => DateTime.UtcNow.AddSeconds(options.Value.TimeoutSeconds);
}

using System.Text.Json;
using Duban.ServiceDefaults.Data;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Duban.Units.Data;

public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>A JSON file of levels, units and people loaded into an empty database; empty loads nothing.</summary>
    public string UnitsFile { get; set; } = "";
}

/// <summary>
/// The seed file's shape: units refer to their parent and people to their units by code; collectives to their scope
/// unit and member units by code, and to member collectives by name (one written earlier in the file).
/// </summary>
public sealed record SeedFile(List<SeedLevel>? Levels, List<SeedUnit> Units, List<SeedPerson>? People, List<SeedCollective>? Collectives);
public sealed record SeedLevel(string Code, string Name, int Rank);
public sealed record SeedUnit(string Code, string Name, string? ShortName, List<string>? Aliases, string Level, string? Parent, string? Kind);
public sealed record SeedPerson(string Name, string? Phone, string? Email, List<SeedRole>? Roles, List<string>? Oversees);
public sealed record SeedRole(string Unit, string Role, string? Title);
public sealed record SeedCollective(string Name, List<string>? Aliases, string Scope, List<SeedMember> Members);

/// <summary>One of: a unit (by code), a collective (by name), or the children of a unit (by code) at a level and/or of a kind.</summary>
public sealed record SeedMember(string? Unit, string? Collective, string? ChildrenOf, string? Level, string? Kind);

/// <summary>Loads the sample units on the first start of an empty database, through the same rules as the API.</summary>
public sealed class SampleUnitsSeeder(IOptions<SeedOptions> options, UnitStore units, PeopleStore people, CollectiveStore collectives,
    ILogger<SampleUnitsSeeder> logger) : IDatabaseSeeder<UnitsDb>
{
    public async Task SeedAsync(UnitsDb db, CancellationToken cancellationToken)
    {
        var file = options.Value.UnitsFile;
        if (string.IsNullOrWhiteSpace(file) || await db.Units.AnyAsync(cancellationToken))
            return;

        var seed = JsonSerializer.Deserialize<SeedFile>(await File.ReadAllTextAsync(file, cancellationToken), JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"seed file {file} is empty");

        foreach (var level in seed.Levels ?? [])
            if (!await db.Levels.AnyAsync(l => l.Code == level.Code, cancellationToken))
                await units.CreateLevelAsync(level.Code, level.Name, level.Rank, cancellationToken);

        var ids = new Dictionary<string, string>();
        foreach (var unit in seed.Units)
        {
            var parentId = unit.Parent is null ? "" : ids[unit.Parent];
            var created = await units.CreateUnitAsync(new NewUnit(unit.Code, unit.Name, unit.ShortName ?? "", unit.Aliases ?? [],
                unit.Level, parentId, unit.Kind ?? "", "", "seed:" + unit.Code), cancellationToken);
            ids[unit.Code] = created.Id.ToString();
        }

        var collectiveIds = new Dictionary<string, string>();
        foreach (var collective in seed.Collectives ?? [])
        {
            var members = collective.Members.Select(m => new MemberSpec(m.Unit is null ? "" : ids[m.Unit], m.Collective is null ? "" : collectiveIds[m.Collective],
                m.ChildrenOf is null ? null : new ChildrenSpec(ids[m.ChildrenOf], m.Level ?? "", m.Kind ?? ""))).ToList();
            var created = await collectives.CreateAsync(new NewCollective(collective.Name, collective.Aliases ?? [], ids[collective.Scope], members,
                $"seed:{collective.Scope}:{collective.Name}"), cancellationToken);
            collectiveIds[collective.Name] = created.Collective.Id.ToString();
        }

        foreach (var person in seed.People ?? [])
        {
            var roles = (person.Roles ?? []).Select(r => new RoleAssignment(ids[r.Unit], Enum.Parse<UnitRole>(r.Role, ignoreCase: true), r.Title ?? ""));
            var created = await people.CreatePersonAsync(new NewPerson(person.Name, person.Phone ?? "", person.Email ?? "", roles.ToList(),
                "seed:" + person.Name, []), cancellationToken);
            if (person.Oversees is { Count: > 0 } overseen)
                await people.SetOversightAsync(created.Id.ToString(), overseen.Select(code => ids[code]).ToList(), created.Version, cancellationToken);
        }
        logger.LogInformation("Loaded {Units} sample units, {Collectives} collectives and {People} people from {File}", seed.Units.Count,
            seed.Collectives?.Count ?? 0, seed.People?.Count ?? 0, file);
    }
}

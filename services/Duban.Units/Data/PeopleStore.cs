using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;

namespace Duban.Units.Data;

public sealed record RoleAssignment(string UnitId, UnitRole? Role, string Title);

public sealed record NewPerson(string Name, string Phone, string Email, IReadOnlyList<RoleAssignment> Roles, string RequestId,
    IReadOnlyList<NotificationChannel?> OptedOutChannels);

public sealed record PersonChanges(string Id, long Version, string? Name, string? Phone, string? Email, bool? Active,
    IReadOnlyList<NotificationChannel?>? OptedOutChannels);

public sealed record PeopleQuery(string UnitId, UnitRole? Role, string NameContains, int PageSize, string PageToken);

/// <summary>Who answers for a unit.</summary>
public sealed record UnitResponsibility(ResponsibilityUnit Unit, IReadOnlyList<Person> Leads, IReadOnlyList<Person> Deputies,
    IReadOnlyList<Person> Contacts, IReadOnlyList<Person> OverseeingLeaders, Guid? OversightFromUnitId);

/// <summary>People, their roles in units, and the units leaders oversee (分管).</summary>
public sealed class PeopleStore(UnitsDb db, UnitStore units, TimeProvider time)
{
    private const int MaxTitleLength = 50;

    public async Task<Person> CreatePersonAsync(NewPerson request, CancellationToken ct)
    {
        if (request.RequestId.Length > 0 && await People().FirstOrDefaultAsync(p => p.CreateRequestId == request.RequestId, ct) is { } earlier)
            return earlier;

        var violations = new Violations();
        ValidateContact(request.Name, request.Phone, request.Email, "", violations);
        violations.MaxLength(request.RequestId, "request_id", 100);
        var optOuts = NotificationRules.CleanOptOuts(request.OptedOutChannels, "opted_out_channels", violations);
        var roles = await CheckRolesAsync(request.Roles, "roles", violations, ct);
        violations.ThrowIfAny();

        var now = time.GetStoredUtcNow();
        var person = new Person
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name.Trim(),
            Phone = request.Phone.Trim(),
            Email = request.Email.Trim(),
            OptedOutChannels = optOuts,
            CreateRequestId = request.RequestId.Length > 0 ? request.RequestId : null,
            CreateTime = now,
            UpdateTime = now,
        };
        person.Roles = roles.Select(r => new PersonRole { PersonId = person.Id, UnitId = r.UnitId, Role = r.Role, Title = r.Title }).ToList();
        db.People.Add(person);
        await db.SaveChangesAsync(ct);
        return person;
    }

    public async Task<Person> GetPersonAsync(string id, CancellationToken ct) =>
        await People().AsNoTracking().FirstOrDefaultAsync(p => p.Id == Ids.Parse(id, "id"), ct)
        ?? throw new NotFoundException("person", id);

    /// <summary>The people among <paramref name="ids"/> that exist, in the order asked, and the ids that name nobody.</summary>
    public async Task<(IReadOnlyList<Person> Found, IReadOnlyList<string> Missing)> BatchGetAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var parsed = BatchIds.Parse(ids);
        var found = await People().AsNoTracking().Where(p => parsed.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return BatchIds.InOrderAsked(parsed, found);
    }

    public async Task<Page<Person>> ListPeopleAsync(PeopleQuery query, CancellationToken ct)
    {
        var size = PageToken.Size(query.PageSize);
        var violations = new Violations();
        if (query.UnitId.Length > 0 && !Guid.TryParse(query.UnitId, out _))
            violations.Add("unit_id", "is not a valid id");
        violations.MaxLength(query.NameContains, "name_contains", UnitRules.MaxNameLength).ThrowIfAny();

        var fingerprint = $"people|{query.UnitId}|{query.Role}|{query.NameContains}";
        var after = PageToken.Decode(query.PageToken, fingerprint);
        var people = People().AsNoTracking();
        if (query.UnitId.Length > 0)
        {
            var unitId = Guid.Parse(query.UnitId);
            people = people.Where(p => p.Roles.Any(r => r.UnitId == unitId && (query.Role == null || r.Role == query.Role)));
        }
        else if (query.Role is { } role)
        {
            people = people.Where(p => p.Roles.Any(r => r.Role == role));
        }
        if (query.NameContains.Trim().Length > 0)
            people = people.Where(p => EF.Functions.Like(p.Name, "%" + UnitStore.EscapeLike(query.NameContains.Trim()) + "%"));
        if (after is not null)
        {
            var afterId = PageToken.Key(after, Guid.Parse);
            people = people.Where(p => p.Id.CompareTo(afterId) > 0);
        }
        var rows = await people.OrderBy(p => p.Id).Take(size + 1).ToListAsync(ct);
        return UnitStore.ToPage(rows, size, fingerprint, p => p.Id.ToString());
    }

    public async Task<Person> UpdatePersonAsync(PersonChanges changes, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(changes.Version, "person.version");
        ValidateContact(changes.Name, changes.Phone, changes.Email, "person.", violations);
        var optOuts = changes.OptedOutChannels is null ? null
            : NotificationRules.CleanOptOuts(changes.OptedOutChannels, "person.opted_out_channels", violations);
        violations.ThrowIfAny();

        var person = await LoadForChangeAsync(changes.Id, changes.Version, "person.id", ct);
        person.Name = changes.Name?.Trim() ?? person.Name;
        person.Phone = changes.Phone?.Trim() ?? person.Phone;
        person.Email = changes.Email?.Trim() ?? person.Email;
        person.Active = changes.Active ?? person.Active;
        person.OptedOutChannels = optOuts ?? person.OptedOutChannels;
        person.Touch(time.GetStoredUtcNow());
        await db.SaveChangesAsync(ct);
        return person;
    }

    public async Task<Person> AssignRoleAsync(string personId, RoleAssignment assignment, long version, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(version);
        var roles = await CheckRolesAsync([assignment], "role", violations, ct);
        violations.ThrowIfAny();

        var person = await LoadForChangeAsync(personId, version, "person_id", ct);
        var role = roles[0];
        if (person.Roles.Any(r => r.UnitId == role.UnitId && r.Role == role.Role))
            throw new AlreadyExistsException("role", $"{person.Name} already holds this role in the unit");
        person.Roles.Add(new PersonRole { PersonId = person.Id, UnitId = role.UnitId, Role = role.Role, Title = role.Title });
        person.Touch(time.GetStoredUtcNow());
        await db.SaveChangesAsync(ct);
        return person;
    }

    public async Task<Person> RevokeRoleAsync(string personId, string unitId, UnitRole? role, long version, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(version).RequireId(unitId, "unit_id");
        if (role is null)
            violations.Add("role", "must name a role");
        violations.ThrowIfAny();

        var person = await LoadForChangeAsync(personId, version, "person_id", ct);
        var unit = Guid.Parse(unitId);
        var held = person.Roles.FirstOrDefault(r => r.UnitId == unit && r.Role == role)
            ?? throw new NotFoundException("role", $"{person.Name} holds no {role} role in unit {unitId}");
        person.Roles.Remove(held);
        person.Touch(time.GetStoredUtcNow());
        await db.SaveChangesAsync(ct);
        return person;
    }

    public async Task<Person> SetOversightAsync(string personId, IReadOnlyList<string> unitIds, long version, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(version);
        var ids = new List<Guid>();
        for (var i = 0; i < unitIds.Count; i++)
        {
            if (Guid.TryParse(unitIds[i], out var g))
                ids.Add(g);
            else
                violations.Add($"unit_ids[{i}]", "is not a valid id");
        }
        violations.ThrowIfAny();
        var known = await db.Units.Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync(ct);
        for (var i = 0; i < ids.Count; i++)
            if (!known.Contains(ids[i]))
                violations.Add($"unit_ids[{i}]", $"no unit with id '{ids[i]}'");
        violations.ThrowIfAny();

        var person = await LoadForChangeAsync(personId, version, "person_id", ct);
        person.Oversights.Clear();
        person.Oversights.AddRange(ids.Distinct().Select(id => new Oversight { PersonId = person.Id, UnitId = id }));
        person.Touch(time.GetStoredUtcNow());
        await db.SaveChangesAsync(ct);
        return person;
    }

    /// <summary>The lead, deputies and contacts of a unit, and the leader overseeing it or its nearest overseen ancestor.</summary>
    public async Task<UnitResponsibility> GetResponsibilityAsync(string unitId, CancellationToken ct) =>
        (await GetResponsibilitiesAsync([unitId], "unit_id", ct))[0];

    /// <summary>The same for many units, in three queries whatever their number.</summary>
    public async Task<IReadOnlyList<UnitResponsibility>> GetResponsibilitiesAsync(IReadOnlyList<string> unitIds, string field, CancellationToken ct)
    {
        var violations = new Violations();
        var ids = new List<Guid>();
        for (var i = 0; i < unitIds.Count; i++)
        {
            if (Guid.TryParse(unitIds[i], out var g))
                ids.Add(g);
            else
                violations.Add(unitIds.Count == 1 ? field : $"{field}[{i}]", "is not a valid id");
        }
        if (unitIds.Count > PageToken.MaxPageSize)
            violations.Add(field, $"at most {PageToken.MaxPageSize} units per call");
        violations.ThrowIfAny();

        var found = (await units.LoadUnitsAsync(ids, ct)).ToDictionary(u => u.Id);
        if (ids.FirstOrDefault(id => !found.ContainsKey(id)) is var missing && missing != Guid.Empty)
            throw new NotFoundException("unit", missing.ToString());
        var chains = ids.Distinct().ToDictionary(id => id, id => UnitPath.Ids(found[id].Path).Reverse().ToList());
        var everyUnit = chains.Values.SelectMany(c => c).Distinct().ToList();

        var holders = await People().AsNoTracking().Where(p => p.Active && p.Roles.Any(r => ids.Contains(r.UnitId))).ToListAsync(ct);
        var oversights = await db.Oversights.AsNoTracking().Where(o => everyUnit.Contains(o.UnitId)).ToListAsync(ct);
        var leaderIds = oversights.Select(o => o.PersonId).Distinct().ToList();
        var leaders = (await People().AsNoTracking().Where(p => p.Active && leaderIds.Contains(p.Id)).ToListAsync(ct)).ToDictionary(p => p.Id);

        return ids.Select(id =>
        {
            List<Person> WithRole(UnitRole role) => holders.Where(p => p.Roles.Any(r => r.UnitId == id && r.Role == role)).ToList();
            var from = chains[id].Cast<Guid?>().FirstOrDefault(unit => oversights.Any(o => o.UnitId == unit));
            var overseeing = oversights.Where(o => o.UnitId == from).Select(o => leaders.GetValueOrDefault(o.PersonId)).OfType<Person>().ToList();
            return new UnitResponsibility(found[id], WithRole(UnitRole.Lead), WithRole(UnitRole.Deputy), WithRole(UnitRole.Contact), overseeing, from);
        }).ToList();
    }

    private IQueryable<Person> People() => db.People.Include(p => p.Roles).Include(p => p.Oversights).AsSplitQuery();

    private async Task<Person> LoadForChangeAsync(string id, long version, string field, CancellationToken ct)
    {
        var person = await People().FirstOrDefaultAsync(p => p.Id == Ids.Parse(id, field), ct)
            ?? throw new NotFoundException("person", id);
        if (person.Version != version)
            throw new StaleVersionException("person", id, version, person.Version);
        return person;
    }

    private static void ValidateContact(string? name, string? phone, string? email, string prefix, Violations violations)
    {
        if (name is not null || prefix.Length == 0)
            violations.RequireText(name, prefix + "name", UnitRules.MaxNameLength).RequirePrintable(name, prefix + "name");
        if (!string.IsNullOrWhiteSpace(phone) && (phone.Trim().Length > 32 || !phone.Trim().All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ' or '(' or ')')))
            violations.Add(prefix + "phone", "must be at most 32 digits, spaces, '+', '-' or parentheses");
        if (!string.IsNullOrWhiteSpace(email) && (email.Trim().Length > 254 || !email.Contains('@') || email.Trim().Contains(' ')))
            violations.Add(prefix + "email", "is not an e-mail address");
    }

    private sealed record CheckedRole(Guid UnitId, UnitRole Role, string Title);

    private async Task<List<CheckedRole>> CheckRolesAsync(IReadOnlyList<RoleAssignment> roles, string field, Violations violations, CancellationToken ct)
    {
        var checkedRoles = new List<CheckedRole>();
        for (var i = 0; i < roles.Count; i++)
        {
            var at = roles.Count == 1 && field == "role" ? field : $"{field}[{i}]";
            var ok = true;
            if (!Guid.TryParse(roles[i].UnitId, out var unitId))
            {
                violations.Add(at + ".unit_id", "is not a valid id");
                ok = false;
            }
            if (roles[i].Role is null)
            {
                violations.Add(at + ".role", "must name a role (lead, deputy, contact or staff)");
                ok = false;
            }
            violations.MaxLength(roles[i].Title, at + ".title", MaxTitleLength);
            if (!ok)
                continue;
            var unit = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == unitId, ct);
            if (unit is null)
                violations.Add(at + ".unit_id", $"no unit with id '{roles[i].UnitId}'");
            else if (unit.Status == UnitStatus.Archived)
                violations.Add(at + ".unit_id", $"unit '{unit.Name}' is archived");
            else
                checkedRoles.Add(new CheckedRole(unitId, roles[i].Role!.Value, roles[i].Title.Trim()));
        }
        return checkedRoles;
    }
}

using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Units.Data;

/// <summary>A member as a request writes it, before its ids are looked up: one of the three is set.</summary>
public sealed record MemberSpec(string UnitId, string CollectiveId, ChildrenSpec? Children);

public sealed record ChildrenSpec(string ParentUnitId, string LevelCode, string Kind);

public sealed record NewCollective(string Name, IReadOnlyList<string> Aliases, string ScopeUnitId, IReadOnlyList<MemberSpec> Members, string RequestId);

/// <summary>Which fields of a collective an update touches, with their new values.</summary>
public sealed record CollectiveChanges(string Id, long Version, string? Name, IReadOnlyList<string>? Aliases, IReadOnlyList<MemberSpec>? Members);

public sealed record CollectiveQuery(string ScopeUnitId, bool IncludeInherited, int PageSize, string PageToken);

/// <summary>A collective with the active units it stands for.</summary>
public sealed record ExpandedCollective(Collective Collective, IReadOnlyList<ResponsibilityUnit> Units);

/// <summary>Collectives (集体名称): their writes, which keep names unambiguous and memberships acyclic, and their expansion.</summary>
public sealed class CollectiveStore(UnitsDb db, TimeProvider time)
{
    public async Task<ExpandedCollective> CreateAsync(NewCollective request, CancellationToken ct)
    {
        if (request.RequestId.Length > 0 && await LoadAsync(c => c.CreateRequestId == request.RequestId, ct) is { } earlier)
            return await ExpandOneAsync(earlier, ct);

        var violations = new Violations().MaxLength(request.RequestId, "request_id", 100).RequireId(request.ScopeUnitId, "scope_unit_id");
        var name = CollectiveRules.CleanName(request.Name, violations, "name");
        var aliases = CollectiveRules.CleanAliases(request.Aliases, name, violations, "aliases");
        RequireMemberCount(request.Members, violations, "members");

        // Every problem is reported at once: the members are looked up even when the name is already wrong.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await UnitStore.LockNamesAsync(db, ct);
        var validScope = Guid.TryParse(request.ScopeUnitId, out var scopeId);
        var scope = validScope ? await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == scopeId, ct) : null;
        if (validScope && scope is null)
            violations.Add("scope_unit_id", $"no unit with id '{request.ScopeUnitId}'");
        var id = Guid.CreateVersion7();
        var members = await CheckMembersAsync(id, request.Members, violations, "members", ct);
        violations.ThrowIfAny();
        if (scope!.Status == UnitStatus.Archived)
            throw new FailedPreconditionException("ARCHIVED_SCOPE", $"units/{scope.Id}", $"scope unit '{scope.Name}' is archived");

        var now = time.GetStoredUtcNow();
        var collective = new Collective
        {
            Id = id, Name = name, ScopeUnitId = scope.Id, CreateTime = now, UpdateTime = now,
            CreateRequestId = request.RequestId.Length > 0 ? request.RequestId : null,
        };
        collective.Names = NamesOf(collective, aliases);
        collective.Members = members;
        await CheckNamesFreeAsync(collective, aliases, "", ct);
        db.Collectives.Add(collective);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return await ExpandOneAsync(collective, ct);
    }

    public async Task<ExpandedCollective> GetAsync(string id, CancellationToken ct) =>
        await ExpandOneAsync(await LoadAsync(c => c.Id == Ids.Parse(id, "id"), ct) ?? throw new NotFoundException("collective", id), ct);

    public async Task<Page<Collective>> ListAsync(CollectiveQuery query, CancellationToken ct)
    {
        var size = PageToken.Size(query.PageSize);
        var violations = new Violations();
        if (query.ScopeUnitId.Length > 0 && !Guid.TryParse(query.ScopeUnitId, out _))
            violations.Add("scope_unit_id", "is not a valid id");
        if (query.IncludeInherited && query.ScopeUnitId.Length == 0)
            violations.Add("include_inherited", "needs a scope_unit_id");
        violations.ThrowIfAny();

        var fingerprint = $"collectives|{query.ScopeUnitId}|{query.IncludeInherited}";
        var after = PageToken.Decode(query.PageToken, fingerprint) is { } key ? PageToken.Key(key, Guid.Parse) : (Guid?)null;
        var collectives = db.Collectives.AsNoTracking();
        if (query.ScopeUnitId.Length > 0)
        {
            var scope = await db.Units.AsNoTracking().FirstOrDefaultAsync(u => u.Id == Guid.Parse(query.ScopeUnitId), ct)
                ?? throw new NotFoundException("unit", query.ScopeUnitId);
            var owners = query.IncludeInherited ? UnitPath.Ids(scope.Path).ToList() : [scope.Id];
            collectives = collectives.Where(c => owners.Contains(c.ScopeUnitId));
        }
        if (after is { } last)
            collectives = collectives.Where(c => c.Id.CompareTo(last) > 0);
        // Ids are version 7 uuids: in the order the office created them.
        var rows = await collectives.Include(c => c.Names).Include(c => c.Members).AsSplitQuery().OrderBy(c => c.Id).Take(size + 1).ToListAsync(ct);
        return UnitStore.ToPage(rows, size, fingerprint, c => c.Id.ToString());
    }

    public async Task<ExpandedCollective> UpdateAsync(CollectiveChanges changes, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(changes.Version, "collective.version");
        var name = changes.Name is null ? null : CollectiveRules.CleanName(changes.Name, violations, "collective.name");
        if (changes.Members is not null)
            RequireMemberCount(changes.Members, violations, "collective.members");
        violations.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await UnitStore.LockNamesAsync(db, ct);
        var collective = await db.Collectives.FirstOrDefaultAsync(c => c.Id == Ids.Parse(changes.Id, "collective.id"), ct)
            ?? throw new NotFoundException("collective", changes.Id);
        CollectiveRules.CheckVersion(collective, changes.Version);

        name ??= collective.Name;
        var stored = await db.CollectiveNames.AsNoTracking().Where(n => n.CollectiveId == collective.Id && n.Kind == UnitNameKind.Alias)
            .Select(n => n.Text).ToListAsync(ct);
        var aliases = CollectiveRules.CleanAliases(changes.Aliases ?? stored, name, violations, "collective.aliases");
        var members = changes.Members is null ? null : await CheckMembersAsync(collective.Id, changes.Members, violations, "collective.members", ct);
        violations.ThrowIfAny();

        collective.Name = name;
        // Names are checked when they change: a unit that took the name since is preferred by resolution anyway, and
        // should not block a change of members.
        if (changes.Name is not null || changes.Aliases is not null)
        {
            await CheckNamesFreeAsync(collective, aliases, "collective.", ct);
            // Replaced whole: the rows are few, and none of them is tracked.
            await db.CollectiveNames.Where(n => n.CollectiveId == collective.Id).ExecuteDeleteAsync(ct);
            db.CollectiveNames.AddRange(NamesOf(collective, aliases));
        }
        if (members is not null)
        {
            await db.CollectiveMembers.Where(m => m.CollectiveId == collective.Id).ExecuteDeleteAsync(ct);
            db.CollectiveMembers.AddRange(members);
        }
        collective.Touch(time.GetStoredUtcNow());
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(collective.Id.ToString(), ct);
    }

    public async Task DeleteAsync(string id, long version, CancellationToken ct)
    {
        new Violations().RequireVersion(version).ThrowIfAny();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await UnitStore.LockNamesAsync(db, ct);
        var collective = await db.Collectives.FirstOrDefaultAsync(c => c.Id == Ids.Parse(id, "id"), ct) ?? throw new NotFoundException("collective", id);
        CollectiveRules.CheckVersion(collective, version);
        var holders = await db.CollectiveMembers.Where(m => m.MemberCollectiveId == collective.Id)
            .Join(db.Collectives, m => m.CollectiveId, c => c.Id, (_, c) => c.Name).Distinct().OrderBy(n => n).Take(5).ToListAsync(ct);
        if (holders.Count > 0)
            throw new FailedPreconditionException("IN_USE", $"collectives/{collective.Id}",
                $"collective '{collective.Name}' is a member of {string.Join("、", holders)}; remove it there first");
        db.Collectives.Remove(collective);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// The collectives whose name or alias is one of <paramref name="keys"/> (normalised), for resolution: owned by one of
    /// <paramref name="owners"/>, or by anyone when that is null.
    /// </summary>
    public async Task<List<(string Key, Collective Collective)>> FindByNamesAsync(IReadOnlyCollection<string> keys, IReadOnlyCollection<Guid>? owners,
        CancellationToken ct)
    {
        if (keys.Count == 0)
            return [];
        var names = db.CollectiveNames.AsNoTracking().Where(n => keys.Contains(n.Normalized));
        if (owners is not null)
            names = names.Where(n => owners.Contains(n.ScopeUnitId));
        var hits = await names.Select(n => new { n.Normalized, n.CollectiveId }).ToListAsync(ct);
        var ids = hits.Select(h => h.CollectiveId).Distinct().ToList();
        var collectives = await db.Collectives.AsNoTracking().Include(c => c.Names).Include(c => c.Members).AsSplitQuery()
            .Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        return hits.Select(h => (h.Normalized, collectives[h.CollectiveId])).ToList();
    }

    /// <summary>The active units each collective stands for, in a few queries however deep they nest.</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ResponsibilityUnit>>> ExpandAsync(IReadOnlyCollection<Collective> collectives,
        CancellationToken ct)
    {
        var graph = await LoadGraphAsync(collectives, ct);
        return collectives.DistinctBy(c => c.Id).ToDictionary(c => c.Id, c => CollectiveRules.Expand(c.Id, graph));
    }

    private async Task<ExpandedCollective> ExpandOneAsync(Collective collective, CancellationToken ct) =>
        new(collective, (await ExpandAsync([collective], ct))[collective.Id]);

    private async Task<CollectiveGraph> LoadGraphAsync(IReadOnlyCollection<Collective> roots, CancellationToken ct)
    {
        var collectives = roots.DistinctBy(c => c.Id).ToDictionary(c => c.Id);
        await AddReachableAsync(collectives, ct);
        var members = collectives.Values.SelectMany(c => c.Members).ToList();
        var unitIds = members.Where(m => m.Kind == CollectiveMemberKind.Unit).Select(m => m.UnitId!.Value).Distinct().ToList();
        var parentIds = members.Where(m => m.Kind == CollectiveMemberKind.Children).Select(m => m.UnitId!.Value).Distinct().ToList();
        var units = unitIds.Count == 0 ? [] : await db.Units.AsNoTracking().Include(u => u.Names).Where(u => unitIds.Contains(u.Id)).ToListAsync(ct);
        var children = parentIds.Count == 0 ? []
            : await db.Units.AsNoTracking().Include(u => u.Names).Where(u => u.ParentId != null && parentIds.Contains(u.ParentId.Value)).ToListAsync(ct);
        return new CollectiveGraph(collectives, units.ToDictionary(u => u.Id), children.ToLookup(u => u.ParentId!.Value));
    }

    /// <summary>Adds every collective reachable through members to <paramref name="loaded"/>, one query per level of nesting.</summary>
    private async Task AddReachableAsync(Dictionary<Guid, Collective> loaded, CancellationToken ct)
    {
        while (true)
        {
            var pending = loaded.Values.SelectMany(c => c.Members).Where(m => m.Kind == CollectiveMemberKind.Collective)
                .Select(m => m.MemberCollectiveId!.Value).Where(id => !loaded.ContainsKey(id)).Distinct().ToList();
            if (pending.Count == 0)
                return;
            var found = await db.Collectives.AsNoTracking().Include(c => c.Members).Where(c => pending.Contains(c.Id)).ToListAsync(ct);
            if (found.Count == 0)
                return;
            foreach (var collective in found)
                loaded[collective.Id] = collective;
        }
    }

    private static void RequireMemberCount(IReadOnlyList<MemberSpec> members, Violations violations, string field)
    {
        if (members.Count == 0)
            violations.Add(field, "must list at least one member: a unit, a collective or a children rule");
        if (members.Count > CollectiveRules.MaxMembers)
            violations.Add(field, $"at most {CollectiveRules.MaxMembers} members");
    }

    /// <summary>
    /// The members as stored, every unknown or unusable id reported on its field: units and collectives must exist, a
    /// unit listed by itself must be active (an archived one would stand for nothing), a rule's level must exist, and no
    /// member may lead back to the collective <paramref name="self"/>.
    /// </summary>
    private async Task<List<CollectiveMember>> CheckMembersAsync(Guid self, IReadOnlyList<MemberSpec> specs, Violations violations, string field,
        CancellationToken ct)
    {
        var parsed = new List<(int Index, CollectiveMember Member)>();
        for (var i = 0; i < specs.Count; i++)
        {
            var at = $"{field}[{i}]";
            var spec = specs[i];
            if (spec.UnitId.Length > 0)
            {
                if (Guid.TryParse(spec.UnitId, out var unitId))
                    parsed.Add((i, CollectiveMember.OfUnit(unitId)));
                else
                    violations.Add(at + ".unit_id", "is not a valid id");
            }
            else if (spec.CollectiveId.Length > 0)
            {
                if (!Guid.TryParse(spec.CollectiveId, out var collectiveId))
                    violations.Add(at + ".collective_id", "is not a valid id");
                else if (collectiveId == self)
                    violations.Add(at + ".collective_id", "a collective cannot contain itself");
                else
                    parsed.Add((i, CollectiveMember.OfCollective(collectiveId)));
            }
            else if (spec.Children is { } rule)
            {
                violations.MaxLength(rule.Kind, at + ".children.kind", UnitRules.MaxKindLength);
                if (!Guid.TryParse(rule.ParentUnitId, out var parentId))
                    violations.Add(at + ".children.parent_unit_id", rule.ParentUnitId.Length == 0 ? "must not be empty" : "is not a valid id");
                else
                    parsed.Add((i, CollectiveMember.ChildrenOf(parentId, rule.LevelCode.Trim(), rule.Kind.Trim())));
            }
            else
                violations.Add(at, "must name a unit_id, a collective_id or a children rule");
        }

        var unitIds = parsed.Select(p => p.Member.UnitId).OfType<Guid>().Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var collectiveIds = parsed.Select(p => p.Member.MemberCollectiveId).OfType<Guid>().Distinct().ToList();
        var collectives = await db.Collectives.AsNoTracking().Include(c => c.Members).Where(c => collectiveIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var levels = (await db.Levels.AsNoTracking().Select(l => l.Code).ToListAsync(ct)).ToHashSet();

        var members = new List<CollectiveMember>();
        foreach (var (index, member) in parsed)
        {
            var at = $"{field}[{index}]";
            var unit = member.UnitId is { } unitId ? units.GetValueOrDefault(unitId) : null;
            var idField = member.Kind switch
            {
                CollectiveMemberKind.Unit => at + ".unit_id",
                CollectiveMemberKind.Collective => at + ".collective_id",
                _ => at + ".children.parent_unit_id",
            };
            var problem = member.Kind switch
            {
                CollectiveMemberKind.Collective when !collectives.ContainsKey(member.MemberCollectiveId!.Value) => $"no collective with id '{member.MemberCollectiveId}'",
                CollectiveMemberKind.Collective => null,
                _ when unit is null => $"no unit with id '{member.UnitId}'",
                // An archived unit stands for nothing, and a rule over one finds only archived children.
                _ when unit.Status == UnitStatus.Archived => $"unit '{unit.Name}' is archived",
                _ => null,
            };
            if (problem is null && member.Kind == CollectiveMemberKind.Children && member.LevelCode.Length > 0 && !levels.Contains(member.LevelCode))
                (idField, problem) = (at + ".children.level_code", $"unknown level '{member.LevelCode}'");
            if (problem is null && members.Any(m => m.SameAs(member)))
                (idField, problem) = (at, "is listed twice");
            if (problem is not null)
                violations.Add(idField, problem);
            else
                members.Add(member.At(self, members.Count));
        }

        await AddReachableAsync(collectives, ct);
        if (CollectiveRules.FindCycle(self, members, collectives) is { } cycle)
        {
            var through = collectives[members[cycle].MemberCollectiveId!.Value].Name;
            violations.Add($"{field}[{parsed.First(p => p.Member.SameAs(members[cycle])).Index}].collective_id",
                $"collective '{through}' contains this collective already, directly or through others: that would be a cycle");
        }
        return members;
    }

    /// <summary>
    /// Refuses a name or alias that a unit is known by (its name, short name, alias or code, archived units too, since
    /// they keep their names), or that another collective of the same scope holds. Callers hold the names lock.
    /// </summary>
    private async Task CheckNamesFreeAsync(Collective collective, IReadOnlyList<string> aliases, string prefix, CancellationToken ct)
    {
        var proposed = NamesOf(collective, aliases);
        var texts = proposed.Select(n => n.Normalized).Distinct().ToList();
        string FieldOf(CollectiveName name) => prefix + (name.Kind == UnitNameKind.Name
            ? "name"
            : $"aliases[{aliases.Select(NameNormalizer.Normalize).ToList().IndexOf(name.Normalized)}]");

        var unitName = await db.UnitNames.AsNoTracking().Where(n => texts.Contains(n.Normalized))
            .Join(db.Units, n => n.UnitId, u => u.Id, (n, u) => new { n.Normalized, n.Kind, n.Text, Holder = u.Name }).FirstOrDefaultAsync(ct);
        if (unitName is not null)
            throw new AlreadyExistsException(FieldOf(proposed.First(p => p.Normalized == unitName.Normalized)),
                $"'{unitName.Text}' is {UnitRules.Describe(unitName.Kind)} of unit '{unitName.Holder}'; a collective may not take a unit's name");

        var others = await db.CollectiveNames.AsNoTracking()
            .Where(n => n.ScopeUnitId == collective.ScopeUnitId && n.CollectiveId != collective.Id && texts.Contains(n.Normalized)).ToListAsync(ct);
        if (CollectiveRules.FindClashInScope(proposed, others) is { } clash)
        {
            var holder = await db.Collectives.AsNoTracking().Where(c => c.Id == clash.Existing.CollectiveId).Select(c => c.Name).SingleAsync(ct);
            throw new AlreadyExistsException(FieldOf(clash.Proposed),
                $"'{clash.Proposed.Text}' is already {(clash.Existing.Kind == UnitNameKind.Name ? "the name" : "an alias")} of collective '{holder}' in the same scope");
        }
    }

    private static List<CollectiveName> NamesOf(Collective collective, IEnumerable<string> aliases) =>
        [CollectiveName.Of(collective, UnitNameKind.Name, collective.Name), .. aliases.Select(a => CollectiveName.Of(collective, UnitNameKind.Alias, a))];

    private Task<Collective?> LoadAsync(System.Linq.Expressions.Expression<Func<Collective, bool>> which, CancellationToken ct) =>
        db.Collectives.AsNoTracking().Include(c => c.Names).Include(c => c.Members).AsSplitQuery().FirstOrDefaultAsync(which, ct);

    /// <summary>Saves, turning a unique-index race lost to a concurrent writer into AlreadyExists on the right field.</summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg)
        {
            throw pg.ConstraintName switch
            {
                "IX_collective_names_scope_unique" => new AlreadyExistsException("name", "a collective of this scope already has this name or alias"),
                "IX_collectives_create_request_id" => new AlreadyExistsException("request_id", "a collective was already created with this request id"),
                _ => new AlreadyExistsException(pg.ConstraintName ?? "collective", "already exists"),
            };
        }
    }
}

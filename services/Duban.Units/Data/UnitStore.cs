using Duban.ServiceDefaults.Data;
using Duban.ServiceDefaults.Errors;
using Duban.ServiceDefaults.Paging;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Units.Data;

public sealed record NewUnit(string Code, string Name, string ShortName, IReadOnlyList<string> Aliases,
    string LevelCode, string ParentId, string Kind, string TimeZone, string RequestId);

/// <summary>Which fields of a unit an update touches, with their new values.</summary>
public sealed record UnitChanges(string Id, long Version, string? Name, string? ShortName,
    IReadOnlyList<string>? Aliases, string? Kind, string? LevelCode, string? TimeZone);

public sealed record UnitQuery(string ParentId, string LevelCode, UnitStatus? Status, string NameContains, bool RootsOnly,
    int PageSize, string PageToken);


/// <summary>The unit tree: reads and the changes that keep its rules (levels, no cycles, unique codes and aliases).</summary>
public sealed class UnitStore(UnitsDb db, TimeProvider time)
{
    // Changes to the tree's shape take this lock so paths never go stale under a concurrent move.
    private const long TreeLockKey = 0x4475_6261_6E55; // "DubanU"
    // Changes to units' names take this one, so no two commit names that clash (see CheckNamesFreeAsync).
    private const long NamesLockKey = 0x4475_6261_6E4E; // "DubanN"

    public Task<List<Level>> ListLevelsAsync(CancellationToken ct) =>
        db.Levels.AsNoTracking().OrderBy(l => l.Rank).ToListAsync(ct);

    public async Task<Level> CreateLevelAsync(string code, string name, int rank, CancellationToken ct)
    {
        var violations = new Violations();
        if (!UnitRules.IsValidCode(code) || code.Length > 32)
            violations.Add("level.code", "must be 1-32 letters, digits, '.', '_' or '-'");
        violations.RequireText(name, "level.name", 50);
        if (rank <= 0)
            violations.Add("level.rank", "must be a positive number (smaller ranks are higher levels)");
        violations.ThrowIfAny();

        if (await db.Levels.AnyAsync(l => l.Code == code, ct))
            throw new AlreadyExistsException("level.code", $"level '{code}' already exists");
        if (await db.Levels.FirstOrDefaultAsync(l => l.Rank == rank, ct) is { } sameRank)
            throw new AlreadyExistsException("level.rank", $"rank {rank} is already taken by level '{sameRank.Code}'");

        var level = new Level { Code = code, Name = name.Trim(), Rank = rank };
        db.Levels.Add(level);
        await db.SaveChangesAsync(ct);
        return level;
    }

    public async Task<ResponsibilityUnit> CreateUnitAsync(NewUnit request, CancellationToken ct)
    {
        if (request.RequestId.Length > 0 && await FindByRequestIdAsync(request.RequestId, ct) is { } earlier)
            return earlier;

        var violations = new Violations();
        if (!UnitRules.IsValidCode(request.Code))
            violations.Add("code", "must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        violations.RequireText(request.Name, "name", UnitRules.MaxNameLength).RequirePrintable(request.Name, "name")
            .MaxLength(request.ShortName, "short_name", UnitRules.MaxShortNameLength).RequirePrintable(request.ShortName, "short_name")
            .MaxLength(request.Kind, "kind", UnitRules.MaxKindLength)
            .MaxLength(request.RequestId, "request_id", 100);
        if (string.IsNullOrWhiteSpace(request.LevelCode))
            violations.Add("level_code", "must not be empty");
        if (request.ParentId.Length > 0 && !Guid.TryParse(request.ParentId, out _))
            violations.Add("parent_id", "is not a valid id");
        if (request.TimeZone.Length > 0 && !UnitRules.IsValidTimeZone(request.TimeZone))
            violations.Add("time_zone", $"'{request.TimeZone}' is not a known IANA time zone");
        var aliases = UnitRules.CleanAliases(request.Aliases, violations);
        violations.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockTreeAsync(ct);
        await LockNamesAsync(ct);

        var level = await db.Levels.FindAsync([request.LevelCode], ct);
        ResponsibilityUnit? parent = null;
        if (request.ParentId.Length > 0)
            parent = await db.Units.FirstOrDefaultAsync(u => u.Id == Guid.Parse(request.ParentId), ct);
        if (level is null)
            violations.Add("level_code", $"unknown level '{request.LevelCode}'");
        if (request.ParentId.Length > 0 && parent is null)
            violations.Add("parent_id", $"no unit with id '{request.ParentId}'");
        violations.ThrowIfAny();

        if (parent is { Status: UnitStatus.Archived })
            throw new FailedPreconditionException("ARCHIVED_PARENT", $"units/{parent.Id}", $"parent unit '{parent.Name}' is archived");
        if (parent is not null)
            UnitRules.CheckLevelBelowParent(level!, await db.Levels.FindAsync([parent.LevelCode], ct), "level_code");

        if (await db.Units.AnyAsync(u => u.Code == request.Code, ct))
            throw new AlreadyExistsException("code", $"a unit with code '{request.Code}' already exists");

        var id = Guid.CreateVersion7();
        var now = time.GetStoredUtcNow();
        var path = UnitPath.Of(parent?.Path, id);
        var unit = new ResponsibilityUnit
        {
            Id = id,
            Code = request.Code,
            Name = request.Name.Trim(),
            ShortName = request.ShortName.Trim(),
            LevelCode = level!.Code,
            ParentId = parent?.Id,
            Kind = request.Kind.Trim(),
            Path = path,
            Depth = UnitPath.Depth(path),
            TimeZone = request.TimeZone.Length > 0 ? request.TimeZone : parent?.TimeZone ?? UnitRules.DefaultTimeZone,
            CreateRequestId = request.RequestId.Length > 0 ? request.RequestId : null,
            CreateTime = now,
            UpdateTime = now,
        };
        unit.Names = NamesOf(unit, aliases);
        await CheckNamesFreeAsync(unit, aliases, "", ct);
        db.Units.Add(unit);
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return unit;
    }

    public async Task<ResponsibilityUnit> GetUnitAsync(string id, CancellationToken ct, string field = "id") =>
        await FindUnitAsync(id, field, ct) ?? throw new NotFoundException("unit", id);

    public async Task<IReadOnlyList<ResponsibilityUnit>> BatchGetAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var (found, missing) = await BatchGetAllowingMissingAsync(ids, ct);
        if (missing.Count > 0)
            throw new NotFoundException("unit", string.Join(",", missing));
        return found;
    }

    /// <summary>The units among <paramref name="ids"/> that exist, in the order asked, and the ids that name none.</summary>
    public async Task<(IReadOnlyList<ResponsibilityUnit> Found, IReadOnlyList<string> Missing)> BatchGetAllowingMissingAsync(IReadOnlyList<string> ids,
        CancellationToken ct)
    {
        var parsed = BatchIds.Parse(ids);
        var found = await db.Units.AsNoTracking().Include(u => u.Names).Where(u => parsed.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        return BatchIds.InOrderAsked(parsed, found);
    }

    public async Task<Page<ResponsibilityUnit>> ListUnitsAsync(UnitQuery query, CancellationToken ct)
    {
        var size = PageToken.Size(query.PageSize);
        var violations = new Violations();
        if (query.ParentId.Length > 0 && !Guid.TryParse(query.ParentId, out _))
            violations.Add("parent_id", "is not a valid id");
        violations.MaxLength(query.NameContains, "name_contains", UnitRules.MaxNameLength).ThrowIfAny();

        var status = query.Status ?? UnitStatus.Active;
        var fingerprint = $"units|{query.ParentId}|{query.LevelCode}|{status}|{query.NameContains}|{query.RootsOnly}";
        var after = PageToken.Decode(query.PageToken, fingerprint);

        var units = db.Units.AsNoTracking().Include(u => u.Names).Where(u => u.Status == status);
        if (query.ParentId.Length > 0)
        {
            var parentId = Guid.Parse(query.ParentId);
            units = units.Where(u => u.ParentId == parentId);
        }
        if (query.RootsOnly)
            units = units.Where(u => u.ParentId == null);
        if (query.LevelCode.Length > 0)
            units = units.Where(u => u.LevelCode == query.LevelCode);
        if (query.NameContains.Trim().Length > 0)
        {
            var pattern = "%" + EscapeLike(NameNormalizer.Normalize(query.NameContains)) + "%";
            units = units.Where(u => u.Names.Any(n => n.Kind != UnitNameKind.Code && EF.Functions.Like(n.Normalized, pattern)));
        }
        if (after is not null)
            units = units.Where(u => string.Compare(u.Code, after) > 0);

        var rows = await units.OrderBy(u => u.Code).Take(size + 1).ToListAsync(ct);
        return ToPage(rows, size, fingerprint, u => u.Code);
    }

    public async Task<ResponsibilityUnit> UpdateUnitAsync(UnitChanges changes, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(changes.Version, "unit.version");
        if (changes.Name is not null)
            violations.RequireText(changes.Name, "unit.name", UnitRules.MaxNameLength).RequirePrintable(changes.Name, "unit.name");
        violations.MaxLength(changes.ShortName, "unit.short_name", UnitRules.MaxShortNameLength).RequirePrintable(changes.ShortName, "unit.short_name")
            .MaxLength(changes.Kind, "unit.kind", UnitRules.MaxKindLength);
        if (changes.TimeZone is not null && !UnitRules.IsValidTimeZone(changes.TimeZone))
            violations.Add("unit.time_zone", $"'{changes.TimeZone}' is not a known IANA time zone");
        var aliases = changes.Aliases is null ? null : UnitRules.CleanAliases(changes.Aliases, violations, "unit.aliases");
        violations.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (changes.Name is not null || changes.ShortName is not null || aliases is not null)
            await LockNamesAsync(ct);
        var unit = await db.Units.Include(u => u.Names).FirstOrDefaultAsync(u => u.Id == Ids.Parse(changes.Id, "unit.id"), ct)
            ?? throw new NotFoundException("unit", changes.Id);
        UnitRules.CheckVersion(unit, changes.Version);

        if (changes.LevelCode is not null && changes.LevelCode != unit.LevelCode)
        {
            var level = await db.Levels.FindAsync([changes.LevelCode], ct)
                ?? throw new ValidationFailedException("unit.level_code", $"unknown level '{changes.LevelCode}'");
            if (unit.ParentId is { } parentId)
            {
                var parentLevelCode = await db.Units.Where(u => u.Id == parentId).Select(u => u.LevelCode).SingleAsync(ct);
                UnitRules.CheckLevelBelowParent(level, await db.Levels.FindAsync([parentLevelCode], ct), "unit.level_code");
            }
            var childLevels = await db.Units.Where(u => u.ParentId == unit.Id)
                .Join(db.Levels, u => u.LevelCode, l => l.Code, (_, l) => l).Distinct().ToListAsync(ct);
            UnitRules.CheckLevelAboveChildren(level, childLevels, "unit.level_code");
            unit.LevelCode = level.Code;
        }
        unit.Name = changes.Name?.Trim() ?? unit.Name;
        unit.ShortName = changes.ShortName?.Trim() ?? unit.ShortName;
        unit.Kind = changes.Kind?.Trim() ?? unit.Kind;
        unit.TimeZone = changes.TimeZone ?? unit.TimeZone;
        var keptAliases = aliases ?? unit.Aliases.ToList();
        if (changes.Name is not null || changes.ShortName is not null || aliases is not null)
            await CheckNamesFreeAsync(unit, keptAliases, "unit.", ct);
        ReplaceNames(unit, keptAliases);
        unit.Touch(time.GetStoredUtcNow());
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return unit;
    }

    public async Task<ResponsibilityUnit> MoveUnitAsync(string id, string newParentId, long version, CancellationToken ct)
    {
        var violations = new Violations().RequireVersion(version);
        if (newParentId.Length > 0 && !Guid.TryParse(newParentId, out _))
            violations.Add("new_parent_id", "is not a valid id");
        violations.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LockTreeAsync(ct);
        var unit = await db.Units.Include(u => u.Names).FirstOrDefaultAsync(u => u.Id == Ids.Parse(id, "id"), ct)
            ?? throw new NotFoundException("unit", id);
        UnitRules.CheckVersion(unit, version);

        ResponsibilityUnit? parent = null;
        if (newParentId.Length > 0)
        {
            parent = await db.Units.FirstOrDefaultAsync(u => u.Id == Guid.Parse(newParentId), ct)
                ?? throw new ValidationFailedException("new_parent_id", $"no unit with id '{newParentId}'");
            UnitRules.CheckNoCycle(unit, parent, "new_parent_id");
            if (parent.Status == UnitStatus.Archived)
                throw new FailedPreconditionException("ARCHIVED_PARENT", $"units/{parent.Id}", $"parent unit '{parent.Name}' is archived");
            var level = await db.Levels.FindAsync([unit.LevelCode], ct);
            UnitRules.CheckLevelBelowParent(level!, await db.Levels.FindAsync([parent.LevelCode], ct), "new_parent_id");
        }

        var oldPath = unit.Path;
        var newPath = UnitPath.Of(parent?.Path, unit.Id);
        var depthChange = UnitPath.Depth(newPath) - unit.Depth;
        // The whole subtree takes the new prefix in one statement; the moved unit itself goes through EF
        // so its version check still guards against a concurrent change.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            UPDATE units SET path = {newPath} || substr(path, {oldPath.Length + 1}), depth = depth + {depthChange}
            WHERE path LIKE {EscapeLike(oldPath) + "%"} AND id <> {unit.Id}
            """, ct);
        unit.ParentId = parent?.Id;
        unit.Path = newPath;
        unit.Depth = UnitPath.Depth(newPath);
        unit.Touch(time.GetStoredUtcNow());
        await SaveAsync(ct);
        await transaction.CommitAsync(ct);
        return unit;
    }

    public async Task<ResponsibilityUnit> ArchiveUnitAsync(string id, long version, CancellationToken ct)
    {
        new Violations().RequireVersion(version).ThrowIfAny();
        var unit = await db.Units.Include(u => u.Names).FirstOrDefaultAsync(u => u.Id == Ids.Parse(id, "id"), ct)
            ?? throw new NotFoundException("unit", id);
        UnitRules.CheckVersion(unit, version);
        if (unit.Status == UnitStatus.Archived)
            throw new FailedPreconditionException("ALREADY_ARCHIVED", $"units/{unit.Id}", $"unit '{unit.Name}' is already archived");
        var openChildren = await db.Units.Where(u => u.ParentId == unit.Id && u.Status == UnitStatus.Active)
            .OrderBy(u => u.Code).Select(u => u.Name).Take(5).ToListAsync(ct);
        if (openChildren.Count > 0)
            throw new FailedPreconditionException("OPEN_CHILDREN", $"units/{unit.Id}",
                $"unit '{unit.Name}' still has active child units ({string.Join("、", openChildren)}); archive or move them first");

        unit.Status = UnitStatus.Archived;
        unit.Touch(time.GetStoredUtcNow());
        await SaveAsync(ct);
        return unit;
    }

    /// <summary>Parent first, then up to the root.</summary>
    public async Task<IReadOnlyList<ResponsibilityUnit>> ListAncestorsAsync(string id, CancellationToken ct)
    {
        var unit = await GetUnitAsync(id, ct);
        var ancestorIds = UnitPath.Ids(unit.Path).SkipLast(1).ToList();
        var ancestors = await db.Units.AsNoTracking().Include(u => u.Names).Where(u => ancestorIds.Contains(u.Id)).ToListAsync(ct);
        return ancestors.OrderByDescending(u => u.Depth).ToList();
    }

    /// <summary>
    /// A page of the subtree below <paramref name="id"/>, in path order; with <paramref name="withNames"/> false the
    /// units come without their names (aliases), at a fraction of the cost for a large subtree.
    /// </summary>
    public async Task<Page<ResponsibilityUnit>> ListDescendantsAsync(string id, int pageSize, string pageToken, bool includeArchived,
        bool withNames, CancellationToken ct)
    {
        var size = PageToken.Size(pageSize);
        var unit = await GetUnitAsync(id, ct);
        var fingerprint = $"descendants|{unit.Id}|{includeArchived}";
        var after = PageToken.Decode(pageToken, fingerprint);

        var prefix = EscapeLike(unit.Path) + "%";
        var subtree = db.Units.AsNoTracking().Where(u => EF.Functions.Like(u.Path, prefix) && u.Id != unit.Id);
        if (!includeArchived)
            subtree = subtree.Where(u => u.Status == UnitStatus.Active);
        var total = await subtree.CountAsync(ct);
        if (after is not null)
            subtree = subtree.Where(u => string.Compare(u.Path, after) > 0);
        var ordered = subtree.OrderBy(u => u.Path).Take(size + 1);
        // The names in a second query: joined, each of up to a thousand units would come once per name.
        var rows = withNames ? await ordered.Include(u => u.Names).AsSplitQuery().ToListAsync(ct) : await ordered.ToListAsync(ct);
        return ToPage(rows, size, fingerprint, u => u.Path) with { TotalSize = total };
    }

    public async Task<IReadOnlyList<ResponsibilityUnit>> LoadUnitsAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.Distinct().ToList();
        return list.Count == 0 ? [] : await db.Units.AsNoTracking().Include(u => u.Names).Where(u => list.Contains(u.Id)).ToListAsync(ct);
    }

    internal async Task<ResponsibilityUnit?> FindUnitAsync(string id, string field, CancellationToken ct) =>
        await db.Units.AsNoTracking().Include(u => u.Names).FirstOrDefaultAsync(u => u.Id == Ids.Parse(id, field), ct);

    private Task<ResponsibilityUnit?> FindByRequestIdAsync(string requestId, CancellationToken ct) =>
        db.Units.AsNoTracking().Include(u => u.Names).FirstOrDefaultAsync(u => u.CreateRequestId == requestId, ct);

    /// <summary>
    /// Refuses a unit whose names would make another unit's ambiguous (<see cref="UnitRules.FindNameClash"/>). Callers
    /// hold the names lock, so two units cannot each pass this check and then both commit the same text.
    /// </summary>
    private async Task CheckNamesFreeAsync(ResponsibilityUnit unit, IReadOnlyList<string> aliases, string prefix, CancellationToken ct)
    {
        var proposed = NamesOf(unit, aliases);
        var texts = proposed.Select(n => n.Normalized).Distinct().ToList();
        var others = await db.UnitNames.AsNoTracking().Where(n => texts.Contains(n.Normalized) && n.UnitId != unit.Id).ToListAsync(ct);
        if (UnitRules.FindNameClash(proposed, others) is not { } clash)
            return;
        var holder = await db.Units.AsNoTracking().Where(u => u.Id == clash.Existing.UnitId).Select(u => u.Name).SingleAsync(ct);
        var field = clash.Proposed.Kind switch
        {
            UnitNameKind.Name => "name",
            UnitNameKind.ShortName => "short_name",
            UnitNameKind.Code => "code",
            _ => $"aliases[{aliases.Select(NameNormalizer.Normalize).ToList().IndexOf(clash.Proposed.Normalized)}]",
        };
        throw new AlreadyExistsException(prefix + field,
            $"'{clash.Proposed.Text}' is {UnitRules.Describe(clash.Existing.Kind)} of unit '{holder}' ('{clash.Existing.Text}'); an alias names one unit only");
    }

    private static List<UnitName> NamesOf(ResponsibilityUnit unit, IEnumerable<string> aliases)
    {
        var names = new List<UnitName>
        {
            UnitName.Of(unit.Id, UnitNameKind.Name, unit.Name),
            UnitName.Of(unit.Id, UnitNameKind.Code, unit.Code),
        };
        if (unit.ShortName.Length > 0)
            names.Add(UnitName.Of(unit.Id, UnitNameKind.ShortName, unit.ShortName));
        names.AddRange(aliases.Select(a => UnitName.Of(unit.Id, UnitNameKind.Alias, a)));
        // The key is (unit, kind, normalized); a short name equal to the name is kept once per kind anyway.
        return names.DistinctBy(n => (n.Kind, n.Normalized)).ToList();
    }

    private void ReplaceNames(ResponsibilityUnit unit, IReadOnlyList<string> aliases)
    {
        var wanted = NamesOf(unit, aliases);
        var keep = unit.Names.Where(n => wanted.Any(w => w.Kind == n.Kind && w.Normalized == n.Normalized && w.Text == n.Text)).ToList();
        foreach (var stale in unit.Names.Except(keep).ToList())
            db.UnitNames.Remove(stale);
        var added = wanted.Where(w => !keep.Any(k => k.Kind == w.Kind && k.Normalized == w.Normalized)).ToList();
        unit.Names = [.. keep, .. added];
    }

    /// <summary>Held by every change to a unit's names, for the clash check to see every committed name (taken after the tree lock).</summary>
    private Task LockNamesAsync(CancellationToken ct) => LockNamesAsync(db, ct);

    /// <summary>The names lock, also held by every write to collectives: their names are checked against units' names.</summary>
    internal static Task LockNamesAsync(UnitsDb db, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({NamesLockKey})", ct);

    private Task LockTreeAsync(CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({TreeLockKey})", ct);

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
                "IX_units_code" => new AlreadyExistsException("code", "a unit with this code already exists"),
                "IX_unit_names_alias_unique" => new AlreadyExistsException("aliases", "an alias is already used by another unit"),
                _ => new AlreadyExistsException(pg.ConstraintName ?? "unit", "already exists"),
            };
        }
    }


    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    internal static Page<T> ToPage<T>(List<T> rows, int size, string fingerprint, Func<T, string> key)
    {
        if (rows.Count <= size)
            return new Page<T>(rows, "");
        rows.RemoveAt(rows.Count - 1);
        return new Page<T>(rows, PageToken.Encode(fingerprint, key(rows[^1])));
    }
}

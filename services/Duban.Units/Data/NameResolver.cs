using Duban.ServiceDefaults.Errors;
using Duban.Units.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Duban.Units.Data;

public enum ResolveOutcome
{
    Matched = 1,
    Ambiguous = 2,
    NotFound = 3,
    Collective = 4,
}

/// <summary>A unit, or a collective (then <see cref="Unit"/> is null), whose name resembles one that matched nothing.</summary>
public sealed record NameSuggestion(ResponsibilityUnit? Unit, string MatchedText, double Score, Collective? Collective = null);

public sealed record NameResolution(string Name, ResolveOutcome Outcome, ResponsibilityUnit? Unit,
    IReadOnlyList<ResponsibilityUnit> Candidates, IReadOnlyList<NameSuggestion> Suggestions, ExpandedCollective? Collective = null);

/// <summary>
/// Resolves unit names as offices write them, a whole batch in a few queries: an exact match on any
/// normalised name, short name, alias or code; then the collectives the scope may name; then trigram
/// similarity (pg_trgm) for the rest.
/// </summary>
public sealed class NameResolver(UnitsDb db, NpgsqlDataSource dataSource, UnitStore store, CollectiveStore collectives)
{
    public const int MaxNames = 1000;
    // Chinese unit names are short, so trigram scores run low; 0.15 still keeps noise out.
    private const double SimilarityThreshold = 0.15;

    public async Task<IReadOnlyList<NameResolution>> ResolveAsync(IReadOnlyList<string> names, string scopeUnitId,
        bool withinScopeOnly, int maxSuggestions, CancellationToken ct)
    {
        var violations = new Violations();
        if (names.Count == 0)
            violations.Add("names", "must list at least one name");
        if (names.Count > MaxNames)
            violations.Add("names", $"at most {MaxNames} names per call");
        for (var i = 0; i < names.Count; i++)
            violations.RequireText(names[i], $"names[{i}]", UnitRules.MaxNameLength);
        if (maxSuggestions is < 0 or > 10)
            violations.Add("max_suggestions", "must be between 0 and 10");
        if (withinScopeOnly && scopeUnitId.Length == 0)
            violations.Add("scope_unit_id", "is required with within_scope_only");
        violations.ThrowIfAny();
        if (maxSuggestions == 0)
            maxSuggestions = 3;

        var scope = scopeUnitId.Length > 0 ? await store.GetUnitAsync(scopeUnitId, ct, "scope_unit_id") : null;
        bool InScope(ResponsibilityUnit u) => scope is null || UnitPath.IsWithin(u.Path, scope.Path);

        var keys = names.Select(NameNormalizer.Normalize).ToArray();
        var exact = await ExactMatchesAsync(keys.Distinct().ToArray(), ct);
        var matchedUnits = (await store.LoadUnitsAsync(exact.SelectMany(group => group), ct)).ToDictionary(u => u.Id);

        // A unit in scope wins over a collective of the same name. Collective names are refused when a unit already
        // carries them, so this happens only when a unit took the name later: the unit is then the newer, more
        // specific fact, and reading one unit's name as a group would hand the work silently to many units, while a
        // unit wrongly matched shows as one row the office can see and correct. Units outside the scope do not
        // win: the scope's own collective is what its documents mean.
        var withoutUnitInScope = keys.Distinct().Where(k => !exact[k].Any(id => InScope(matchedUnits[id]))).ToList();
        var collectiveOf = await FindCollectivesAsync(withoutUnitInScope, scope, ct);
        var expansions = await collectives.ExpandAsync(collectiveOf.Values.SelectMany(c => c).ToList(), ct);

        var unmatched = keys.Where(k => !exact.Contains(k) && !collectiveOf.ContainsKey(k)).Distinct().ToArray();
        var similar = unmatched.Length == 0 ? [] : await SimilarNamesAsync(unmatched, maxSuggestions * 4, ct);
        // The scope's own collectives (its unit's and its ancestors'), or every one without a scope: "一市三圆" for "一市三园".
        var similarCollectives = unmatched.Length == 0 ? []
            : await SimilarCollectivesAsync(unmatched, scope is null ? null : UnitPath.Ids(scope.Path).ToArray(), maxSuggestions, ct);
        var units = matchedUnits.Values.Concat(await store.LoadUnitsAsync(similar.Select(s => s.UnitId).Where(id => !matchedUnits.ContainsKey(id)), ct))
            .ToDictionary(u => u.Id);
        var scopeUnits = collectiveOf.Values.Any(c => c.Count > 1)
            ? (await store.LoadUnitsAsync(collectiveOf.Values.SelectMany(c => c).Select(c => c.ScopeUnitId), ct)).ToDictionary(u => u.Id)
            : [];

        var results = new List<NameResolution>(names.Count);
        for (var i = 0; i < names.Count; i++)
        {
            var matches = exact[keys[i]].Select(id => units[id]).DistinctBy(u => u.Id).ToList();
            var inScope = matches.Where(u => InScope(u)).ToList();
            var pool = inScope.Count > 0 || withinScopeOnly ? inScope : matches;

            if (inScope.Count == 0 && collectiveOf.TryGetValue(keys[i], out var named))
            {
                if (named.Count == 1)
                    results.Add(new NameResolution(names[i], ResolveOutcome.Collective, null, [], [],
                        new ExpandedCollective(named[0], expansions[named[0].Id])));
                else
                    // Only without a scope: the units whose scopes own one, so the caller can ask again within one.
                    results.Add(new NameResolution(names[i], ResolveOutcome.Ambiguous, null,
                        named.Select(c => scopeUnits[c.ScopeUnitId]).DistinctBy(u => u.Id).OrderBy(u => u.Depth).ThenBy(u => u.Code).ToList(), []));
            }
            else if (pool.Count == 1)
            {
                results.Add(new NameResolution(names[i], ResolveOutcome.Matched, pool[0], [], []));
            }
            else if (pool.Count > 1)
            {
                results.Add(new NameResolution(names[i], ResolveOutcome.Ambiguous, null, pool.OrderBy(u => u.Depth).ThenBy(u => u.Code).ToList(), []));
            }
            else
            {
                var suggestions = similar.Where(s => s.Key == keys[i] && units.ContainsKey(s.UnitId))
                    .Select(s => new NameSuggestion(units[s.UnitId], s.Text, s.Score))
                    .Where(s => !withinScopeOnly || InScope(s.Unit!))
                    .DistinctBy(s => s.Unit!.Id)
                    .Concat(similarCollectives.Where(c => c.Key == keys[i]).Select(c => new NameSuggestion(null, c.Text, c.Score, c.Collective))
                        .DistinctBy(s => s.Collective!.Id))
                    // Inside the scope first: that is where the caller is looking (a collective found is the scope's own).
                    .OrderByDescending(s => s.Unit is null || InScope(s.Unit)).ThenByDescending(s => s.Score)
                    .Take(maxSuggestions).ToList();
                results.Add(new NameResolution(names[i], ResolveOutcome.NotFound, null, [], suggestions));
            }
        }
        return results;
    }

    /// <summary>
    /// The collectives each key names. With a scope, those its unit or its ancestors own, the nearest owner's only (a
    /// park may mean by 各部门 something else than its city does); without one, every collective of that name.
    /// </summary>
    private async Task<Dictionary<string, List<Collective>>> FindCollectivesAsync(IReadOnlyCollection<string> keys, ResponsibilityUnit? scope,
        CancellationToken ct)
    {
        var owners = scope is null ? null : UnitPath.Ids(scope.Path).ToList();
        var found = await collectives.FindByNamesAsync(keys, owners, ct);
        return found.GroupBy(f => f.Key).ToDictionary(g => g.Key, g =>
        {
            var named = g.Select(f => f.Collective).DistinctBy(c => c.Id).ToList();
            return owners is null ? named : named.OrderByDescending(c => owners.IndexOf(c.ScopeUnitId)).Take(1).ToList();
        });
    }

    private async Task<ILookup<string, Guid>> ExactMatchesAsync(string[] keys, CancellationToken ct)
    {
        var rows = await db.UnitNames.AsNoTracking()
            .Where(n => keys.Contains(n.Normalized))
            .Join(db.Units.Where(u => u.Status == UnitStatus.Active), n => n.UnitId, u => u.Id, (n, _) => new { n.Normalized, n.UnitId })
            .ToListAsync(ct);
        return rows.ToLookup(r => r.Normalized, r => r.UnitId);
    }

    private sealed record SimilarName(string Key, Guid UnitId, string Text, double Score);

    private sealed record SimilarCollective(string Key, Collective Collective, string Text, double Score);

    /// <summary>Collective names like each key, scored as unit names are; among those of <paramref name="owners"/> when given.</summary>
    private async Task<List<SimilarCollective>> SimilarCollectivesAsync(string[] keys, Guid[]? owners, int perKey, CancellationToken ct)
    {
        const string sql = """
            SELECT k.key, s.collective_id, s.text, s.score
            FROM unnest($1::text[]) AS k(key)
            CROSS JOIN LATERAL (
                SELECT n.collective_id, n.text,
                       greatest(similarity(n.normalized, k.key),
                                CASE WHEN length(k.key) <= 8 AND abs(length(n.normalized) - length(k.key)) <= 1
                                          AND levenshtein(n.normalized, k.key) <= 1
                                     THEN 0.4 ELSE 0 END)::float8 AS score
                FROM collective_names n
                WHERE ($3::uuid[] IS NULL OR n.scope_unit_id = ANY($3))
                  AND (n.normalized % k.key
                       OR (length(k.key) <= 8 AND abs(length(n.normalized) - length(k.key)) <= 1 AND levenshtein(n.normalized, k.key) <= 1))
                ORDER BY score DESC, length(n.normalized)
                LIMIT $2
            ) s
            """;
        var found = await SimilarityQueryAsync(sql,
            [new() { Value = keys }, new() { Value = perKey }, new() { Value = (object?)owners ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Uuid }],
            reader => (Key: reader.GetString(0), Id: reader.GetGuid(1), Text: reader.GetString(2), Score: reader.GetDouble(3)), ct);
        if (found.Count == 0)
            return [];
        var ids = found.Select(f => f.Id).Distinct().ToList();
        var byId = await db.Collectives.AsNoTracking().Include(c => c.Names).Include(c => c.Members).AsSplitQuery()
            .Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        return found.Select(f => new SimilarCollective(f.Key, byId[f.Id], f.Text, f.Score)).ToList();
    }

    private async Task<List<SimilarName>> SimilarNamesAsync(string[] keys, int perKey, CancellationToken ct)
    {

        // A name that contains the written text ("经发局" in "工业园区经发局") is a strong hint, so
        // containment scores at least 0.5 beside plain similarity. A short name written with one character
        // wrong, added or missing ("经法局" for "经发局") shares too few trigrams to pass the threshold, so one
        // edit away scores 0.4 (short keys only: in a long name one character is no slip worth naming).
        const string sql = """
            SELECT k.key, s.unit_id, s.text, s.score
            FROM unnest($1::text[]) AS k(key)
            CROSS JOIN LATERAL (
                SELECT n.unit_id, n.text,
                       greatest(similarity(n.normalized, k.key),
                                CASE WHEN n.normalized LIKE '%' || replace(replace(replace(k.key, '\', '\\'), '%', '\%'), '_', '\_') || '%'
                                     THEN 0.5 ELSE 0 END,
                                CASE WHEN length(k.key) <= 8 AND abs(length(n.normalized) - length(k.key)) <= 1
                                          AND levenshtein(n.normalized, k.key) <= 1
                                     THEN 0.4 ELSE 0 END)::float8 AS score
                FROM unit_names n
                JOIN units u ON u.id = n.unit_id AND u.status = 1
                WHERE n.kind <> 4
                  AND (n.normalized % k.key
                       OR n.normalized LIKE '%' || replace(replace(replace(k.key, '\', '\\'), '%', '\%'), '_', '\_') || '%'
                       OR (length(k.key) <= 8 AND abs(length(n.normalized) - length(k.key)) <= 1 AND levenshtein(n.normalized, k.key) <= 1))
                ORDER BY score DESC, length(n.normalized)
                LIMIT $2
            ) s
            """;
        return await SimilarityQueryAsync(sql, [new() { Value = keys }, new() { Value = perKey }],
            reader => new SimilarName(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetDouble(3)), ct);
    }

    /// <summary>Runs a similarity query with the trigram threshold set for its transaction only.</summary>
    private async Task<List<T>> SimilarityQueryAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var threshold = new NpgsqlCommand($"SET LOCAL pg_trgm.similarity_threshold = {SimilarityThreshold:0.00}", connection, transaction))
            await threshold.ExecuteNonQueryAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        var found = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            found.Add(read(reader));
        return found;
    }
}

using System.Collections.Concurrent;
using Duban.Tasks.Domain.Deadlines;

namespace Duban.Tasks.Domain;

/// <summary>
/// Deadline wording read once per (text, context): a plan repeats the same few phrases over thousands of
/// rows, and every event snapshot of a recurring duty reads its wording again. Parsing is deterministic and
/// its results are immutable, so they are shared; the cache is simply emptied when it grows large.
/// </summary>
public static class ParsedDeadlines
{
    private const int MaxEntries = 10_000;
    private static readonly ConcurrentDictionary<(string Text, DeadlineContext Context), DeadlineParseResult> Cache = new();

    public static DeadlineParseResult Parse(string text, DeadlineContext context)
    {
        if (Cache.TryGetValue((text, context), out var known))
            return known;
        var parsed = DeadlineParser.Parse(text, context);
        if (Cache.Count >= MaxEntries)
            Cache.Clear();
        Cache[(text, context)] = parsed;
        return parsed;
    }
}

using System.Text;
using System.Text.RegularExpressions;

namespace Duban.Tasks.Domain.Import;

/// <summary>An item's text with its notes taken out, and what the notes state.</summary>
internal sealed record InlineNotes(
    string Text,
    Dictionary<ResponsibilityField, string> Stated,
    Dictionary<string, string> Attributes);

/// <summary>
/// Takes responsibility notes out of an outline item's text. A note is a parenthesised run, full-width or ASCII, that either
/// <list type="bullet">
/// <item>starts with a known key: "（牵头单位：市交通局；配合单位：市财政局、市发改委；责任人：张三；完成时限：2023年6月底前）",
///   entries separated by ；;，, or spaces, keys from values by ：: — other keys in such a note ("牵头领导：李四") become attributes; or</item>
/// <item>only names who leads and who helps: "（市交通局牵头，市财政局、市发改委配合）".</item>
/// </list>
/// Any other parenthesis ("（试行）", "（2023—2025年）") is text.
/// </summary>
internal static partial class InlineNoteReader
{
    public static InlineNotes Extract(string text, int line, ICollection<ImportProblem> problems)
    {
        var stated = new Dictionary<ResponsibilityField, string>();
        var attributes = new Dictionary<string, string>();
        var remaining = new StringBuilder();
        var copiedUpTo = 0;
        foreach (var group in BracketAwareText.OutermostGroups(text))
        {
            var entries = KeyedEntries(group.Inner) ?? LeadAndHelperEntries(group.Inner);
            if (entries is null) continue;

            remaining.Append(text, copiedUpTo, group.Start - copiedUpTo);
            copiedUpTo = group.Start + group.Length;
            foreach (var (key, value) in entries)
            {
                if (!ResponsibilityFieldNames.TryParse(key, out var field))
                {
                    attributes[key] = value;
                }
                else if (!stated.TryAdd(field, value))
                {
                    problems.Add(new ImportProblem(line, ResponsibilityFieldNames.CanonicalName(field),
                        $"{ResponsibilityFieldNames.CanonicalName(field)}写了不止一次，只读取“{stated[field]}”"));
                }
            }
        }
        remaining.Append(text, copiedUpTo, text.Length - copiedUpTo);
        return new InlineNotes(remaining.ToString().Trim(), stated, attributes);
    }

    private static List<(string Key, string Value)>? KeyedEntries(string note)
    {
        var keys = NoteKey().Matches(note);
        if (keys.Count == 0 || keys[0].Index != 0 || !keys.Any(key => ResponsibilityFieldNames.TryParse(key.Groups["key"].Value, out _)))
        {
            return null;
        }
        var entries = new List<(string, string)>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var valueStart = keys[i].Index + keys[i].Length;
            var valueEnd = i + 1 < keys.Count ? keys[i + 1].Index : note.Length;
            var value = note[valueStart..valueEnd].Trim().TrimEnd(EntrySeparators).Trim();
            if (value.Length > 0) entries.Add((keys[i].Groups["key"].Value, value));
        }
        return entries;
    }

    /// <summary>"市交通局牵头，市财政局、市发改委配合": every part must end in 牵头 or 配合, and one must lead.</summary>
    private static List<(string Key, string Value)>? LeadAndHelperEntries(string note)
    {
        var leads = new List<string>();
        var helpers = new List<string>();
        foreach (var part in BracketAwareText.SplitOutsideBrackets(note, c => c is '，' or ',' or '；' or ';'))
        {
            if (part.EndsWith("牵头", StringComparison.Ordinal) && part.Length > 2) leads.Add(part[..^2]);
            else if (part.EndsWith("配合", StringComparison.Ordinal) && part.Length > 2) helpers.Add(part[..^2]);
            else return null;
        }
        if (leads.Count == 0) return null;

        List<(string, string)> entries = [("牵头单位", string.Join('、', leads))];
        if (helpers.Count > 0) entries.Add(("配合单位", string.Join('、', helpers)));
        return entries;
    }

    private static readonly char[] EntrySeparators = ['；', ';', '，', ',', '。'];

    /// <summary>A short key followed by ：or :, at the start of the note or after an entry separator.</summary>
    [GeneratedRegex(@"(?<=^|[；;，,。\s])\s*(?<key>[^；;，,。：:\s（）()]{1,10})\s*[：:]\s*")]
    private static partial Regex NoteKey();
}

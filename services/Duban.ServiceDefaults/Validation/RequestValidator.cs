using System.Collections;
using Duban.ServiceDefaults.Errors;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Duban.ServiceDefaults.Validation;

/// <summary>
/// The checks every request passes before a handler sees it, read from the message's descriptor rather than
/// written per call: text without NUL or control characters and within a length, ids that parse, calendar
/// dates and instants that exist (and lie in the years the services reckon with), page tokens this service
/// issued, and enum numbers the contract defines. Rules of the domain stay with the handlers.
/// </summary>
public static class RequestValidator
{
    /// <summary>Documents travel whole (a 任务分解表, an outline): bounded by the request size only.</summary>
    public static readonly IReadOnlySet<string> DocumentFields = new HashSet<string>(StringComparer.Ordinal) { "table_text", "outline_text" };

    /// <summary>Free text may run over several lines: line breaks and tabs are allowed there, nowhere else.</summary>
    public static readonly IReadOnlySet<string> FreeTextFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "narrative", "evidence", "reason", "remark", "reasons", "message", "text",
    };

    public const int MaxFreeTextLength = 4000;
    public const int MaxShortTextLength = 2000;
    public const int MaxRequestIdLength = 100;

    /// <summary>Dates and instants outside these years are typing mistakes here, and break date arithmetic near the ends of the calendar.</summary>
    public const int MinYear = 1900;
    public const int MaxYear = 2999;

    private static readonly long MinSeconds = new DateTimeOffset(MinYear, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly long EndSeconds = new DateTimeOffset(MaxYear + 1, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    /// <summary>Throws <see cref="ValidationFailedException"/> naming every offending field.</summary>
    public static void ThrowIfInvalid(IMessage request)
    {
        var violations = Check(request);
        if (violations.Count > 0)
            throw new ValidationFailedException(violations);
    }

    public static IReadOnlyList<FieldViolation> Check(IMessage request)
    {
        var violations = new List<FieldViolation>();
        // A request's own `id` names the resource the call addresses: without it there is nothing to look up.
        if (request.Descriptor.FindFieldByName("id") is { FieldType: FieldType.String, IsRepeated: false } id
            && id.Accessor.GetValue(request) is "")
            violations.Add(new FieldViolation("id", "must not be empty"));
        Walk(request, "", violations);
        return violations;
    }

    private static void Walk(IMessage message, string prefix, List<FieldViolation> violations)
    {
        var descriptor = message.Descriptor;
        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            var path = prefix + field.Name;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var entryFields = field.MessageType.Fields;
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    CheckValue(entryFields.InDeclarationOrder()[0], entry.Key, path, violations);
                    CheckValue(entryFields.InDeclarationOrder()[1], entry.Value, $"{path}[{entry.Key}]", violations);
                }
            }
            else if (field.IsRepeated)
            {
                var i = 0;
                foreach (var element in (IList)value)
                    CheckValue(field, element, $"{path}[{i++}]", violations);
            }
            else if (value is not null)
                CheckValue(field, value, path, violations);
        }
    }

    private static void CheckValue(FieldDescriptor field, object? value, string path, List<FieldViolation> violations)
    {
        switch (field.FieldType)
        {
            case FieldType.String when value is string text:
                CheckString(field.Name, text, path, violations);
                break;
            case FieldType.Enum when value is not null:
                var number = Convert.ToInt32(value);
                if (field.EnumType.FindValueByNumber(number) is null)
                    violations.Add(new FieldViolation(path, $"{number} is not a value of {field.EnumType.Name}"));
                break;
            case FieldType.Message when value is Google.Type.Date date:
                CheckDate(date, path, violations);
                break;
            case FieldType.Message when value is Timestamp timestamp:
                CheckTimestamp(timestamp, path, violations);
                break;
            case FieldType.Message or FieldType.Group when value is IMessage nested:
                Walk(nested, path + ".", violations);
                break;
        }
    }

    private static void CheckString(string name, string text, string path, List<FieldViolation> violations)
    {
        if (text.Length == 0)
            return;
        var freeText = FreeTextFields.Contains(name) || DocumentFields.Contains(name);
        if (TextProblem(text, freeText) is { } problem)
        {
            violations.Add(new FieldViolation(path, problem));
            return;
        }
        var max = name == "request_id" ? MaxRequestIdLength
            : DocumentFields.Contains(name) ? int.MaxValue
            : FreeTextFields.Contains(name) ? MaxFreeTextLength
            : MaxShortTextLength;
        if (text.Length > max)
        {
            violations.Add(new FieldViolation(path, $"must be at most {max} characters"));
            return;
        }
        if (IsIdField(name) && !Guid.TryParse(text, out _))
            violations.Add(new FieldViolation(path, "is not a valid id"));
        else if (name == "page_token" && !Paging.PageToken.IsWellFormed(text))
            violations.Add(new FieldViolation(path, "is not a token this service issued"));
    }

    /// <summary>Ids are GUIDs; a request id is the client's own key and may be any short text.</summary>
    public static bool IsIdField(string name) =>
        name != "request_id" && (name is "id" or "ids" || name.EndsWith("_id", StringComparison.Ordinal) || name.EndsWith("_ids", StringComparison.Ordinal));

    /// <summary>Why the text cannot be stored or shown as it is, or null when it can.</summary>
    public static string? TextProblem(string text, bool multiLine)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
                return "must not contain NUL characters";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
                return "is not valid Unicode text (a lone surrogate)";
            if (char.IsControl(c) && !(multiLine && c is '\n' or '\r' or '\t'))
                return multiLine ? "must not contain control characters other than line breaks and tabs" : "must not contain control characters";
        }
        return null;
    }

    private static void CheckDate(Google.Type.Date date, string path, List<FieldViolation> violations)
    {
        if (date is { Year: 0, Month: 0, Day: 0 })
            return; // all zero: not given
        if (date.Year is < MinYear or > MaxYear)
            violations.Add(new FieldViolation(path, $"year {date.Year} is outside {MinYear}–{MaxYear}"));
        else if (date.Month is < 1 or > 12)
            violations.Add(new FieldViolation(path, $"month {date.Month} does not exist (give year, month and day)"));
        else if (date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
            violations.Add(new FieldViolation(path, $"{date.Year:D4}-{date.Month:D2} has no day {date.Day}"));
    }

    private static void CheckTimestamp(Timestamp timestamp, string path, List<FieldViolation> violations)
    {
        if (timestamp.Nanos is < 0 or > 999_999_999)
            violations.Add(new FieldViolation(path, "nanos must lie between 0 and 999999999"));
        else if (timestamp.Seconds < MinSeconds || timestamp.Seconds >= EndSeconds)
            violations.Add(new FieldViolation(path, $"must lie in the years {MinYear}–{MaxYear}"));
    }
}

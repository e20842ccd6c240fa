using System.Buffers.Text;
using System.Text;
using Duban.ServiceDefaults.Errors;

namespace Duban.ServiceDefaults.Paging;

/// <summary>
/// Opaque page tokens for keyset paging: the last key of a page, bound to the query it came from so a
/// token cannot be replayed against different filters.
/// </summary>
public static class PageToken
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    public static int Size(int requested, string field = "page_size")
    {
        if (requested < 0)
            throw new ValidationFailedException(field, "must not be negative");
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    public static string Encode(string queryFingerprint, string lastKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(queryFingerprint + "\n" + lastKey));

    /// <summary>The last key, or null for the first page.</summary>
    public static string? Decode(string? token, string queryFingerprint, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
            return null;
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new ValidationFailedException(field, "is not a token this service issued");
        }
        var newline = text.IndexOf('\n');
        if (newline < 0 || text[..newline] != queryFingerprint)
            throw new ValidationFailedException(field, "does not belong to this query; start again without it");
        return text[(newline + 1)..];
    }
}

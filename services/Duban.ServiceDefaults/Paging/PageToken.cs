using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Duban.ServiceDefaults.Errors;

namespace Duban.ServiceDefaults.Paging;

/// <summary>
/// Opaque page tokens for keyset paging: the last key of a page, bound to the query it came from so a
/// token cannot be replayed against different filters, and sealed with a check sum so that a hand-made or
/// damaged token is refused here instead of reaching a query as a malformed key.
/// </summary>
public static class PageToken
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public static int Size(int requested, string field = "page_size")
    {
        if (requested < 0)
            throw new ValidationFailedException(field, "must not be negative");
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    public static string Encode(string queryFingerprint, string lastKey)
    {
        var body = queryFingerprint + "\n" + lastKey;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(body + "\n" + Seal(body)));
    }

    /// <summary>Whether the token is one this service issued (for any query).</summary>
    public static bool IsWellFormed(string token) => Open(token) is not null;

    /// <summary>The last key, or null for the first page.</summary>
    public static string? Decode(string? token, string queryFingerprint, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
            return null;
        var body = Open(token) ?? throw new ValidationFailedException(field, "is not a token this service issued");
        var newline = body.IndexOf('\n');
        if (newline < 0 || body[..newline] != queryFingerprint)
            throw new ValidationFailedException(field, "does not belong to this query; start again without it");
        return body[(newline + 1)..];
    }

    /// <summary>
    /// The last key read by <paramref name="parse"/>. The seal finds damage, not forgery: a token made by hand with a
    /// right seal but a malformed key is refused here too.
    /// </summary>
    public static T Key<T>(string lastKey, Func<string, T> parse, string field = "page_token")
    {
        try
        {
            return parse(lastKey);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new ValidationFailedException(field, "is not a token this service issued");
        }
    }

    /// <summary>The fingerprint and key of an intact token, or null.</summary>
    private static string? Open(string token)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
        var seal = text.LastIndexOf('\n');
        if (seal < 0)
            return null;
        var body = text[..seal];
        return body.Contains('\n') && text[(seal + 1)..] == Seal(body) ? body : null;
    }

    private static string Seal(string body) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)), 0, 8);
}

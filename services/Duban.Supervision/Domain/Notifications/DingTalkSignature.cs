using System.Security.Cryptography;
using System.Text;

namespace Duban.Supervision.Domain.Notifications;

/// <summary>
/// 钉钉 custom robot 加签: HMAC-SHA256 over "timestamp\nsecret" keyed with the secret, Base64, then URL-encoded; the
/// timestamp (milliseconds since the epoch) and the sign go on the webhook URL as query parameters. The robot refuses
/// a timestamp more than an hour from its clock.
/// </summary>
public static class DingTalkSignature
{
    public static string Sign(long timestampMilliseconds, string secret)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes($"{timestampMilliseconds}\n{secret}");
        return Uri.EscapeDataString(Convert.ToBase64String(HMACSHA256.HashData(key, data)));
    }

    /// <summary>The webhook URL (with its access_token) plus timestamp and sign.</summary>
    public static string SignedUrl(string webhookUrl, string secret, long timestampMilliseconds) =>
        $"{webhookUrl}{(webhookUrl.Contains('?') ? '&' : '?')}timestamp={timestampMilliseconds}&sign={Sign(timestampMilliseconds, secret)}";
}

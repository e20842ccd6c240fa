using Duban.ServiceDefaults.Errors;

namespace Duban.Units.Domain;

/// <summary>A way notices reach people.</summary>
public enum NotificationChannel
{
    Email = 1,
    Sms = 2,
    /// <summary>钉钉: the unit's custom group robot, mentioning the person by mobile.</summary>
    DingTalk = 3,
    /// <summary>企业微信: the unit's group robot.</summary>
    WeCom = 4,
}

/// <summary>The rules for robot addresses and opt-outs, over plain values.</summary>
public static class NotificationRules
{
    public const int MaxUrlLength = 1000;
    public const int MaxSecretLength = 200;

    /// <summary>
    /// A robot's webhook: an absolute https URL (http only where the installation allows it, for local receivers)
    /// without user info or fragment, whose credential is in the query (access_token= for 钉钉, key= for 企业微信).
    /// </summary>
    public static void CheckWebhookUrl(string url, string credentialParameter, bool allowHttp, string field, Violations violations)
    {
        if (url.Length > MaxUrlLength)
        {
            violations.Add(field, $"must be at most {MaxUrlLength} characters");
            return;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            violations.Add(field, "must be an absolute https:// URL");
            return;
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
            violations.Add(field, "must use https:// (http is allowed only with Robots:AllowHttp, for local receivers)");
        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            violations.Add(field, "must not carry user info or a fragment");
        if (!QueryHas(uri, credentialParameter))
            violations.Add(field, $"must carry the robot's {credentialParameter}= in its query, as the group's robot settings show it");
    }

    /// <summary>What reads show of a robot URL: scheme, host, port and path; the query (the token) left out.</summary>
    public static string Address(string url) =>
        url.Length == 0 ? "" : Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Path) : "";

    /// <summary>Opt-outs as a set: unknown values refused, repeats dropped, in channel order.</summary>
    public static List<NotificationChannel> CleanOptOuts(IReadOnlyList<NotificationChannel?> channels, string field, Violations violations)
    {
        for (var i = 0; i < channels.Count; i++)
            if (channels[i] is null)
                violations.Add($"{field}[{i}]", "must name a channel (email, sms, dingtalk or wecom)");
        return channels.OfType<NotificationChannel>().Distinct().Order().ToList();
    }

    private static bool QueryHas(Uri uri, string parameter) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Any(pair => pair.StartsWith(parameter + "=", StringComparison.Ordinal) && pair.Length > parameter.Length + 1);
}

using System.Globalization;
using Duban.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Duban.ServiceDefaults.Tokens;

/// <summary>
/// The <c>token</c> command of a service binary: prints a bearer token signed with the local key the service
/// validates with (Auth:SigningKey or Auth:SigningKeyFile), for setups without an identity provider such as
/// docker compose. With Auth:Authority set it refuses: production tokens come from the identity provider.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";

    public const string Usage = """
        usage: dotnet Duban.<Service>.dll token --person ID [--unit ID] [--roles office,lead] [--name NAME] [--hours 12]
          prints a token signed with the local key of this service's configuration (Auth:SigningKeyFile or Auth:SigningKey);
          roles are office, lead, staff, scheduler, service (default staff)
        """;

    /// <summary>Handles <c>token …</c> before the service is built (it needs no database); sets the process's exit code.</summary>
    public static bool RunTokenCommand(this WebApplicationBuilder builder, string[] args)
    {
        if (args.FirstOrDefault() != Name)
            return false;
        Environment.ExitCode = Run(args[1..], builder.Configuration, Console.Out, Console.Error);
        return true;
    }

    /// <summary>Mints the token the arguments describe; 0 and the token on <paramref name="output"/>, or 1 and why on <paramref name="error"/>.</summary>
    public static int Run(IReadOnlyList<string> args, IConfiguration configuration, TextWriter output, TextWriter error,
        TimeProvider? time = null)
    {
        try
        {
            var options = Parse(args);
            if (options.ContainsKey("help"))
            {
                output.WriteLine(Usage);
                return 0;
            }
            var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
            if (!string.IsNullOrWhiteSpace(auth.Authority))
                throw new TokenCommandException(
                    $"this service accepts tokens of the identity provider {auth.Authority} (Auth:Authority), not local ones: " +
                    "get a token from that provider (README, \"Production sign-in (OIDC)\").");

            var person = options.GetValueOrDefault("person", "");
            if (person.Length == 0)
                throw new TokenCommandException("say who the token is for: --person ID");
            var roles = options.GetValueOrDefault("roles", DubanRoles.Staff)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (roles.Length == 0)
                throw new TokenCommandException($"--roles needs at least one of {string.Join(", ", DubanRoles.All)}");
            if (roles.FirstOrDefault(r => !DubanRoles.All.Contains(r)) is { } unknown)
                throw new TokenCommandException($"unknown role '{unknown}'; roles are {string.Join(", ", DubanRoles.All)}");
            if (!double.TryParse(options.GetValueOrDefault("hours", "12"), NumberStyles.Float, CultureInfo.InvariantCulture, out var hours)
                || hours <= 0 || hours > 24 * 30)
                throw new TokenCommandException("--hours must be a number of hours above 0 and at most 720");

            var token = LocalTokens.Mint(LocalKey(auth), person, options.GetValueOrDefault("unit", ""), roles, TimeSpan.FromHours(hours),
                options.GetValueOrDefault("name"), auth.Issuer, auth.Audience, time);
            output.WriteLine(token);
            return 0;
        }
        catch (TokenCommandException ex)
        {
            error.WriteLine($"token: {ex.Message}");
            return 1;
        }
    }

    // The key must already exist: a key made here, at a mistyped path, would sign tokens no service accepts.
    private static byte[] LocalKey(AuthOptions auth)
    {
        if (!string.IsNullOrWhiteSpace(auth.SigningKey))
            return Convert.FromBase64String(auth.SigningKey);
        if (string.IsNullOrWhiteSpace(auth.SigningKeyFile))
            throw new TokenCommandException("no local signing key configured: set Auth:SigningKeyFile or Auth:SigningKey");
        if (!File.Exists(auth.SigningKeyFile))
            throw new TokenCommandException(
                $"no signing key at {auth.SigningKeyFile} yet: the service creates it when it first starts; start it, then ask again");
        return LocalTokens.LoadOrCreateKey(auth.SigningKeyFile);
    }

    private static Dictionary<string, string> Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                options["help"] = "";
                continue;
            }
            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
                throw new TokenCommandException($"unexpected argument '{arg}'\n{Usage}");
            options[arg[2..]] = args[++i];
        }
        return options;
    }

    private sealed class TokenCommandException(string message) : Exception(message);
}

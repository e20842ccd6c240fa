using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Duban.ServiceDefaults.Auth;

/// <summary>
/// The local signing key and the tokens minted with it, for runs on one machine and for tests.
/// Production tokens come from the OIDC provider instead.
/// </summary>
public static class LocalTokens
{
    public const string DefaultIssuer = "duban-local";
    public const string DefaultAudience = "duban";

    /// <summary>
    /// Reads the key file, creating it (32 random bytes, owner-only) the first time. Services starting together on one
    /// shared volume agree on one key: the file is written aside and linked into place, which only one of them wins.
    /// </summary>
    public static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
            return ReadKey(path);

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var aside = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(aside, System.Text.Encoding.ASCII, options))
            writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        try
        {
            File.Move(aside, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process put its key in place first: use that one.
        }
        finally
        {
            File.Delete(aside);
        }
        return ReadKey(path);
    }

    private static byte[] ReadKey(string path)
    {
        var text = File.ReadAllText(path).Trim();
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length >= 32 ? key : throw new InvalidOperationException($"the signing key in {path} is shorter than 32 bytes");
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"the signing key file {path} does not hold base64");
        }
    }

    public static SymmetricSecurityKey SecurityKey(byte[] key) => new(key) { KeyId = "duban-local" };

    /// <summary>Mints a token for a person acting for a unit with the given roles.</summary>
    public static string Mint(byte[] key, string personId, string unitId, IEnumerable<string> roles,
        TimeSpan lifetime, string? name = null, string issuer = DefaultIssuer, string audience = DefaultAudience,
        TimeProvider? time = null)
    {
        var claims = new List<Claim> { new(DubanClaims.PersonId, personId) };
        if (!string.IsNullOrEmpty(unitId))
            claims.Add(new Claim(DubanClaims.UnitId, unitId));
        if (!string.IsNullOrEmpty(name))
            claims.Add(new Claim(DubanClaims.Name, name));
        claims.AddRange(roles.Select(r => new Claim(DubanClaims.Roles, r)));

        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddMinutes(-1),
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(SecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}

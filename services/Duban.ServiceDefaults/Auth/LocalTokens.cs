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

    /// <summary>Reads the key file, creating it (32 random bytes, owner-only) the first time.</summary>
    public static byte[] LoadOrCreateKey(string path)
    {
        if (File.Exists(path))
            return Convert.FromBase64String(File.ReadAllText(path).Trim());

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
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

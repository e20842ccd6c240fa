using System.Security.Cryptography;
using Duban.ServiceDefaults.Auth;

namespace Duban.Testing;

/// <summary>A signing key for the test run and tokens minted with it.</summary>
public static class TestTokens
{
    public static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    public static string KeyBase64 => Convert.ToBase64String(Key);

    public static string For(string personId, string unitId, params string[] roles) =>
        LocalTokens.Mint(Key, personId, unitId, roles, TimeSpan.FromHours(1));

    public static string Office(string unitId = "") => For(Guid.NewGuid().ToString(), unitId, DubanRoles.Office);
}

using System.CommandLine;
using Duban.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Units = Duban.Contracts.Units.V1;

namespace Duban.Cli.Commands;

/// <summary>`duban login`: save a token (from the organisation's sign-in, or minted with the local run's key) and the endpoints.</summary>
public static class LoginCommands
{
    public static IEnumerable<Command> Build()
    {
        var name = new Option<string?>("--as") { Description = "人员姓名（本地运行：用本地密钥签发令牌）" };
        var roles = new Option<string?>("--roles") { Description = "角色，逗号分隔：office, lead, staff, scheduler（默认依职务）" };
        var token = new Option<string?>("--with-token") { Description = "改为保存给定的令牌（来自统一身份认证）" };
        var key = new Option<string?>("--key") { Description = "本地签名密钥（默认：向上逐级查找 .data/auth/signing-key）" };
        var hours = new Option<double>("--hours") { Description = "签发令牌的有效时长（小时）", DefaultValueFactory = _ => 12 };
        var login = new Command("login", "登录：保存令牌和服务地址，供后续命令使用") { name, roles, token, key, hours };
        login.With(async (context, parse, ct) =>
        {
            var saved = parse.GetValue(token);
            if (string.IsNullOrWhiteSpace(saved))
                saved = await MintAsync(context, parse.GetValue(name), parse.GetValue(roles), parse.GetValue(key), parse.GetValue(hours), ct);
            (context.Settings with { Token = saved }).Save();
            var jwt = new JsonWebToken(saved);
            context.Output.WriteLine($"已登录：{Claim(jwt, "name", "sub")}（{string.Join(",", jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value))}）；已保存到 {Settings.ConfigPath}");
            return 0;
        });

        // Prints a token instead of saving it, for scripts and curl: `export TOKEN=$(duban token --as 周敏 --roles office)`.
        var personId = new Option<string?>("--person") { Description = "人员 ID，代替姓名（如 --person scheduler --roles scheduler）" };
        var unitId = new Option<string?>("--unit") { Description = "与 --person 同用：令牌所属单位的 ID" };
        var tokenCommand = new Command("token", "输出本地密钥签发的访问令牌（仅限本地运行）") { name, personId, unitId, roles, key, hours };
        tokenCommand.With(async (context, parse, ct) =>
        {
            if (parse.GetValue(personId) is { Length: > 0 } subject)
            {
                var roleList = Roles(parse.GetValue(roles)) ?? throw new CliException("使用 --person 时须给出角色，如 --roles scheduler");
                context.Output.WriteLine(LocalTokens.Mint(SigningKey(parse.GetValue(key)), subject, parse.GetValue(unitId) ?? "", roleList, TimeSpan.FromHours(parse.GetValue(hours))));
                return 0;
            }
            context.Output.WriteLine(await MintAsync(context, parse.GetValue(name), parse.GetValue(roles), parse.GetValue(key), parse.GetValue(hours), ct));
            return 0;
        });

        var whoami = new Command("whoami", "显示已保存令牌的持有人").With(async (context, _, ct) =>
        {
            if (string.IsNullOrEmpty(context.Settings.Token))
                throw new CliException("没有令牌：请运行 `duban login`");
            var jwt = new JsonWebToken(context.Settings.Token);
            var unit = Claim(jwt, "unit");
            if (unit.Length > 0)
            {
                // The unit's name when the units service answers; its id otherwise, so whoami works offline too.
                try
                {
                    var found = await context.Units.GetUnitAsync(new Units.GetUnitRequest { Id = unit }, context.Call(ct, seconds: 5));
                    unit = $"{found.Name}（{found.ShortName}）";
                }
                catch (Grpc.Core.RpcException)
                {
                }
            }
            context.Output.WriteLine($"{Claim(jwt, "name", "sub")}  单位 {(unit.Length > 0 ? unit : "—")}  角色 {string.Join(",", jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value))}  有效至 {jwt.ValidTo:yyyy-MM-dd HH:mm}Z");
            return 0;
        });
        return [login, tokenCommand, whoami];
    }

    /// <summary>A token for a person of the local run, found by name with a short service token, signed with the local key.</summary>
    private static async Task<string> MintAsync(CliContext context, string? person, string? roles, string? key, double hours, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(person))
            throw new CliException("请说明身份：--as 姓名，或 --with-token 令牌");
        var signingKey = SigningKey(key);
        var probe = new CliContext(context.Settings with { Token = LocalTokens.Mint(signingKey, "service:cli", "", [DubanRoles.Service], TimeSpan.FromMinutes(5)) }, false, context.Output);
        var people = await probe.Units.ListPeopleAsync(new Units.ListPeopleRequest { NameContains = person, PageSize = 50 }, probe.Call(ct));
        var match = people.People.FirstOrDefault(p => p.Name == person) ?? throw new CliException($"没有名为“{person}”的人员");
        var mainRole = match.Roles.OrderBy(r => r.Role).FirstOrDefault();
        var roleList = Roles(roles) ?? [mainRole?.Role is Units.UnitRole.Lead or Units.UnitRole.Deputy ? DubanRoles.Lead : DubanRoles.Staff];
        return LocalTokens.Mint(signingKey, match.Id, mainRole?.UnitId ?? "", roleList, TimeSpan.FromHours(hours), match.Name);
    }

    private static byte[] SigningKey(string? given) => Convert.FromBase64String(File.ReadAllText(KeyFile(given)).Trim());

    private static string[]? Roles(string? given)
    {
        if (given?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is not { Length: > 0 } roles)
            return null;
        if (roles.FirstOrDefault(r => !DubanRoles.All.Contains(r)) is { } unknown)
            throw new CliException($"未知角色“{unknown}”；可用角色：{string.Join(", ", DubanRoles.All)}");
        return roles;
    }

    private static string Claim(JsonWebToken jwt, params string[] types) =>
        types.Select(t => jwt.TryGetClaim(t, out var c) ? c.Value : null).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "";

    private static string KeyFile(string? given)
    {
        if (!string.IsNullOrWhiteSpace(given))
            return given;
        // The local run's data folder, when it was put elsewhere (deploy/local honours the same variable).
        if (Environment.GetEnvironmentVariable("DUBAN_DATA_DIR") is { Length: > 0 } data)
            return Path.Combine(data, "auth", "signing-key");
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".data", "auth", "signing-key");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new CliException("未找到本地签名密钥（.data/auth/signing-key 或 $DUBAN_DATA_DIR/auth/signing-key）：请先启动本地运行，或用 --key 指定");
    }
}

using Duban.Harness.Postgres;
using Duban.ServiceDefaults.Auth;

namespace Duban.Local;

/// <summary>What a newcomer sees once everything is up: where things are and calls to copy.</summary>
public static class Banner
{
    public static async Task PrintAsync(PostgresCluster cluster, byte[] key, bool mail, LocalRobots robots)
    {
        var office = await SamplePeople.FindAsync(cluster.ConnectionString("duban_units"), "周敏");
        var token = LocalTokens.Mint(key, office?.PersonId ?? "office", office?.UnitId ?? "", [DubanRoles.Office], TimeSpan.FromHours(12), "周敏");
        Console.WriteLine($$"""

            ─────────────────────────────────────────────────────────────────────────────
             Duban is running (Ctrl+C stops everything; data stays in .data/).
               units   gRPC (h2c) 127.0.0.1:5101   HTTP/JSON 127.0.0.1:5100
               tasks   gRPC (h2c) 127.0.0.1:5201   HTTP/JSON 127.0.0.1:5200
               supervision gRPC 127.0.0.1:5301   HTTP/JSON 127.0.0.1:5300
               postgres 127.0.0.1:{{cluster.Port}} (user postgres, trust on loopback)
               {{(mail ? $"mail (smtp4dev) http://127.0.0.1:{LocalRun.MailWebPort}/  (the notices' e-mails; SMTP 127.0.0.1:{LocalRun.MailSmtpPort})" : "mail: smtp4dev not running (dotnet tool restore), no e-mail")}}
               robots  {{robots.MessagesUrl}}  (经发局's 钉钉 and 企业微信 group messages, also in this log)

             The workbench (督查督办工作台): http://127.0.0.1:{{LocalRun.WebPort}}/
               sign in as 周敏 (督查室) for the office, or as 陈志刚 (经发局) for a unit's lead.

             A token for 周敏 of 督查室 (the supervision office), valid 12 hours:
               export TOKEN={{token}}
             Others: dotnet run --project deploy/local -- token --as 陈志刚     (lead of 经发局)

             curl:
               curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5100/v1/units?pageSize=5
               curl -s -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -X POST http://127.0.0.1:5100/v1/units:resolve -d '{"names":["经发局","财政局","市财政局"]}'
             Import the "Implementation Plan": README, "Importing a plan".
             grpcurl (reflection is on):
               grpcurl -plaintext -H "authorization: Bearer $TOKEN" 127.0.0.1:5101 duban.units.v1.UnitsService/ListLevels
            ─────────────────────────────────────────────────────────────────────────────

            """);
    }
}

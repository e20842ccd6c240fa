using System.Net;
using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Tasks.V1;
using Duban.Contracts.Units.V1;
using Duban.ServiceDefaults.Auth;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace Duban.Production.Tests;

/// <summary>
/// The whole supervision loop with no signing key anywhere: people's tokens and the services' own come from the
/// OpenID Connect provider. Import → feed → projection → scan → recipients → review → bulletin.
/// </summary>
public class ProductionLoopTests(OidcServicesFixture services) : IClassFixture<OidcServicesFixture>
{
    [Fact]
    public async Task The_supervision_loop_runs_on_tokens_from_the_identity_provider_alone()
    {
        var office = await services.PersonAsync(DubanRoles.Office);
        var units = new UnitsService.UnitsServiceClient(services.Units.Channel(office));
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var park = await units.CreateUnitAsync(new CreateUnitRequest { Code = "park-" + suffix, Name = "生产园区管委会" + suffix, ShortName = "园区" + suffix, LevelCode = "district" });
        var economy = await units.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "eco-" + suffix, Name = "生产经济发展局" + suffix, ShortName = "经发" + suffix, LevelCode = "department", ParentId = park.Id,
        });
        var lead = await units.CreatePersonAsync(new CreatePersonRequest { Name = "周明", Roles = { new RoleInUnit { UnitId = economy.Id, Role = UnitRole.Lead } } });

        // Tasks asks the units service for the names on the office's behalf: the office's own token is forwarded.
        var tasks = new TasksService.TasksServiceClient(services.Tasks.Channel(office));
        var imported = await tasks.ImportPlanAsync(new ImportPlanRequest
        {
            Title = "生产模式计划" + suffix, IssuingUnitId = park.Id, IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
            TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,招商引资,对接重点企业,经发{suffix},,周明,2026年5月20日前",
            RequestId = Guid.NewGuid().ToString(),
        });
        var assignment = (await tasks.ListAssignmentsAsync(new ListAssignmentsRequest { PlanId = imported.Plan.Id, PageSize = 10 })).Assignments.Single();
        Assert.Equal(lead.Id, assignment.OwnerPersonId);

        // Supervision follows the feed with its own client-credentials token.
        await WaitUntilAsync(async () => await CountAsync(services.Supervision.ConnectionString,
            $"SELECT count(*) FROM assignments WHERE id = '{assignment.Id}'") == 1, "the assignment to reach supervision's projection");

        var supervision = new SupervisionService.SupervisionServiceClient(services.Supervision.Channel(office));
        var scan = await supervision.ScanNowAsync(new ScanNowRequest
        {
            AsOf = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 5, 21, 12, 0, 0, TimeSpan.FromHours(8))),
        });
        Assert.True(scan.Overdue >= 1);

        // The recipients are named in the background, again with supervision's own token towards the units service.
        Notice notice = null!;
        await WaitUntilAsync(async () =>
        {
            notice = (await supervision.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, PageSize = 10 })).Notices.Single();
            return notice.RecipientPersonIds.Count > 0;
        }, "the notice's recipients to be named");
        Assert.Equal(NoticeKind.Overdue, notice.Kind);
        Assert.Equal([lead.Id], notice.RecipientPersonIds);

        // The scheduler is a client of its own (client credentials, role scheduler): it runs the review and nothing else.
        var schedulerToken = await services.Identity.ClientTokenAsync(OidcClients.Scheduler.Id, OidcClients.Scheduler.Secret);
        var scheduler = new SupervisionService.SupervisionServiceClient(services.Supervision.Channel(schedulerToken));
        var review = await scheduler.RunWeeklyReviewAsync(new RunWeeklyReviewRequest { ScopeUnitId = park.Id, Week = "current" });
        Assert.Equal((1, 1), (review.Assigned, review.Overdue));
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, async () =>
            await new TasksService.TasksServiceClient(services.Tasks.Channel(schedulerToken)).ImportPlanAsync(new ImportPlanRequest { Title = "x" }));
        var bulletin = await supervision.ExportBulletinAsync(new ExportBulletinRequest { ReviewId = review.Id, Format = BulletinFormat.Markdown });
        Assert.Contains("对接重点企业", bulletin.Content);

        // Supervision asked the provider once for its token and kept it for every call since.
        Assert.Equal(1, services.Identity.Issued(OidcClients.Supervision.Id));
        foreach (var http in new[] { services.Units.Http(null), services.Tasks.Http(null), services.Supervision.Http(null) })
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        var readiness = await services.Supervision.Http(null).GetStringAsync("/readyz");
        Assert.Contains("client credentials of \\u0022duban-supervision\\u0022", readiness);
    }

    [Fact]
    public async Task A_token_minted_with_a_local_key_is_refused_where_the_provider_is_the_authority()
    {
        var units = new UnitsService.UnitsServiceClient(services.Units.Channel(TestTokens.Office()));
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await units.ListLevelsAsync(new ListLevelsRequest()));
    }

    [Fact]
    public async Task An_expired_token_and_a_token_for_another_audience_are_refused()
    {
        var units = (string token) => new UnitsService.UnitsServiceClient(services.Units.Channel(token));
        var good = await services.PersonAsync(DubanRoles.Office);
        await units(good).ListLevelsAsync(new ListLevelsRequest());

        var otherAudience = await services.Identity.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office], audience: "another-system");
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await units(otherAudience).ListLevelsAsync(new ListLevelsRequest()));

        // Expired two minutes ago: past the minute of clock skew the services allow.
        var expired = await services.Identity.PersonTokenAsync(Guid.NewGuid().ToString(), "", [DubanRoles.Office], lifetime: TimeSpan.FromSeconds(-120));
        Assert.True(new JsonWebToken(expired).ValidTo < DateTime.UtcNow.AddSeconds(-100));
        Assert.Equal(["another-system"], new JsonWebToken(otherAudience).Audiences);
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, async () => await units(expired).ListLevelsAsync(new ListLevelsRequest()));
    }

    [Fact]
    public async Task Supervision_with_a_mounted_token_file_follows_the_feed_once_the_file_holds_a_service_token()
    {
        var path = Path.Combine(Path.GetTempPath(), "duban-service-token-" + Guid.NewGuid().ToString("N"));
        // First the scheduler's token: a real token, but the tasks feed is not the scheduler's to read.
        await File.WriteAllTextAsync(path, await services.Identity.ClientTokenAsync(OidcClients.Scheduler.Id, OidcClients.Scheduler.Secret));
        try
        {
            await using var supervision = services.NewSupervision(client: null).With("Auth:ServiceTokenFile", path);
            await supervision.StartAsync();
            var office = await services.PersonAsync(DubanRoles.Office);
            var tasks = new TasksService.TasksServiceClient(services.Tasks.Channel(office));
            var park = await new UnitsService.UnitsServiceClient(services.Units.Channel(office)).CreateUnitAsync(new CreateUnitRequest
            {
                Code = "file-" + Guid.NewGuid().ToString("N")[..8], Name = "令牌文件园区" + Guid.NewGuid().ToString("N")[..4], ShortName = "文件" + Guid.NewGuid().ToString("N")[..4], LevelCode = "district",
            });
            await tasks.ImportPlanAsync(new ImportPlanRequest
            {
                Title = "令牌文件计划", IssuingUnitId = park.Id, IssueDate = new Google.Type.Date { Year = 2026, Month = 3, Day = 1 },
                TableText = $"序号,重点任务,具体措施,牵头单位,配合单位,责任人,完成时限\n1,任务,措施,{park.ShortName},,,2026年12月31日前",
                RequestId = Guid.NewGuid().ToString(),
            });
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal(0, await CountAsync(supervision.ConnectionString, "SELECT count(*) FROM assignments"));

            // The Secret is updated in place: the next attempt reads the new token.
            await File.WriteAllTextAsync(path, await services.Identity.ClientTokenAsync(OidcClients.SupervisionByFile.Id, OidcClients.SupervisionByFile.Secret));
            await WaitUntilAsync(async () => await CountAsync(supervision.ConnectionString, "SELECT count(*) FROM assignments") > 0,
                "the projection to follow the feed with the new token", seconds: 30);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {seconds} s for {what}");
            await Task.Delay(100);
        }
    }
}

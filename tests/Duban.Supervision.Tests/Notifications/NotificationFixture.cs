using Duban.Contracts.Supervision.V1;
using Duban.Contracts.Units.V1;
using Duban.Harness;
using Duban.Harness.Mail;
using Duban.Harness.Robots;
using Duban.Supervision.Data;
using Duban.Supervision.Notifications;
using Duban.Testing;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using NoticeKind = Duban.Contracts.Supervision.V1.NoticeKind;
using Notice = Duban.Contracts.Supervision.V1.Notice;

namespace Duban.Supervision.Tests.Notifications;

/// <summary>
/// The three services with a real SMTP server (smtp4dev) and local robot and SMS receivers. The dispatcher's timer is
/// off (Notifications:Enabled false): tests run its rounds themselves, on one instance or on two at once.
/// </summary>
public sealed class NotificationFixture : SupervisionFixture
{
    public Smtp4devServer Mail { get; private set; } = null!;
    public RobotReceiver Robots { get; private set; } = null!;
    public const string SmsAuthorization = "Bearer sms-gateway-key";

    protected override IReadOnlyDictionary<string, string> SupervisionSettings => new Dictionary<string, string>
    {
        ["Notifications:Enabled"] = "false",
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = Mail.SmtpPort.ToString(),
        ["Notifications:Smtp:Security"] = "None",
        ["Notifications:Smtp:FromAddress"] = "duban@park.example.cn",
        ["Notifications:Sms:Url"] = Robots.SmsUrl,
        ["Notifications:Sms:AuthHeaderValue"] = SmsAuthorization,
        ["Notifications:WorkbenchUrl"] = "https://duban.park.example.cn/",
        // No quiet hours, so escalations go at once whenever the tests run; quiet hours are NotificationClockTests' part.
        ["Notifications:QuietHoursStart"] = "00:00",
        ["Notifications:QuietHoursEnd"] = "00:00",
        ["Notifications:RetryBaseSeconds"] = "0.2",
        ["Notifications:RetryMaxSeconds"] = "0.5",
        ["Notifications:TimeoutSeconds"] = "10",
        ["Notifications:LeaseSeconds"] = "15",
        ["Notifications:RobotIntervalSeconds"] = "3",
        ["Scan:RecipientPollMilliseconds"] = "50",
    };

    public override async Task InitializeAsync()
    {
        Mail = await Smtp4devServer.StartAsync(RepoPaths.Find());
        Robots = await RobotReceiver.StartAsync();
        Units.With("Robots:AllowHttp", "true");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Robots.DisposeAsync();
        await Mail.DisposeAsync();
    }

    public UnitsService.UnitsServiceClient UnitsOffice => new(Units.Channel(TestTokens.Office()));

    /// <summary>A department of its own under the park, so each test sees only its own notices.</summary>
    public async Task<Unit> NewUnitAsync(string name)
    {
        var code = Guid.NewGuid().ToString("N")[..8];
        return await UnitsOffice.CreateUnitAsync(new CreateUnitRequest
        {
            Code = "n-" + code, Name = name + code, ShortName = name + code, LevelCode = "department", ParentId = Park.Id,
        });
    }

    public async Task<Person> NewPersonAsync(string name, Unit unit, UnitRole role, string email, string phone = "",
        params NotificationChannel[] optedOut) =>
        await UnitsOffice.CreatePersonAsync(new CreatePersonRequest
        {
            Name = name, Email = email, Phone = phone, OptedOutChannels = { optedOut }, Roles = { new RoleInUnit { UnitId = unit.Id, Role = role } },
        });

    public static Timestamp At(int year, int month, int day) =>
        Timestamp.FromDateTimeOffset(new DateTimeOffset(year, month, day, 12, 0, 0, TimeSpan.FromHours(8)));

    /// <summary>Imports one assignment of <paramref name="unit"/> due 2026-04-30 and scans as of 2026-05-02; returns its OVERDUE notice once named.</summary>
    public async Task<(Duban.Contracts.Tasks.V1.Assignment Assignment, Notice Notice)> RaiseOverdueAsync(Unit unit, string title)
    {
        var assignment = (await ImportAsync($"1,{title},{title},{unit.ShortName},,,2026年4月30日前")).Single();
        await Office.ScanNowAsync(new ScanNowRequest { AsOf = At(2026, 5, 2) });
        var notice = (await Office.ListNoticesAsync(new ListNoticesRequest { AssignmentId = assignment.Id, Kinds = { NoticeKind.Overdue } })).Notices.Single();
        await NamedAsync(notice.Id);
        return (assignment, notice);
    }

    /// <summary>Waits until the notice's recipients are named (the background namer, every 50 ms here).</summary>
    public async Task NamedAsync(string noticeId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await CountAsync($"SELECT count(*) FROM notices WHERE id = '{noticeId}' AND recipient_person_ids IS NOT NULL") == 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"notice {noticeId} got no recipients in 20 s");
            await Task.Delay(25);
        }
    }

    /// <summary>
    /// The digest's time comes: every pending row of these notices is made due now. (The digest time itself, 08:30 on the
    /// next working day, is checked where it is computed, and in the tests before this is called.)
    /// </summary>
    public Task<long> DigestTimeComesAsync(params string[] noticeIds) =>
        CountAsync($"WITH d AS (UPDATE notification_deliveries SET next_attempt_at = now() WHERE status = 1 AND notice_id IN ({string.Join(',', noticeIds.Select(id => $"'{id}'"))}) RETURNING 1) SELECT count(*) FROM d");

    public static Task<bool> RoundAsync(GrpcServiceFactory<SupervisionDb> instance) =>
        instance.Services.GetRequiredService<NotificationDispatcher>().RoundAsync(CancellationToken.None);

    /// <summary>Rounds until nothing due is left (or <paramref name="seconds"/> pass), then until smtp4dev lists every e-mail sent.</summary>
    public async Task SendAllAsync(GrpcServiceFactory<SupervisionDb>? instance = null, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        do
        {
            await RoundAsync(instance ?? Supervision);
            if (await CountAsync("SELECT count(*) FROM notification_deliveries WHERE status = 1 AND next_attempt_at <= now()") == 0)
                break;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        await MailListedAsync();
    }

    /// <summary>
    /// smtp4dev accepts a message before its API lists it (a moment later, over a second for its first), and the sessions
    /// stay open between messages: wait until it lists as many e-mails (channel 1) as were sent, so a test reads what arrived.
    /// </summary>
    public async Task MailListedAsync()
    {
        var sent = await CountAsync($"SELECT count(DISTINCT message_id) FROM notification_deliveries WHERE channel = 1 AND status = 2");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Mail.MessagesAsync()).Count < sent && DateTime.UtcNow < deadline)
            await Task.Delay(50);
    }

    public async Task<List<Delivery>> DeliveriesAsync(string noticeId) =>
        (await Office.ListDeliveriesAsync(new ListDeliveriesRequest { NoticeId = noticeId, PageSize = 1000 })).Deliveries.ToList();
}

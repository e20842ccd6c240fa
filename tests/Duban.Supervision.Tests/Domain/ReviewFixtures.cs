using Duban.Supervision.Domain.Reviews;

namespace Duban.Supervision.Tests.Domain;

/// <summary>Units, instants and an assignment builder shared by the review, bulletin and assessment tests.</summary>
internal static class ReviewFixtures
{
    public const string Shanghai = "Asia/Shanghai";

    public static readonly Guid Office = Id(0x100);
    public static readonly Guid Fagaiwei = Id(0x101);
    public static readonly Guid Zhujianju = Id(0x102);
    public static readonly Guid Jiaoyuju = Id(0x103);
    public static readonly Guid Wenlvju = Id(0x104);
    public static readonly Guid Chengjianke = Id(0x105);
    public static readonly Guid Elsewhere = Id(0x1FF);

    public static readonly IReadOnlyList<ReviewUnit> AllUnits =
    [
        new(Office, "市政府督查室", null),
        new(Fagaiwei, "发改委", Office),
        new(Zhujianju, "住建局", Office),
        new(Jiaoyuju, "教育局", Office),
        new(Wenlvju, "文旅局", Office),
        new(Chengjianke, "住建局城建科", Zhujianju),
        new(Elsewhere, "外市单位", null),
    ];

    public static readonly IsoWeek W47 = IsoWeek.Parse("2026-W47");

    /// <summary>Sunday 2026-11-22 24:00 in Shanghai, the end of 2026-W47.</summary>
    public static readonly DateTimeOffset EndOfW47 = Local(2026, 11, 23, 0, 0);

    /// <summary>Sunday 2026-11-15 24:00 in Shanghai, the end of 2026-W46.</summary>
    public static readonly DateTimeOffset EndOfW46 = Local(2026, 11, 16, 0, 0);

    public static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:x12}");

    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    /// <summary>A wall-clock time in Shanghai (UTC+8, no daylight saving).</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, int minute) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    public static ReviewedAssignment Open(int id, Guid unit, DateOnly? due, string title = "", string owner = "张三", int progress = 0, bool explained = false) =>
        new(Id(id), Id(1), unit, title.Length > 0 ? title : $"任务{id}", owner, AssignmentState.InProgress, due, due, Shanghai,
            Local(2026, 10, 1, 9, 0), null, null, progress, explained, false, 0, 0, 0);

    /// <summary>Completion confirmed by the lead unit at <paramref name="at"/> and verified by the office a day later.</summary>
    public static ReviewedAssignment Done(int id, Guid unit, DateOnly due, DateTimeOffset at, string title = "", string owner = "李四") =>
        Open(id, unit, due, title, owner, 100) with
        {
            Status = AssignmentState.Completed,
            CompletionRequestedAt = at,
            CompletedAt = at.AddDays(1),
        };

    /// <summary>
    /// The 2026-W47 scenario. Expected per unit as of Sunday 24:00:
    /// 发改委 red (a4 overdue 22 days unexplained; on-time 50%), 住建局 yellow (b1 overdue, explained),
    /// 住建局城建科 yellow (due next week at 20%), 文旅局 yellow (on-time 66.7%), 教育局 green.
    /// </summary>
    public static List<ReviewedAssignment> Week47Assignments() =>
    [
        Done(11, Fagaiwei, D(2026, 11, 20), Local(2026, 11, 19, 10, 0), "编制产业规划", "王强"),
        Done(12, Fagaiwei, D(2026, 11, 10), Local(2026, 11, 12, 10, 0), "报送项目清单", "王强"),
        Open(13, Fagaiwei, D(2026, 11, 18), "推进重点项目开工", "赵敏", 40, explained: true),
        Open(14, Fagaiwei, D(2026, 11, 1), "出台招商引资办法", "钱伟", 10),

        Open(21, Zhujianju, D(2026, 11, 22), "老旧小区改造", "孙丽", 70, explained: true),
        Open(22, Zhujianju, D(2026, 11, 25), "保障房分配方案", "孙丽", 80),
        Done(23, Zhujianju, D(2026, 11, 30), Local(2026, 11, 20, 15, 0), "城市更新试点", "周杰") with
            { OriginalDueDate = D(2026, 11, 15), ExtensionApprovedBeforeOriginalDue = true, ApprovedExtensions = 1 },

        Open(51, Chengjianke, D(2026, 11, 24), "道路修缮", "吴刚", 20) with { AssignedAt = Local(2026, 11, 17, 9, 0) },

        Done(31, Jiaoyuju, D(2026, 12, 10), Local(2026, 11, 17, 9, 0), "学位建设", "郑洁"),
        Open(32, Jiaoyuju, D(2026, 11, 26), "教师招聘", "郑洁", 60),
        Open(33, Jiaoyuju, D(2026, 12, 31), "校园安全整治", "冯涛", 10),
        Open(34, Jiaoyuju, D(2026, 11, 1), "已撤销的任务") with { Status = AssignmentState.Cancelled },
        Open(35, Jiaoyuju, D(2026, 11, 1), "下周才交办的任务") with { AssignedAt = Local(2026, 11, 24, 9, 0) },

        Done(41, Wenlvju, D(2026, 11, 30), Local(2026, 11, 20, 11, 0), "景区提升", "陈晨") with
            { OriginalDueDate = D(2026, 11, 15), ExtensionApprovedBeforeOriginalDue = false, ApprovedExtensions = 1 },
        Done(42, Wenlvju, D(2026, 11, 10), Local(2026, 11, 9, 11, 0), "文旅推介会", "陈晨"),
        Done(43, Wenlvju, D(2026, 12, 20), Local(2026, 11, 1, 11, 0), "非遗保护", "褚红"),

        Open(91, Elsewhere, D(2026, 11, 1), "外市的任务"),
    ];

    /// <summary>
    /// Assignments of every state around 2026-W47 for the units of <see cref="AllUnits"/>: claims with and without
    /// verification, verification before and after the week's end, extensions in time and too late, no deadline.
    /// </summary>
    public static List<ReviewedAssignment> RandomAssignments(int seed, int count)
    {
        var random = new Random(seed);
        var units = AllUnits.Select(u => u.Id).ToArray();
        var start = Local(2026, 10, 1, 0, 0);
        DateTimeOffset Instant(int days) => start.AddDays(random.Next(days)).AddMinutes(random.Next(24 * 60));
        var items = new List<ReviewedAssignment>();
        for (var i = 0; i < count; i++)
        {
            var state = (AssignmentState)random.Next(1, 7);
            DateOnly? due = random.Next(10) == 0 ? null : D(2026, 10, 15).AddDays(random.Next(60));
            var extended = due is not null && random.Next(4) == 0;
            DateTimeOffset? requested = state is AssignmentState.CompletionRequested or AssignmentState.Completed && random.Next(8) != 0 ? Instant(70) : null;
            DateTimeOffset? verified = state == AssignmentState.Completed ? (requested ?? Instant(70)).AddDays(random.Next(0, 6)) : null;
            items.Add(new ReviewedAssignment(Id(10_000 + i), Id(1), units[random.Next(units.Length)], $"随机{i}", $"责任人{random.Next(5)}", state,
                due, extended ? due!.Value.AddDays(-random.Next(1, 20)) : due, Shanghai, Instant(50), requested, verified,
                10 * random.Next(11), random.Next(4) == 0, extended && random.Next(2) == 0, 0, 0, extended ? 1 : 0));
        }
        return items;
    }
}

namespace Duban.Tasks.Domain.Deadlines;

/// <summary>
/// What a 完成时限 cell is read against: dates without a year take <see cref="PlanYear"/>; a fortnightly duty
/// takes its rhythm from <see cref="PlanIssuedOn"/>. <see cref="TimeZone"/> is an IANA id.
/// </summary>
public sealed record DeadlineContext(int PlanYear, DateOnly PlanIssuedOn, string TimeZone = DeadlineContext.DefaultTimeZone)
{
    public const string DefaultTimeZone = "Asia/Shanghai";
    public const int MinYear = 1900;
    public const int MaxYear = 2199;

    public int PlanYear { get; } = PlanYear is >= MinYear and < MaxYear
        ? PlanYear
        : throw new ArgumentOutOfRangeException(nameof(PlanYear), PlanYear, $"A plan year lies between {MinYear} and {MaxYear - 1}.");
}

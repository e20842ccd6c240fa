using Duban.Supervision.Domain.Webhooks;

namespace Duban.Supervision.Tests.Domain;

public class RedeliveryScheduleTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
    private static readonly RedeliverySchedule Schedule = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), TimeSpan.FromHours(72));

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(7, 320)]
    [InlineData(8, 600)]
    [InlineData(40, 600)]
    public void The_delay_doubles_per_failed_round_up_to_the_ceiling(int failedRounds, int seconds)
    {
        var now = Enqueued.AddMinutes(1);
        Assert.Equal(now.AddSeconds(seconds), Schedule.NextAttempt(failedRounds, Enqueued, now));
    }

    [Fact]
    public void The_last_attempt_comes_at_the_give_up_age_and_after_it_the_delivery_is_given_up()
    {
        var nearlyThere = Enqueued.AddHours(72).AddSeconds(-30);
        Assert.Equal(Enqueued.AddHours(72), Schedule.NextAttempt(20, Enqueued, nearlyThere));
        Assert.Null(Schedule.NextAttempt(21, Enqueued, Enqueued.AddHours(72)));
    }
}

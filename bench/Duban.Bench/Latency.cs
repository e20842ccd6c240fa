using System.Diagnostics;

namespace Duban.Bench;

/// <summary>Times repeated calls and reports percentiles in milliseconds.</summary>
public sealed class Latency
{
    private readonly List<double> _samples = [];

    public static async Task<Latency> MeasureAsync(int iterations, Func<int, Task> call, int warmup = 20)
    {
        for (var i = 0; i < warmup; i++)
            await call(i);
        var latency = new Latency();
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call(i);
            latency._samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return latency;
    }

    /// <summary>Samples (ms) gathered elsewhere, e.g. by concurrent clients.</summary>
    public static Latency FromSamples(IEnumerable<double> samples)
    {
        var latency = new Latency();
        latency._samples.AddRange(samples);
        return latency;
    }

    public int Count => _samples.Count;

    public double Percentile(double p)
    {
        var sorted = _samples.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public string Summary => $"p50 {Percentile(50),7:0.00} ms   p99 {Percentile(99),7:0.00} ms   max {_samples.Max(),7:0.00} ms   (n={_samples.Count})";
}

namespace Duban.Bench;

/// <summary>Resident memory of a process from /proc/PID/status: VmRSS now and VmHWM, the peak since it started.</summary>
public readonly record struct ResidentMemory(double Megabytes, double PeakMegabytes)
{
    public static ResidentMemory Of(int pid)
    {
        double rss = double.NaN, peak = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:"))
                rss = Kilobytes(line) / 1024.0;
            else if (line.StartsWith("VmHWM:"))
                peak = Kilobytes(line) / 1024.0;
        }
        return new ResidentMemory(rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(':')[1].Trim().Split(' ')[0]);
    }

    /// <summary>Each service's reading, by name.</summary>
    public static Dictionary<string, ResidentMemory> Take(BenchEnvironment env) =>
        env.Services.ToDictionary(s => s.Launch.Name, s => Of(s.ProcessId));
}

namespace Duban.Local;

/// <summary>Where a local run keeps things, and the fixed loopback ports it uses.</summary>
public sealed class LocalLayout
{
    public const int PostgresPort = 55432;

    public LocalLayout(string repoRoot)
    {
        RepoRoot = repoRoot;
        DataDirectory = Path.Combine(repoRoot, ".data");
    }

    public string RepoRoot { get; }
    /// <summary>Ignored by git: the cluster, the signing key, logs.</summary>
    public string DataDirectory { get; }
    public string PostgresDirectory => Path.Combine(DataDirectory, "postgres");
    public string SigningKeyFile => Path.Combine(DataDirectory, "auth", "signing-key");

    public static LocalLayout Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Duban.sln")))
                    return new LocalLayout(dir.FullName);
        }
        throw new InvalidOperationException("Run this from inside the Duban repository (no Duban.sln found above the current folder).");
    }

    public string ServiceAssembly(string project) =>
        Path.Combine(RepoRoot, "services", project, "bin", BuildConfiguration, "net10.0", project + ".dll");

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif
}

/// <summary>A service the local run starts: its project, database and ports.</summary>
public sealed record LocalService(string Name, string Project, string ConnectionName, string Database, int HttpPort, int GrpcPort,
    IReadOnlyDictionary<string, string> Settings);

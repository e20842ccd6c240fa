using Duban.Harness;

namespace Duban.Local;

/// <summary>Where a local run keeps things, and the fixed loopback ports it uses.</summary>
public sealed class LocalLayout(RepoPaths repo)
{
    public const int PostgresPort = 55432;
    public const string DataDirectoryVariable = "DUBAN_DATA_DIR";

    public RepoPaths Repo { get; } = repo;
    /// <summary>Ignored by git: the cluster, the signing key. `DUBAN_DATA_DIR` puts them elsewhere (a fresh run beside the usual one).</summary>
    public string DataDirectory => Environment.GetEnvironmentVariable(DataDirectoryVariable) is { Length: > 0 } chosen
        ? Path.GetFullPath(chosen)
        : Path.Combine(Repo.Root, ".data");
    public string PostgresDirectory => Path.Combine(DataDirectory, "postgres");
    public string SigningKeyFile => Path.Combine(DataDirectory, "auth", "signing-key");

    public static LocalLayout Find() => new(RepoPaths.Find());
}

/// <summary>A service the local run starts: its project, database and ports.</summary>
public sealed record LocalService(string Name, string Project, string ConnectionName, string Database, int HttpPort, int GrpcPort,
    IReadOnlyDictionary<string, string> Settings);

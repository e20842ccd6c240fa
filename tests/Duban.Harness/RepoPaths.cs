namespace Duban.Harness;

/// <summary>Finds the repository and the built services in it.</summary>
public sealed class RepoPaths(string root)
{
    public string Root { get; } = root;

    /// <summary>The folder holding Duban.sln, searched upwards from the current folder and from this program.</summary>
    public static RepoPaths Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Duban.sln")))
                    return new RepoPaths(dir.FullName);
        }
        throw new InvalidOperationException("Run this from inside the Duban repository (no Duban.sln found above the current folder).");
    }

    /// <summary>The service's built assembly, in the configuration this program itself was built in.</summary>
    public string ServiceAssembly(string project) =>
        Path.Combine(Root, "services", project, "bin", BuildConfiguration, "net10.0", project + ".dll");

    public static string BuildConfiguration { get; } =
#if DEBUG
        "Debug";
#else
        "Release";
#endif
}

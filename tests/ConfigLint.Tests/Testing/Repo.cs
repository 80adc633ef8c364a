namespace ConfigLint.Tests.Testing;

/// <summary>Locates the repository, its folders and the shared workspace folder beside the clone.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Rules => Path.Combine(Root, "rules");

    public static string Examples => Path.Combine(Root, "examples");

    /// <summary><c>../shared</c> beside the clone (present for developers and in CI, absent for users).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Corpus => Path.Combine(Shared, "corpus");

    public static bool HasCorpus => Directory.Exists(Corpus);

    public static string TestSources => Path.Combine(Root, "tests", "ConfigLint.Tests");

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "ConfigLint.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("ConfigLint.sln not found above the test binaries.");
    }

    /// <summary>Finds an executable on PATH.</summary>
    public static string? Which(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (var candidate in new[] { Path.Combine(dir, name), Path.Combine("/usr/sbin", name) })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

/// <summary>A fact that needs <c>../shared/corpus</c>; skipped with the reason when it is absent.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (!Repo.HasCorpus)
        {
            Skip = $"needs the shared corpus at {Repo.Corpus} (present in CI and beside a developer clone)";
        }
    }
}

/// <summary>A fact that needs an oracle program (tor, squid, nginx) on PATH and the shared corpus.</summary>
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute(string program, bool needsCorpus = true)
    {
        if (Repo.Which(program) is null)
        {
            Skip = $"needs '{program}' on PATH (CI installs it: apt-get install {program})";
        }
        else if (needsCorpus && !Repo.HasCorpus)
        {
            Skip = $"needs the shared corpus at {Repo.Corpus}";
        }
    }
}

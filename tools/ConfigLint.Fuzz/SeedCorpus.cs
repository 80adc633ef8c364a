namespace ConfigLint.Fuzz;

/// <summary>One seed file: its bytes and the name (with a meaningful parent folder) that decides its language.</summary>
internal sealed record Seed(string Name, SeedLanguage Language, byte[] Content, string Source);

/// <summary>The seed files under the --corpus folders, in a stable order so that a seed reproduces on any machine with the same corpus.</summary>
internal sealed class SeedCorpus
{
    /// <summary>Larger seeds make every run slow without reaching more code.</summary>
    public const int MaxSeedSize = 256 * 1024;

    private static readonly HashSet<string> MeaningfulParents = new(StringComparer.Ordinal)
    {
        "conf.d", "sites-enabled", "sites-available", "nginx", "torrc.d", "http.d",
    };

    private readonly Dictionary<SeedLanguage, List<Seed>> _byLanguage;

    public SeedCorpus(IEnumerable<Seed> seeds)
    {
        All = [.. seeds];
        _byLanguage = All.GroupBy(s => s.Language).ToDictionary(g => g.Key, g => g.ToList());
        Languages = [.. _byLanguage.Keys.Order()];
    }

    public IReadOnlyList<Seed> All { get; }

    /// <summary>The languages that have seeds; a case picks a language first so that the 40 squid seeds are not drowned by 350 Dockerfiles.</summary>
    public IReadOnlyList<SeedLanguage> Languages { get; }

    public IReadOnlyList<Seed> Of(SeedLanguage language) => _byLanguage.TryGetValue(language, out var list) ? list : [];

    public static SeedCorpus Load(IEnumerable<string> folders, TextWriter log)
    {
        var seeds = new List<Seed>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                log.WriteLine($"configlint-fuzz: note: corpus folder '{folder}' not found, skipped");
                continue;
            }

            var files = Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Order(StringComparer.Ordinal);
            var count = 0;
            foreach (var relative in files)
            {
                var full = Path.Combine(folder, relative);
                if (!IsConfigLike(relative) || new FileInfo(full).Length > MaxSeedSize)
                {
                    continue;
                }

                seeds.Add(new Seed(KeptName(relative), GuessLanguage(relative), File.ReadAllBytes(full), $"{folder.TrimEnd('/')}/{relative}"));
                count++;
            }

            log.WriteLine($"configlint-fuzz: {count} seeds from {folder}");
        }

        return new SeedCorpus(seeds);
    }

    /// <summary>The file name, with its parent folder when the folder decides the language (conf.d/x.conf, torrc.d/50-x).</summary>
    public static string KeptName(string relativePath)
    {
        var parts = relativePath.Split('/');
        var name = parts[^1];
        return parts.Length >= 2 && MeaningfulParents.Contains(parts[^2]) ? $"{parts[^2]}/{name}" : name;
    }

    /// <summary>Skips what is clearly not a configuration file (licences, docs, the conformance suites' expected outputs, snapshots).</summary>
    public static bool IsConfigLike(string relativePath)
    {
        var name = relativePath.Split('/')[^1];
        string[] skippedPrefixes = ["LICENSE", "LICENCE", "COPYING", "README", "expected", "error", "result", "cmdline", "SOURCES"];
        if (skippedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        string[] skippedSuffixes = [".md", ".approved.txt", ".received.txt", ".json", ".sarif", ".png", ".svg", ".py", ".cs"];
        return !skippedSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) && !relativePath.Contains("/_licenses/", StringComparison.Ordinal)
            && !relativePath.StartsWith("_licenses/", StringComparison.Ordinal);
    }

    /// <summary>The language by name first (as ConfigLint decides), then by the corpus or rules folder it sits in.</summary>
    public static SeedLanguage GuessLanguage(string relativePath)
    {
        var parts = relativePath.Split('/');
        var name = parts[^1];
        var lower = name.ToLowerInvariant();
        if (lower.StartsWith("torrc", StringComparison.Ordinal) || lower.EndsWith(".torrc", StringComparison.Ordinal) || (parts.Length >= 2 && parts[^2] == "torrc.d"))
        {
            return SeedLanguage.Torrc;
        }

        if (lower.StartsWith("squid", StringComparison.Ordinal) || lower.EndsWith(".squid.conf", StringComparison.Ordinal))
        {
            return SeedLanguage.Squid;
        }

        if (lower.Contains("dockerfile", StringComparison.Ordinal) || lower == "containerfile")
        {
            return SeedLanguage.Dockerfile;
        }

        if ((lower.StartsWith("compose", StringComparison.Ordinal) || lower.StartsWith("docker-compose", StringComparison.Ordinal)) && (lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            return SeedLanguage.Compose;
        }

        if (lower == "nginx.conf" || lower.EndsWith(".nginx", StringComparison.Ordinal))
        {
            return SeedLanguage.Nginx;
        }

        if (lower is "rules.v4" or "rules.v6" || lower.EndsWith(".rules", StringComparison.Ordinal) || lower.EndsWith(".nat", StringComparison.Ordinal)
            || lower.Contains("iptables", StringComparison.Ordinal) || lower.Contains("iptabels", StringComparison.Ordinal))
        {
            return SeedLanguage.Iptables;
        }

        for (var i = parts.Length - 2; i >= 0; i--)
        {
            switch (parts[i].ToLowerInvariant())
            {
                case "torrc" or "tor":
                    return SeedLanguage.Torrc;
                case "squid":
                    return SeedLanguage.Squid;
                case "nginx" or "conf.d" or "sites-enabled" or "sites-available":
                    return SeedLanguage.Nginx;
                case "dockerfile":
                    return SeedLanguage.Dockerfile;
                case "compose":
                    return SeedLanguage.Compose;
                case "iptables":
                    return SeedLanguage.Iptables;
                default:
                    break;
            }
        }

        return SeedLanguage.Other;
    }
}

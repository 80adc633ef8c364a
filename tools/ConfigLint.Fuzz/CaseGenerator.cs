using System.Text;

namespace ConfigLint.Fuzz;

/// <summary>
/// Builds the case for (seed, iteration): a mutated seed file under its own name, sometimes a second file (an
/// included file, an include cycle, a compose + Dockerfile pair, an override file), rarely a FIFO or a symbolic link,
/// and the commands to run. Deterministic: the same corpus, seed and iteration give the same case.
/// </summary>
internal sealed class CaseGenerator(SeedCorpus corpus, int maxMutations = 6)
{
    private static readonly FuzzCommand[] ExtraCommands =
    [
        new(OutputKind.Text, ["check", "--format", "text", "."]),
        new(OutputKind.Sarif, ["check", "--format", "sarif", "."]),
        new(OutputKind.Github, ["check", "--format", "github", "."]),
        new(OutputKind.Diff, ["fix", "--diff", "."]),
        new(OutputKind.Diff, ["fix", "--diff", "--unsafe-fixes", "."]),
    ];

    public FuzzCase Generate(ulong seed, long iteration)
    {
        if (corpus.All.Count == 0)
        {
            throw new InvalidOperationException("the corpus has no seed files");
        }

        var rng = Prng.ForIteration(seed, iteration);
        var log = new List<string>();
        var primary = PickSeed(rng, corpus.Languages[rng.Next(corpus.Languages.Count)]);
        log.Add($"seed file {primary.Source} as '{primary.Name}'");
        var spliceSources = new[] { PickSeed(rng, primary.Language).Content, corpus.All[rng.Next(corpus.All.Count)].Content };
        var entries = new List<CaseEntry>();
        var primaryBytes = primary.Content;

        var companion = rng.Next(10) < 3 ? AddCompanion(primary, rng, entries, log, ref primaryBytes) : null;
        log.Add($"mutations of '{primary.Name}':");
        primaryBytes = Mutator.Mutate(primaryBytes, primary.Language, primary.Name, rng, spliceSources, maxMutations, log);
        entries.Insert(0, CaseEntry.File(primary.Name, primaryBytes));
        if (companion is not null && rng.OneIn(2))
        {
            var index = entries.FindIndex(e => e.Path == companion.Path);
            log.Add($"mutations of '{companion.Path}':");
            var mutated = Mutator.Mutate(companion.Content, companion.Language, companion.Path, rng, spliceSources, 2, log);
            entries[index] = CaseEntry.File(companion.Path, mutated);
        }

        if (rng.OneIn(30))
        {
            AddSpecialEntry(rng, entries, log);
        }

        var main = rng.OneIn(8) ? new FuzzCommand(OutputKind.Json, ["check", "--format", "json", primary.Name]) : new FuzzCommand(OutputKind.Json, ["check", "--format", "json", "."]);
        var commands = new List<FuzzCommand> { main };
        if (rng.OneIn(3))
        {
            commands.Add(rng.Pick(ExtraCommands));
        }

        return new FuzzCase { Seed = seed, Iteration = iteration, Entries = entries, Mutations = log, Commands = commands };
    }

    private Seed PickSeed(Prng rng, SeedLanguage language)
    {
        var seeds = corpus.Of(language);
        return seeds.Count > 0 ? rng.Pick(seeds) : corpus.All[rng.Next(corpus.All.Count)];
    }

    private sealed record Companion(string Path, SeedLanguage Language, byte[] Content);

    /// <summary>Adds a second file related to the primary one; may prepend an include line to the primary bytes.</summary>
    private Companion? AddCompanion(Seed primary, Prng rng, List<CaseEntry> entries, List<string> log, ref byte[] primaryBytes)
    {
        var name = primary.Name;
        var (includeOf, companionName) = primary.Language switch
        {
            SeedLanguage.Torrc => ((Func<string, string>)(n => $"%include {n}\n"), rng.Pick(["torrc.d/50-extra", "extra.torrc", "torrc.extra"])),
            SeedLanguage.Squid => (n => $"include {n}\n", rng.Pick(["squid-extra.conf", "conf/extra.squid.conf"])),
            SeedLanguage.Nginx => (n => $"include {n};\n", rng.Pick(["conf.d/extra.conf", "snippets/extra.conf", "extra.nginx"])),
            _ => (null, string.Empty),
        };

        if (includeOf is not null)
        {
            var other = PickSeed(rng, primary.Language);
            var otherBytes = other.Content;
            switch (rng.Next(4))
            {
                case 0:
                    primaryBytes = Prepend(includeOf(companionName), primaryBytes);
                    log.Add($"include '{companionName}' (seed {other.Source}) from '{name}'");
                    break;
                case 1:
                    primaryBytes = Prepend(includeOf(companionName), primaryBytes);
                    otherBytes = Prepend(includeOf(name), otherBytes);
                    log.Add($"include cycle '{name}' <-> '{companionName}' (seed {other.Source})");
                    break;
                case 2:
                    var glob = companionName.Contains('/', StringComparison.Ordinal) ? companionName[..(companionName.IndexOf('/', StringComparison.Ordinal) + 1)] + "*" : "*";
                    primaryBytes = Prepend(includeOf(glob), primaryBytes);
                    otherBytes = Prepend(includeOf(glob), otherBytes);
                    log.Add($"glob include '{glob}' from '{name}' and from '{companionName}' (seed {other.Source})");
                    break;
                default:
                    primaryBytes = Prepend(includeOf(name), primaryBytes);
                    log.Add($"'{name}' includes itself; unrelated '{companionName}' (seed {other.Source})");
                    break;
            }

            return Add(entries, name, companionName, primary.Language, otherBytes);
        }

        switch (primary.Language)
        {
            case SeedLanguage.Compose:
                if (rng.OneIn(3))
                {
                    var over = PickSeed(rng, SeedLanguage.Compose);
                    log.Add($"override file from seed {over.Source}");
                    return Add(entries, name, "compose.override.yaml", SeedLanguage.Compose, over.Content);
                }

                if (rng.OneIn(4))
                {
                    log.Add("a .env file");
                    return Add(entries, name, ".env", SeedLanguage.Other, Encoding.UTF8.GetBytes("A=${B}\nB=${A}\nTOR_VERSION=0.4.8\nPORT=9050\nX=\"unterminated\n"));
                }

                var dockerfile = PickSeed(rng, SeedLanguage.Dockerfile);
                log.Add($"Dockerfile beside the compose file from seed {dockerfile.Source}");
                return Add(entries, name, "Dockerfile", SeedLanguage.Dockerfile, dockerfile.Content);
            case SeedLanguage.Dockerfile:
                var compose = PickSeed(rng, SeedLanguage.Compose);
                var composeBytes = rng.OneIn(2)
                    ? Encoding.UTF8.GetBytes($"services:\n  app:\n    build:\n      context: .\n      dockerfile: {name}\n    volumes:\n      - ./torrc:/etc/tor/torrc:ro\n")
                    : compose.Content;
                log.Add($"compose.yaml beside the Dockerfile ({(composeBytes == compose.Content ? "seed " + compose.Source : "building it")})");
                return Add(entries, name, "compose.yaml", SeedLanguage.Compose, composeBytes);
            default:
                var any = corpus.All[rng.Next(corpus.All.Count)];
                log.Add($"second file '{any.Name}' from seed {any.Source}");
                return Add(entries, name, any.Name, any.Language, any.Content);
        }
    }

    private static Companion Add(List<CaseEntry> entries, string primaryName, string path, SeedLanguage language, byte[] content)
    {
        if (path == primaryName || primaryName.StartsWith(path + "/", StringComparison.Ordinal) || path.StartsWith(primaryName + "/", StringComparison.Ordinal))
        {
            path = "b/" + path;
        }

        entries.Add(CaseEntry.File(path, content));
        return new Companion(path, language, content);
    }

    /// <summary>What a hostile repository can hold besides files: a FIFO or device named like a configuration file, links that loop or leave the folder.</summary>
    private static void AddSpecialEntry(Prng rng, List<CaseEntry> entries, List<string> log)
    {
        var name = rng.Pick(["torrc.d/50-special", "conf.d/special.conf", "squid-special.conf", "compose.override.yaml", "Dockerfile.special", "torrc.special"]);
        if (entries.Any(e => e.Path == name || e.Path.StartsWith(name + "/", StringComparison.Ordinal)))
        {
            name = "s/" + name;
        }

        CaseEntry entry = rng.Next(6) switch
        {
            0 => new(name, EntryKind.Fifo, []),
            1 => new(name, EntryKind.Symlink, [], "/dev/zero"),
            2 => new(name, EntryKind.Symlink, [], "/dev/urandom"),
            3 => new("loop", EntryKind.Symlink, [], "."),
            4 => new(name, EntryKind.Symlink, [], "/etc/passwd"),
            _ => new(name, EntryKind.Symlink, [], "does-not-exist"),
        };
        log.Add($"special entry '{entry.Path}': {(entry.Kind == EntryKind.Fifo ? "FIFO" : "symlink to " + entry.Target)}");
        entries.Add(entry);
    }

    private static byte[] Prepend(string line, byte[] bytes) => [.. Encoding.UTF8.GetBytes(line), .. bytes];
}

namespace ConfigLint.Fuzz;

/// <summary>configlint-fuzz: see <see cref="Options.Usage"/> and the README's Fuzzing section.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var log = Console.Out;
        var options = Options.Parse(args, Console.Error);
        if (options is null)
        {
            return 2;
        }

        var binary = options.Binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || options.Binary.Contains('/', StringComparison.Ordinal)
            ? Path.GetFullPath(options.Binary)
            : options.Binary;
        if (binary.Contains('/', StringComparison.Ordinal) && !File.Exists(binary))
        {
            Console.Error.WriteLine($"configlint-fuzz: error: binary '{options.Binary}' not found (publish it with `dotnet publish src/ConfigLint.Cli -c Release -r linux-x64 -o artifacts/aot`)");
            return 2;
        }

        var runner = new Runner(binary, options.TimeoutMs, options.MemoryMb);
        using var session = new FuzzSession(options, runner, log);
        if (options.Replay is not null)
        {
            if (!File.Exists(Path.Combine(options.Replay, "case.json")))
            {
                Console.Error.WriteLine($"configlint-fuzz: error: '{options.Replay}' is not a saved case (no case.json)");
                return 2;
            }

            return session.Replay(options.Replay);
        }

        var corpus = SeedCorpus.Load(options.Corpus, log);
        if (corpus.All.Count == 0)
        {
            Console.Error.WriteLine("configlint-fuzz: error: no seed files in the corpus folders");
            return 2;
        }

        var generator = new CaseGenerator(corpus, options.MaxMutations);
        return options.Iteration is { } iteration ? session.RunIteration(generator, iteration) : session.Fuzz(generator);
    }
}

using System.Globalization;
using System.Security.Cryptography;

namespace ConfigLint.Fuzz;

/// <summary>The command line of configlint-fuzz.</summary>
internal sealed class Options
{
    public const string Usage = """
        usage: configlint-fuzz --binary PATH [--seconds N] [--seed N] [--corpus DIR]... [--timeout-ms N] [--memory-mb N]
                               [--workers N] [--out DIR] [--keep-going] [--shrink-seconds N] [--max-mutations N]
               configlint-fuzz --binary PATH --seed N --iteration N [--corpus DIR]...   (regenerate and run one case)
               configlint-fuzz --binary PATH --replay DIR [--shrink-seconds N]           (rerun a saved case)

          --binary PATH        the configlint executable (artifacts/aot/configlint), or a configlint.dll run with dotnet
          --seconds N          time budget of the fuzzing loop (default 60)
          --seed N             the run's seed (default: random, printed at the start)
          --iteration N        run only this iteration of --seed
          --corpus DIR         seed files (repeatable; default rules and examples); a missing folder is skipped
          --timeout-ms N       a run that takes longer is a hang (default 10000)
          --memory-mb N        a run whose resident memory grows beyond this is killed and reported (default 2048)
          --workers N          parallel runs (default 2)
          --out DIR            where failing inputs are saved (default artifacts/fuzz)
          --keep-going         do not stop at the first failure: save one input per distinct failure and go on
          --shrink-seconds N   after a failure (or with --replay), spend up to N seconds shrinking the input
          --max-mutations N    mutations per file, at most (default 6)
        Exit: 0 no failure, 1 a crash, hang, memory blow-up, invalid JSON or unescaped output, 2 usage error.
        """;

    public string Binary { get; private set; } = string.Empty;

    public int Seconds { get; private set; } = 60;

    public ulong Seed { get; private set; }

    public bool SeedGiven { get; private set; }

    public long? Iteration { get; private set; }

    public List<string> Corpus { get; } = [];

    public int TimeoutMs { get; private set; } = 10_000;

    public long MemoryMb { get; private set; } = 2048;

    public int Workers { get; private set; } = 2;

    public string Out { get; private set; } = Path.Combine("artifacts", "fuzz");

    public string? Replay { get; private set; }

    public bool KeepGoing { get; private set; }

    public int ShrinkSeconds { get; private set; }

    public int MaxMutations { get; private set; } = 6;

    /// <summary>Parses the arguments; returns null and writes the reason when they are wrong.</summary>
    public static Options? Parse(IReadOnlyList<string> args, TextWriter error)
    {
        var options = new Options();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value");
                }

                return args[++i];
            }

            try
            {
                switch (name)
                {
                    case "--binary":
                        options.Binary = Value();
                        break;
                    case "--seconds":
                        options.Seconds = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--seed":
                        options.Seed = ulong.Parse(Value(), CultureInfo.InvariantCulture);
                        options.SeedGiven = true;
                        break;
                    case "--iteration":
                        options.Iteration = long.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--corpus":
                        options.Corpus.Add(Value());
                        break;
                    case "--timeout-ms":
                        options.TimeoutMs = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--memory-mb":
                        options.MemoryMb = long.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--workers":
                        options.Workers = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture));
                        break;
                    case "--out":
                        options.Out = Value();
                        break;
                    case "--replay":
                        options.Replay = Value();
                        break;
                    case "--keep-going":
                        options.KeepGoing = true;
                        break;
                    case "--shrink-seconds":
                        options.ShrinkSeconds = int.Parse(Value(), CultureInfo.InvariantCulture);
                        break;
                    case "--max-mutations":
                        options.MaxMutations = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture));
                        break;
                    case "--help" or "-h":
                        error.WriteLine(Usage);
                        return null;
                    default:
                        throw new FormatException($"unknown option '{name}'");
                }
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                error.WriteLine($"configlint-fuzz: error: {ex.Message}");
                error.WriteLine(Usage);
                return null;
            }
        }

        if (options.Binary.Length == 0)
        {
            error.WriteLine("configlint-fuzz: error: --binary is required");
            error.WriteLine(Usage);
            return null;
        }

        if (options.Iteration is not null && !options.SeedGiven)
        {
            error.WriteLine("configlint-fuzz: error: --iteration needs --seed");
            return null;
        }

        if (!options.SeedGiven)
        {
            options.Seed = (ulong)RandomNumberGenerator.GetInt32(int.MaxValue);
        }

        if (options.Corpus.Count == 0)
        {
            options.Corpus.AddRange(["rules", "examples"]);
        }

        return options;
    }
}

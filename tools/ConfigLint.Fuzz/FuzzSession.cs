using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ConfigLint.Fuzz;

/// <summary>The first failing command of a case (or the last command when none failed).</summary>
internal sealed record Outcome(Failure? Failure, FuzzCommand Command, RunResult? Result, int Runs);

/// <summary>Runs cases against the binary: the timed fuzzing loop, one regenerated iteration, or a saved case.</summary>
internal sealed class FuzzSession(Options options, Runner runner, TextWriter log) : IDisposable
{
    private readonly string _tempRoot = Directory.CreateTempSubdirectory("configlint-fuzz-").FullName;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Count, string Saved)> _signatures = new(StringComparer.Ordinal);
    private readonly Dictionary<FailureKind, int> _failures = [];
    private long _folders;
    private long _cases;
    private long _runs;

    /// <summary>Writes the case into a fresh folder, runs its commands there and classifies each run.</summary>
    public Outcome Execute(FuzzCase fuzzCase, IReadOnlyList<FuzzCommand>? commands = null)
    {
        var folder = Path.Combine(_tempRoot, $"c{Interlocked.Increment(ref _folders)}");
        Directory.CreateDirectory(folder);
        try
        {
            fuzzCase.WriteTo(folder);
            var runs = 0;
            RunResult? last = null;
            var list = commands ?? fuzzCase.Commands;
            foreach (var command in list)
            {
                var before = command.Output == OutputKind.Diff ? CaseStore.Snapshot(folder, fuzzCase) : null;
                last = runner.Run(folder, command.Arguments);
                runs++;
                var failure = Classifier.Classify(command.Output, last);
                if (failure is null && before is not null && CaseStore.Difference(before, CaseStore.Snapshot(folder, fuzzCase)) is { } changed)
                {
                    failure = new Failure(FailureKind.WroteFiles, $"'{string.Join(' ', command.Arguments)}' changed '{changed}'", "wrote-files");
                }

                if (failure is not null)
                {
                    return new Outcome(failure with { Signature = $"{failure.Signature}@{Traits(fuzzCase)}" }, command, last, runs);
                }
            }

            return new Outcome(null, list[^1], last, runs);
        }
        finally
        {
            TryDelete(folder);
        }
    }

    /// <summary>
    /// What tells failures with the same output apart (a hang on a FIFO from a hang on a long torrc line, a stack
    /// overflow in nginx from one in YAML): the special entries, else the languages of the files, by name.
    /// </summary>
    public static string Traits(FuzzCase fuzzCase)
    {
        if (fuzzCase.Entries.Any(e => e.Kind == EntryKind.Fifo))
        {
            return "fifo";
        }

        if (fuzzCase.Entries.Any(e => e.Kind == EntryKind.Symlink && e.Target!.StartsWith("/dev/", StringComparison.Ordinal)))
        {
            return "device";
        }

        return string.Join('+', fuzzCase.Entries.Where(e => e.Kind == EntryKind.File).Select(e => SeedCorpus.GuessLanguage(e.Path).ToString().ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>The timed loop: workers take iterations 0, 1, 2… of the seed until the budget is spent or something fails.</summary>
    public int Fuzz(CaseGenerator generator)
    {
        log.WriteLine($"configlint-fuzz: seed {options.Seed}, {options.Seconds} s, {options.Workers} workers, timeout {options.TimeoutMs} ms, memory bound {options.MemoryMb} MB, binary {options.Binary}");
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(options.Seconds);
        long next = -1;
        var stop = false;
        var lastProgress = TimeSpan.Zero;
        Exception? harnessError = null;
        void Work()
        {
            while (!Volatile.Read(ref stop) && clock.Elapsed < deadline)
            {
                var iteration = Interlocked.Increment(ref next);
                try
                {
                    var fuzzCase = generator.Generate(options.Seed, iteration);
                    var outcome = Execute(fuzzCase);
                    Interlocked.Increment(ref _cases);
                    Interlocked.Add(ref _runs, outcome.Runs);
                    if (outcome.Failure is not null && Report(fuzzCase, outcome) && !options.KeepGoing)
                    {
                        Volatile.Write(ref stop, true);
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
                {
                    lock (_gate)
                    {
                        harnessError ??= new InvalidOperationException($"harness error at seed {options.Seed} iteration {iteration}: {ex}", ex);
                    }

                    Volatile.Write(ref stop, true);
                }

                lock (_gate)
                {
                    if (clock.Elapsed - lastProgress >= TimeSpan.FromSeconds(30))
                    {
                        lastProgress = clock.Elapsed;
                        log.WriteLine($"configlint-fuzz: {clock.Elapsed.TotalSeconds:0} s, {Interlocked.Read(ref _cases)} inputs, {Interlocked.Read(ref _cases) / clock.Elapsed.TotalSeconds:0.0}/s, {_failures.Values.Sum()} failures");
                    }
                }
            }
        }

        var threads = Enumerable.Range(0, options.Workers).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        clock.Stop();
        if (harnessError is not null)
        {
            log.WriteLine($"configlint-fuzz: error: {harnessError.Message}");
            return 2;
        }

        PrintSummary(clock.Elapsed);
        return _failures.Count > 0 ? 1 : 0;
    }

    /// <summary>Regenerates one iteration of a seed (same corpus needed) and runs it.</summary>
    public int RunIteration(CaseGenerator generator, long iteration)
    {
        var fuzzCase = generator.Generate(options.Seed, iteration);
        log.WriteLine($"configlint-fuzz: seed {options.Seed}, iteration {iteration}");
        log.Write(CaseStore.Indent(string.Join('\n', fuzzCase.Mutations)));
        log.Write(fuzzCase.Describe());
        var outcome = Execute(fuzzCase);
        _cases++;
        if (outcome.Failure is null)
        {
            log.WriteLine($"configlint-fuzz: passed ({string.Join("; ", fuzzCase.Commands)})");
            return 0;
        }

        Report(fuzzCase, outcome);
        return 1;
    }

    /// <summary>Reruns a saved case's failing command; exit 1 when it still fails.</summary>
    public int Replay(string folder)
    {
        var saved = CaseStore.Load(folder);
        log.WriteLine($"configlint-fuzz: replaying {folder} (seed {saved.Case.Seed}, iteration {saved.Case.Iteration}, recorded {saved.Kind}: {saved.Signature})");
        log.WriteLine($"  command: configlint {CaseStore.CommandLine(saved.Command.Arguments)}");
        log.Write(saved.Case.Describe());
        var outcome = Execute(saved.Case, [saved.Command]);
        if (outcome.Failure is null)
        {
            log.WriteLine($"configlint-fuzz: passed: the case no longer fails (exit {outcome.Result?.ExitCode}, {outcome.Result?.Elapsed.TotalMilliseconds:0} ms)");
            return 0;
        }

        var same = outcome.Failure.Base == saved.Signature.Split('@')[0] ? "same failure" : "a different failure";
        log.WriteLine($"configlint-fuzz: still fails ({same}) — {outcome.Failure.KindName}: {outcome.Failure.Detail}");
        log.Write(CaseStore.Indent(Head(outcome.Result!.Stderr, 8)));
        if (options.ShrinkSeconds > 0)
        {
            ShrinkAndSave(saved.Case, outcome, folder.TrimEnd('/') + "-min");
        }

        return 1;
    }

    public void Dispose() => TryDelete(_tempRoot);

    /// <summary>Prints and saves a failure; returns false when --keep-going has already seen its signature.</summary>
    private bool Report(FuzzCase fuzzCase, Outcome outcome)
    {
        var failure = outcome.Failure!;
        lock (_gate)
        {
            _failures[failure.Kind] = _failures.GetValueOrDefault(failure.Kind) + 1;
            if (_signatures.TryGetValue(failure.Signature, out var seen))
            {
                _signatures[failure.Signature] = (seen.Count + 1, seen.Saved);
                return false;
            }

            var name = $"{failure.KindName}-s{fuzzCase.Seed}-i{fuzzCase.Iteration}";
            var saved = CaseStore.Save(options.Out, name, fuzzCase, outcome.Command, failure, outcome.Result!);
            _signatures[failure.Signature] = (1, saved);
            var text = new StringBuilder();
            text.Append($"configlint-fuzz: FAILURE {failure.KindName}: {failure.Detail}\n");
            text.Append($"  seed {fuzzCase.Seed}, iteration {fuzzCase.Iteration}, {outcome.Result!.Elapsed.TotalMilliseconds:0} ms, peak RSS {outcome.Result.PeakRssKb / 1024} MB\n");
            text.Append($"  command (in the case folder): configlint {CaseStore.CommandLine(outcome.Command.Arguments)}\n");
            text.Append("  mutations:\n").Append(CaseStore.Indent(string.Join('\n', fuzzCase.Mutations)));
            text.Append("  stderr (first lines):\n").Append(CaseStore.Indent(Head(outcome.Result.Stderr, 8)));
            text.Append("  input:\n").Append(fuzzCase.Describe());
            text.Append($"  saved to {saved}\n");
            text.Append($"  replay:     {ReplayCommand(saved)}\n");
            text.Append($"  regenerate: {RegenerateCommand(fuzzCase)}\n");
            log.Write(text.ToString());
            if (options.ShrinkSeconds > 0)
            {
                ShrinkAndSave(fuzzCase, outcome, saved + "-min");
            }

            return true;
        }
    }

    private void ShrinkAndSave(FuzzCase fuzzCase, Outcome outcome, string target)
    {
        var before = fuzzCase.Entries.Sum(e => (long)e.Content.Length);
        log.WriteLine($"configlint-fuzz: shrinking for up to {options.ShrinkSeconds} s ({before} bytes)…");
        RunResult? lastFailing = outcome.Result;
        var shrinker = new Shrinker(
            candidate =>
            {
                var result = Execute(candidate, [outcome.Command]);
                if (result.Failure?.Base == outcome.Failure!.Base)
                {
                    lastFailing = result.Result;
                }

                return result.Failure;
            },
            TimeSpan.FromSeconds(options.ShrinkSeconds));
        var small = shrinker.Shrink(fuzzCase, outcome.Failure!.Base);
        var saved = CaseStore.Save(Path.GetDirectoryName(target) ?? string.Empty, Path.GetFileName(target), small, outcome.Command, outcome.Failure, lastFailing!);
        log.WriteLine($"configlint-fuzz: shrunk to {small.Entries.Sum(e => (long)e.Content.Length)} bytes in {shrinker.Attempts} attempts:");
        log.Write(small.Describe(400));
        log.WriteLine($"  saved to {saved}");
        log.WriteLine($"  replay: {ReplayCommand(saved)}");
    }

    private void PrintSummary(TimeSpan elapsed)
    {
        var perSecond = _cases / Math.Max(0.001, elapsed.TotalSeconds);
        int Count(FailureKind kind) => _failures.GetValueOrDefault(kind);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"configlint-fuzz: seed {options.Seed}: {_cases} inputs ({_runs} runs) in {elapsed.TotalSeconds:0.0} s, {perSecond:0.0} inputs/s; crashes {Count(FailureKind.Crash)}, hangs {Count(FailureKind.Hang)}, memory {Count(FailureKind.Memory)}, invalid JSON {Count(FailureKind.InvalidJson)}, unescaped output {Count(FailureKind.UnescapedOutput)}, wrote files {Count(FailureKind.WroteFiles)}"));
        foreach (var (signature, (count, saved)) in _signatures.OrderByDescending(s => s.Value.Count))
        {
            log.WriteLine($"  {count,5} × {signature}  ({saved})");
        }
    }

    private string ReplayCommand(string saved) =>
        $"dotnet run --project tools/ConfigLint.Fuzz -c Release -- --binary {CaseStore.Quote(options.Binary)} --replay {CaseStore.Quote(saved)}";

    private string RegenerateCommand(FuzzCase fuzzCase) =>
        $"dotnet run --project tools/ConfigLint.Fuzz -c Release -- --binary {CaseStore.Quote(options.Binary)} --seed {fuzzCase.Seed} --iteration {fuzzCase.Iteration} {string.Join(' ', options.Corpus.Select(c => "--corpus " + CaseStore.Quote(c)))}";

    private static string Head(string text, int lines)
    {
        var all = text.TrimEnd('\n').Split('\n');
        var head = string.Join('\n', all.Take(lines).Select(l => Printable(l.Length > 300 ? l[..300] + "…" : l)));
        var result = all.Length > lines ? head + "\n…" : head;
        return result.Trim().Length == 0 ? "(empty)" : result;
    }

    /// <summary>Standard error may echo file content: escape control characters before it reaches a CI log.</summary>
    private static string Printable(string line)
    {
        var builder = new StringBuilder(line.Length);
        foreach (var c in line)
        {
            builder.Append(c is (< ' ' and not '\t') or (>= '\u007f' and <= '\u009f') ? $"\\x{(int)c:X2}" : c.ToString());
        }

        return builder.ToString();
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is not worth failing the run for.
        }
    }
}

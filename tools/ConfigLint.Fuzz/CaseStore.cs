using System.Text;
using System.Text.Json;

namespace ConfigLint.Fuzz;

/// <summary>A saved failing case: the input tree, the command that failed and how.</summary>
internal sealed record SavedCase(FuzzCase Case, FuzzCommand Command, string Kind, string Signature);

/// <summary>
/// Saves a failing case as a folder: <c>input/</c> holds the regular files byte for byte, <c>case.json</c> the seed,
/// iteration, mutations, command, failure and the FIFOs and links (recreated on replay), plus stdout/stderr.
/// </summary>
internal static class CaseStore
{
    private const int MaxSavedOutput = 1024 * 1024;

    public static string Save(string outFolder, string name, FuzzCase fuzzCase, FuzzCommand command, Failure failure, RunResult result)
    {
        var folder = Path.Combine(outFolder, name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var input = Path.Combine(folder, "input");
        Directory.CreateDirectory(input);
        foreach (var entry in fuzzCase.Entries.Where(e => e.Kind == EntryKind.File))
        {
            var path = Path.Combine(input, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, entry.Content);
        }

        File.WriteAllBytes(Path.Combine(folder, "stdout.txt"), result.Stdout.AsSpan(0, Math.Min(MaxSavedOutput, result.Stdout.Length)).ToArray());
        File.WriteAllText(Path.Combine(folder, "stderr.txt"), result.Stderr.Length > MaxSavedOutput ? result.Stderr[..MaxSavedOutput] : result.Stderr);

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("seed", fuzzCase.Seed);
            json.WriteNumber("iteration", fuzzCase.Iteration);
            json.WriteString("kind", failure.KindName);
            json.WriteString("detail", failure.Detail);
            json.WriteString("signature", failure.Signature);
            json.WriteNumber("exitCode", result.ExitCode);
            json.WriteNumber("elapsedMs", (long)result.Elapsed.TotalMilliseconds);
            json.WriteNumber("peakRssMb", result.PeakRssKb / 1024);
            json.WriteString("output", command.Output.ToString());
            json.WriteStartArray("arguments");
            foreach (var argument in command.Arguments)
            {
                json.WriteStringValue(argument);
            }

            json.WriteEndArray();
            json.WriteStartArray("mutations");
            foreach (var mutation in fuzzCase.Mutations)
            {
                json.WriteStringValue(mutation);
            }

            json.WriteEndArray();
            json.WriteStartArray("special");
            foreach (var entry in fuzzCase.Entries.Where(e => e.Kind != EntryKind.File))
            {
                json.WriteStartObject();
                json.WriteString("path", entry.Path);
                json.WriteString("kind", entry.Kind == EntryKind.Fifo ? "fifo" : "symlink");
                if (entry.Target is not null)
                {
                    json.WriteString("target", entry.Target);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        File.WriteAllBytes(Path.Combine(folder, "case.json"), stream.ToArray());
        return folder;
    }

    public static SavedCase Load(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "case.json")));
        var root = document.RootElement;
        var entries = new List<CaseEntry>();
        var input = Path.Combine(folder, "input");
        if (Directory.Exists(input))
        {
            foreach (var file in Directory.EnumerateFiles(input, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
            {
                entries.Add(CaseEntry.File(Path.GetRelativePath(input, file).Replace('\\', '/'), File.ReadAllBytes(file)));
            }
        }

        foreach (var special in root.GetProperty("special").EnumerateArray())
        {
            var kind = special.GetProperty("kind").GetString() == "fifo" ? EntryKind.Fifo : EntryKind.Symlink;
            var target = special.TryGetProperty("target", out var t) ? t.GetString() : null;
            entries.Add(new CaseEntry(special.GetProperty("path").GetString()!, kind, [], target));
        }

        var output = Enum.Parse<OutputKind>(root.GetProperty("output").GetString()!);
        var command = new FuzzCommand(output, [.. root.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!)]);
        var fuzzCase = new FuzzCase
        {
            Seed = root.GetProperty("seed").GetUInt64(),
            Iteration = root.GetProperty("iteration").GetInt64(),
            Entries = entries,
            Mutations = [.. root.GetProperty("mutations").EnumerateArray().Select(m => m.GetString()!)],
            Commands = [command],
        };
        return new SavedCase(fuzzCase, command, root.GetProperty("kind").GetString()!, root.GetProperty("signature").GetString()!);
    }

    /// <summary>The bytes of the regular files under a folder, to check that `fix --diff` wrote nothing.</summary>
    public static Dictionary<string, byte[]> Snapshot(string folder, FuzzCase fuzzCase)
    {
        var snapshot = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in fuzzCase.Entries.Where(e => e.Kind == EntryKind.File))
        {
            var path = Path.Combine(folder, entry.Path);
            snapshot[entry.Path] = File.Exists(path) ? File.ReadAllBytes(path) : [];
        }

        return snapshot;
    }

    public static string? Difference(Dictionary<string, byte[]> before, Dictionary<string, byte[]> after)
    {
        foreach (var (path, bytes) in before)
        {
            if (!after.TryGetValue(path, out var now) || !now.AsSpan().SequenceEqual(bytes))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>A shell-ready argument: quoted when it holds anything but safe characters.</summary>
    public static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '=' or ':' or '+' or ',')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public static string CommandLine(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    public static string Indent(string text, string prefix = "    ")
    {
        var builder = new StringBuilder();
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            builder.Append(prefix).Append(line).Append('\n');
        }

        return builder.ToString();
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConfigLint.Fuzz;

internal enum FailureKind
{
    Crash,
    Hang,
    Memory,
    InvalidJson,
    UnescapedOutput,
    WroteFiles,
}

/// <summary>A failed run: the class, a one-line detail, and a signature that groups runs failing the same way.</summary>
internal sealed record Failure(FailureKind Kind, string Detail, string Signature)
{
    /// <summary>The signature without the case's traits (after '@'): what a shrunk or replayed case must still match.</summary>
    public string Base => Signature.Split('@')[0];

    public string KindName => Kind switch
    {
        FailureKind.Crash => "crash",
        FailureKind.Hang => "hang",
        FailureKind.Memory => "memory",
        FailureKind.InvalidJson => "invalid-json",
        FailureKind.UnescapedOutput => "unescaped-output",
        _ => "wrote-files",
    };
}

/// <summary>Decides whether a run of configlint failed, from its exit code, output and standard error.</summary>
internal static partial class Classifier
{
    /// <summary>The exceptions a tool error may name: an unreadable or vanished file is exit 2 by contract.</summary>
    private static readonly HashSet<string> ToolErrorExceptions = new(StringComparer.Ordinal)
    {
        "IOException", "UnauthorizedAccessException", "FileNotFoundException", "DirectoryNotFoundException", "PathTooLongException",
    };

    private static readonly HashSet<string> Levels = new(StringComparer.Ordinal) { "error", "warning", "note" };

    public static Failure? Classify(OutputKind output, RunResult result)
    {
        if (result.TimedOut)
        {
            // A process blocked on a FIFO or a device uses no CPU; one stuck in a slow loop uses what it is given.
            var blocked = result.CpuMs < 250;
            return new Failure(FailureKind.Hang, $"no exit after {result.Elapsed.TotalSeconds:0.0} s (killed; {result.CpuMs / 1000.0:0.0} s of CPU{(blocked ? ": blocked" : ": busy")})", blocked ? "hang:blocked" : "hang:busy");
        }

        if (result.OutOfMemory)
        {
            return new Failure(FailureKind.Memory, $"resident memory reached {result.PeakRssKb / 1024} MB (killed)", "memory");
        }

        var trace = StackTraceLine().Match(result.Stderr);
        if (result.ExitCode is not (0 or 1 or 2))
        {
            var signal = result.ExitCode > 128 ? $" (signal {SignalName(result.ExitCode - 128)})" : string.Empty;
            var what = FirstLine(result.Stderr);
            return new Failure(FailureKind.Crash, $"exit code {result.ExitCode}{signal}{(what.Length > 0 ? ": " + what : string.Empty)}", $"crash:exit{result.ExitCode}:{Normalize(what)}");
        }

        if (result.Stderr.Contains("Unhandled exception", StringComparison.Ordinal) || result.Stderr.Contains("Stack overflow", StringComparison.Ordinal) || trace.Success)
        {
            var what = FirstLine(result.Stderr);
            return new Failure(FailureKind.Crash, $"exit code {result.ExitCode} with an unhandled exception or stack trace: {what}", $"crash:trace:{Normalize(what)}");
        }

        var internalError = InternalException().Match(result.Stderr);
        if (result.ExitCode == 2 && internalError.Success && !ToolErrorExceptions.Contains(internalError.Groups[1].Value))
        {
            var line = FirstLine(result.Stderr[internalError.Index..]);
            return new Failure(FailureKind.Crash, $"exit code 2 from an internal {internalError.Groups[1].Value}: {line}", $"crash:{internalError.Groups[1].Value}:{Normalize(line)}");
        }

        if (result.ExitCode == 2 || result.StdoutTruncated)
        {
            // A tool error (a file it cannot read, a bad .configlint.yaml) is allowed, and no report is expected;
            // a report beyond the harness's capture limit cannot be judged.
            return null;
        }

        return output switch
        {
            OutputKind.Json => CheckJson(result.Stdout, sarif: false),
            OutputKind.Sarif => CheckJson(result.Stdout, sarif: true),
            OutputKind.Text or OutputKind.Github => CheckPrintable(result.Stdout, output),
            _ => null,
        };
    }

    /// <summary>JSON: an object with a findings array whose items carry the contract's fields; SARIF: version 2.1.0 with runs.</summary>
    public static Failure? CheckJson(byte[] stdout, bool sarif)
    {
        var name = sarif ? "SARIF" : "JSON";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(stdout);
        }
        catch (JsonException ex)
        {
            return new Failure(FailureKind.InvalidJson, $"{name} output does not parse: {ex.Message} ({stdout.Length} bytes)", $"invalid-json:{name}:parse");
        }

        using (document)
        {
            var root = document.RootElement;
            if (sarif)
            {
                return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("runs", out var runs) && runs.ValueKind == JsonValueKind.Array
                    && root.TryGetProperty("version", out var version) && version.ValueKind == JsonValueKind.String && version.GetString() == "2.1.0"
                    ? null
                    : new Failure(FailureKind.InvalidJson, "SARIF output lacks version 2.1.0 or a runs array", "invalid-json:SARIF:shape");
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("findings", out var findings) || findings.ValueKind != JsonValueKind.Array)
            {
                return new Failure(FailureKind.InvalidJson, "JSON output is not an object with a findings array", "invalid-json:JSON:shape");
            }

            var index = 0;
            foreach (var finding in findings.EnumerateArray())
            {
                var problem = FindingProblem(finding);
                if (problem is not null)
                {
                    return new Failure(FailureKind.InvalidJson, $"findings[{index}]: {problem}", $"invalid-json:JSON:{problem}");
                }

                index++;
            }
        }

        return null;
    }

    /// <summary>Text and annotations go to terminals and CI logs: no control characters besides tab and newline, no C1 controls, valid UTF-8.</summary>
    public static Failure? CheckPrintable(byte[] stdout, OutputKind output)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(stdout);
        }
        catch (DecoderFallbackException)
        {
            return new Failure(FailureKind.UnescapedOutput, $"{output} output is not valid UTF-8", $"unescaped-output:{output}:utf8");
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < ' ' && c is not '\n' and not '\t') || c is >= '\u007f' and <= '\u009f')
            {
                var line = 1 + text.AsSpan(0, i).Count('\n');
                return new Failure(FailureKind.UnescapedOutput, $"{output} output has raw control character U+{(int)c:X4} on line {line}", $"unescaped-output:{output}:control");
            }
        }

        return null;
    }

    private static string? FindingProblem(JsonElement finding)
    {
        if (finding.ValueKind != JsonValueKind.Object)
        {
            return "not an object";
        }

        foreach (var field in new[] { "ruleId", "message", "path" })
        {
            if (!finding.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
            {
                return $"'{field}' is not a string";
            }
        }

        if (!finding.TryGetProperty("level", out var level) || level.ValueKind != JsonValueKind.String || !Levels.Contains(level.GetString()!))
        {
            return "'level' is not error, warning or note";
        }

        foreach (var field in new[] { "line", "column", "endLine", "endColumn" })
        {
            if (!finding.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < 1)
            {
                return $"'{field}' is not a positive integer";
            }
        }

        return finding.TryGetProperty("fix", out var fix) && (fix.ValueKind == JsonValueKind.Null || (fix.ValueKind == JsonValueKind.String && fix.GetString() is "safe" or "unsafe"))
            ? null
            : "'fix' is not \"safe\", \"unsafe\" or null";
    }

    private static string FirstLine(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                var trimmed = line.Trim();
                return trimmed.Length > 200 ? trimmed[..200] + "…" : trimmed;
            }
        }

        return string.Empty;
    }

    /// <summary>Digits and quoted values vary between runs of one bug; strip them for the signature.</summary>
    private static string Normalize(string line) => Digits().Replace(Quoted().Replace(line, "'…'"), "#");

    private static string SignalName(int signal) => signal switch
    {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        _ => signal.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^\s+at \S", RegexOptions.Multiline)]
    private static partial Regex StackTraceLine();

    [GeneratedRegex(@"configlint: error: ([A-Za-z][A-Za-z0-9_.]*Exception):")]
    private static partial Regex InternalException();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"'[^']*'|""[^""]*""")]
    private static partial Regex Quoted();
}

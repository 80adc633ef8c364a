using ConfigLint.Analysis.Engine;

namespace ConfigLint.Cli;

/// <summary>Where the CLI writes and whether stdout is a terminal (colour and code frames) or piped (plain).</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, string CurrentDirectory, bool Terminal, bool Color)
{
    /// <summary>
    /// Print each phase's wall time on standard error after <c>check</c>, as <c>--timings</c> does (set from the
    /// environment variable <c>CONFIGLINT_TIMINGS</c>).
    /// </summary>
    public bool Timings { get; init; }

    /// <summary>Whether a <c>CONFIGLINT_TIMINGS</c> value turns timings on: anything but empty, <c>0</c> or <c>false</c>.</summary>
    public static bool TimingsFromEnvironment(string? value) =>
        !string.IsNullOrWhiteSpace(value) && value.Trim() != "0" && !value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The files <paramref name="run"/> left out, and why, then its errors, on standard error (the notes are not
    /// findings and do not change the exit code).
    /// </summary>
    internal void WriteNotesAndErrors(AnalysisResult run)
    {
        foreach (var note in run.Notes)
        {
            Error.WriteLine($"configlint: note: {note}");
        }

        foreach (var error in run.Errors)
        {
            Error.WriteLine($"configlint: error: {error}");
        }
    }
}

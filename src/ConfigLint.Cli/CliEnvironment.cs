using ConfigLint.Analysis.Engine;

namespace ConfigLint.Cli;

/// <summary>Where the CLI writes and whether stdout is a terminal (colour and code frames) or piped (plain).</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, string CurrentDirectory, bool Terminal, bool Color)
{
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

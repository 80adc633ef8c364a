using System.CommandLine;
using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Analysis.IO;
using ConfigLint.Cli.Reporting;

namespace ConfigLint.Cli.Commands;

/// <summary><c>fix</c>: apply the safe fixes (and with <c>--unsafe-fixes</c> the others) in place, or print them as a diff.</summary>
internal static class FixCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("fix", "Apply safe fixes in place.");
        var selection = CommonOptions.WithRulePatterns(command);
        var unsafeFixes = new Option<bool>("--unsafe-fixes") { Description = "Also apply fixes that may change behaviour." };
        var diff = new Option<bool>("--diff") { Description = "Print a unified diff of the fixes and write nothing (exit 1 when something would change)." };
        command.Options.Add(unsafeFixes);
        command.Options.Add(diff);
        command.SetAction(result => Fix(env, selection.Read(result), result.GetValue(unsafeFixes), result.GetValue(diff)));
        return command;
    }

    private static int Fix(CliEnvironment env, Selection selection, bool unsafeFixes, bool diffOnly)
    {
        if (selection.Prepare(env, "fix") is not var (driver, options))
        {
            return CliApp.ExitError;
        }

        var outcome = Fixer.Run(driver, options, unsafeFixes);
        env.WriteNotesAndErrors(outcome.Final);
        if (outcome.Errors.Length > 0)
        {
            env.Error.WriteLine("configlint: error: nothing was fixed.");
            return CliApp.ExitError;
        }

        foreach (var refused in outcome.Refused)
        {
            env.Error.WriteLine(FixReport.Refused(refused));
        }

        if (!outcome.Converged)
        {
            env.Error.WriteLine($"configlint: warning: fixes were still changing the files after {Fixer.MaxPasses} passes; run 'configlint fix' again and check the result.");
        }

        if (diffOnly)
        {
            var sb = new StringBuilder();
            foreach (var file in outcome.Files)
            {
                sb.Append(UnifiedDiff.Create(file.DisplayPath, SourceLoader.DecodeEscaped(file.Original), SourceLoader.DecodeEscaped(file.Fixed), forTerminal: env.Terminal));
            }

            env.Out.Write(sb.ToString());
            return outcome.Files.Length > 0 ? CliApp.ExitFindings : CliApp.ExitClean;
        }

        var written = new List<FixedFile>();
        var failed = false;
        foreach (var file in outcome.Files)
        {
            try
            {
                AtomicFile.Replace(file.FullPath, file.Original, file.Fixed);
                written.Add(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                env.Error.WriteLine($"configlint: error: cannot write '{file.DisplayPath}': {ex.Message}");
                failed = true;
            }
        }

        var report = new StringBuilder();
        foreach (var applied in FindingPolicy.Ordered(written.SelectMany(f => f.Applied).Select(a => a.Finding)))
        {
            report.Append(FixReport.Applied(applied));
        }

        var fixes = written.SelectMany(f => f.Applied).Distinct().Count();
        report.Append(outcome.Files.Length == 0
            ? "Nothing to fix.\n"
            : $"Fixed {fixes} finding{(fixes == 1 ? "" : "s")} in {written.Count} file{(written.Count == 1 ? "" : "s")}.\n");
        var left = outcome.Final.Findings.Length;
        if (left > 0)
        {
            var unsafeLeft = unsafeFixes ? 0 : outcome.Final.Findings.Count(f => f.Fix is { Applicability: FixApplicability.Unsafe, Edits.Length: > 0 });
            var hint = unsafeLeft > 0 ? $" ({unsafeLeft} of them {(unsafeLeft == 1 ? "has" : "have")} a fix that --unsafe-fixes applies)" : string.Empty;
            report.Append($"{left} finding{(left == 1 ? " needs" : "s need")} a manual change{hint}; run 'configlint check' to see {(left == 1 ? "it" : "them")}.\n");
        }

        env.Out.Write(report.ToString());
        return failed ? CliApp.ExitError : CliApp.ExitClean;
    }
}

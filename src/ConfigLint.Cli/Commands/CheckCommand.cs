using System.CommandLine;
using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.IO;
using ConfigLint.Cli.Reporting;
using ConfigLint.Rules;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Commands;

/// <summary><c>check</c>: lint, print the findings as text, JSON, SARIF or GitHub annotations; exit 1 at or above <c>--fail-on</c>.</summary>
internal static class CheckCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("check", "Lint files and folders.");
        var selection = CommonOptions.WithRulePatterns(command);
        var format = CommonOptions.Choice("--format", "Output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow annotations).", "text", "text", "json", "sarif", "github");
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of standard output." };
        var failOn = CommonOptions.Choice("--fail-on", "Exit 1 when a finding is at or above this level: error, warning, note or none.", "warning", "error", "warning", "note", "none");
        var includeSuppressed = new Option<bool>("--include-suppressed") { Description = "SARIF: also list findings a suppression comment hides, with suppressions[]." };
        var category = new Option<string>("--category") { Description = "SARIF: the code-scanning category (automationDetails.id); one per upload.", DefaultValueFactory = _ => "configlint" };
        var timings = new Option<bool>("--timings") { Description = "After the run, print each phase's wall time (and the slowest rules) on standard error; also CONFIGLINT_TIMINGS=1." };
        command.Options.Add(format);
        command.Options.Add(output);
        command.Options.Add(failOn);
        command.Options.Add(includeSuppressed);
        command.Options.Add(category);
        command.Options.Add(timings);
        command.SetAction(result => Check(env,
            selection.Read(result),
            new ReportOptions(result.GetValue(format)!, result.GetValue(includeSuppressed), result.GetValue(category)!),
            result.GetValue(output),
            result.GetResult(failOn) is { Implicit: false } ? result.GetValue(failOn)! : null,
            result.GetValue(timings) || env.Timings ? new PhaseTimings() : null));
        return command;
    }

    private sealed record ReportOptions(string Format, bool IncludeSuppressed, string Category);

    private static int Check(CliEnvironment env, Selection selection, ReportOptions report, string? output, string? failOn, PhaseTimings? timings)
    {
        var format = report.Format;
        if (string.IsNullOrWhiteSpace(report.Category) || report.Category.Any(char.IsWhiteSpace))
        {
            env.Error.WriteLine($"configlint: error: --category '{report.Category}' must be a non-empty name without spaces.");
            return CliApp.ExitError;
        }

        if (selection.Prepare(env, "check") is not var (driver, options))
        {
            return CliApp.ExitError;
        }

        timings?.Mark("setup");
        var result = driver.Run(options with { Timings = timings });
        var toFile = output is not null;
        var rich = env.Terminal && !toFile && format == "text";
        var text = format switch
        {
            "json" => JsonRenderer.Render(result.Findings),
            "sarif" => SarifRenderer.Render(report.IncludeSuppressed ? FindingPolicy.Ordered(result.Findings.Concat(result.Suppressed)) : result.Findings,
                new SarifRun(result.Rules, env.CurrentDirectory, report.Category, d => RuleCatalog.ReadDocs(d.DocsFolder), result.Errors)),
            "github" => GitHubRenderer.Render(result.Findings),
            _ => TextRenderer.Render(result.Findings, rich, rich && env.Color),
        };

        if (toFile)
        {
            var target = Path.GetFullPath(Path.Combine(env.CurrentDirectory, output!));
            try
            {
                AtomicFile.Write(target, new UTF8Encoding(false).GetBytes(text));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                env.Error.WriteLine($"configlint: error: cannot write '{output}': {ex.Message}");
                return CliApp.ExitError;
            }
        }
        else
        {
            env.Out.Write(text);
        }

        if (timings is not null)
        {
            env.Out.Flush();
            timings.Mark("render");
        }

        env.WriteNotesAndErrors(result);
        if (timings is not null)
        {
            env.Error.Write(timings.Render());
        }

        if (result.Errors.Length > 0)
        {
            return CliApp.ExitError;
        }

        var threshold = DiagnosticLevel.Warning;
        if (failOn is not null)
        {
            LanguageExtensions.TryParseLevel(failOn, out threshold);
        }
        else if (options.Config?.FailOn is { } configured)
        {
            threshold = configured;
        }

        return threshold != DiagnosticLevel.None && result.Findings.Any(f => f.Level >= threshold) ? CliApp.ExitFindings : CliApp.ExitClean;
    }
}

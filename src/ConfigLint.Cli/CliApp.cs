using System.CommandLine;
using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Configuration;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Analysis.IO;
using ConfigLint.Cli.Commands;
using ConfigLint.Cli.Reporting;
using ConfigLint.Rules;
using ConfigLint.Syntax;

namespace ConfigLint.Cli;

/// <summary>The command line: <c>check</c>, <c>fix</c>, <c>rules</c>, <c>rule ID</c>. Exit 0 clean, 1 findings, 2 usage or tool error.</summary>
public static class CliApp
{
    public const int ExitClean = 0;
    public const int ExitFindings = 1;
    public const int ExitError = 2;

    public static int Run(string[] args, CliEnvironment env)
    {
        // Every line on standard error can carry a path or a value from the repository: none reaches the terminal raw.
        env = env with { Error = new EscapingWriter(env.Error) };
        var root = BuildCommand(env);
        ParseResult parsed;
        try
        {
            parsed = root.Parse(args);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            env.Error.WriteLine($"configlint: error: {ex.Message}");
            return ExitError;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                env.Error.WriteLine($"configlint: error: {error.Message}");
            }

            env.Error.WriteLine("Run 'configlint --help' for usage.");
            return ExitError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            env.Error.WriteLine($"configlint: error: {ex.GetType().Name}: {ex.Message}");
            return ExitError;
        }
    }

    private static RootCommand BuildCommand(CliEnvironment env)
    {
        var root = new RootCommand("ConfigLint: a security linter for torrc, squid.conf, nginx, Dockerfile and docker compose files.");

        var paths = new Argument<string[]>("paths") { Arity = ArgumentArity.ZeroOrMore, Description = "Files and folders to lint (default: the current folder)." };
        var format = new Option<string>("--format") { Description = "Output format: text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow annotations).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "sarif", "github");
        var includeSuppressed = new Option<bool>("--include-suppressed") { Description = "SARIF: also list findings a suppression comment hides, with suppressions[]." };
        var category = new Option<string>("--category") { Description = "SARIF: the code-scanning category (automationDetails.id); one per upload.", DefaultValueFactory = _ => "configlint" };
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to this file instead of standard output." };
        var failOn = new Option<string>("--fail-on") { Description = "Exit 1 when a finding is at or above this level: error, warning, note or none.", DefaultValueFactory = _ => "warning" };
        failOn.AcceptOnlyFromAmong("error", "warning", "note", "none");
        var select = new Option<string[]>("--select") { Description = "Only these rule IDs, names or prefixes (comma-separated)." };
        var ignore = new Option<string[]>("--ignore") { Description = "Skip these rule IDs, names or prefixes (comma-separated)." };
        var config = new Option<string?>("--config") { Description = $"Read settings from this file (default: {ConfigLoader.DefaultName} in the current folder, when present)." };

        // What check and fix both take: the paths and which rules and settings apply.
        void AddSelection(Command command)
        {
            command.Arguments.Add(paths);
            command.Options.Add(select);
            command.Options.Add(ignore);
            command.Options.Add(config);
        }

        Selection ReadSelection(ParseResult result) =>
            new(result.GetValue(paths) ?? [], SplitList(result.GetValue(select)), SplitList(result.GetValue(ignore)), result.GetValue(config));

        var check = new Command("check", "Lint files and folders.");
        AddSelection(check);
        check.Options.Add(format);
        check.Options.Add(output);
        check.Options.Add(failOn);
        check.Options.Add(includeSuppressed);
        check.Options.Add(category);
        check.SetAction(result => Check(env,
            ReadSelection(result),
            new ReportOptions(result.GetValue(format)!, result.GetValue(includeSuppressed), result.GetValue(category)!),
            result.GetValue(output),
            result.GetResult(failOn) is { Implicit: false } ? result.GetValue(failOn)! : null));
        root.Subcommands.Add(check);

        var unsafeFixes = new Option<bool>("--unsafe-fixes") { Description = "Also apply fixes that may change behaviour." };
        var diff = new Option<bool>("--diff") { Description = "Print a unified diff of the fixes and write nothing (exit 1 when something would change)." };
        var fix = new Command("fix", "Apply safe fixes in place.");
        AddSelection(fix);
        fix.Options.Add(unsafeFixes);
        fix.Options.Add(diff);
        fix.SetAction(result => Fix(env, ReadSelection(result), result.GetValue(unsafeFixes), result.GetValue(diff)));
        root.Subcommands.Add(fix);

        var modelFormat = new Option<string>("--format") { Description = "Output format: json (the contract) or text.", DefaultValueFactory = _ => "json" };
        modelFormat.AcceptOnlyFromAmong("json", "text");
        var compile = new Command("compile", "Print the resolved deployment model: projects, services, daemons and their config files, listeners and exposure, onion services.");
        compile.Arguments.Add(paths);
        compile.Options.Add(config);
        compile.Options.Add(modelFormat);
        compile.SetAction(result => ShowModel(env, "compile", new Selection(result.GetValue(paths) ?? [], [], [], result.GetValue(config)),
            result.GetValue(modelFormat) == "text" ? (model, _) => ModelRenderer.Text(model) : (model, _) => ModelRenderer.Json(model)));
        root.Subcommands.Add(compile);

        var graphFormat = new Option<string>("--format") { Description = "Output format: mermaid (renders in GitHub markdown) or dot (Graphviz).", DefaultValueFactory = _ => "mermaid" };
        graphFormat.AcceptOnlyFromAmong("mermaid", "dot");
        var graph = new Command("graph", "Draw the deployment: Internet and host, published ports and their exposure, services, networks, daemons, onion services; error findings in red.");
        graph.Arguments.Add(paths);
        graph.Options.Add(config);
        graph.Options.Add(graphFormat);
        graph.SetAction(result => ShowModel(env, "graph", new Selection(result.GetValue(paths) ?? [], [], [], result.GetValue(config)),
            result.GetValue(graphFormat) == "dot" ? (model, run) => GraphRenderer.Dot(model, run.Findings) : (model, run) => GraphRenderer.Mermaid(model, run.Findings)));
        root.Subcommands.Add(graph);

        root.Subcommands.Add(RulesCommand.Create(env));
        root.Subcommands.Add(RuleCommand.Create(env));
        return root;
    }

    private static List<string> SplitList(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    public static AnalyzerDriver CreateDriver() => new(RuleCatalog.CreateAll());

    /// <summary>The paths to analyse, the rule patterns chosen on the command line, and the configuration file asked for.</summary>
    private sealed record Selection(string[] Paths, List<string> Select, List<string> Ignore, string? ConfigPath);

    private sealed record ReportOptions(string Format, bool IncludeSuppressed, string Category);

    private static int Check(CliEnvironment env, Selection selection, ReportOptions report, string? output, string? failOn)
    {
        var format = report.Format;
        if (string.IsNullOrWhiteSpace(report.Category) || report.Category.Any(char.IsWhiteSpace))
        {
            env.Error.WriteLine($"configlint: error: --category '{report.Category}' must be a non-empty name without spaces.");
            return ExitError;
        }

        if (Prepare(env, "check", selection) is not var (driver, options))
        {
            return ExitError;
        }

        var result = driver.Run(options);
        var toFile = output is not null;
        var rich = env.Terminal && !toFile && format == "text";
        var text = format switch
        {
            "json" => JsonRenderer.Render(result.Findings),
            "sarif" => SarifRenderer.Render(report.IncludeSuppressed ? AnalyzerDriver.Ordered(result.Findings.Concat(result.Suppressed)) : result.Findings,
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
                return ExitError;
            }
        }
        else
        {
            env.Out.Write(text);
        }

        WriteNotes(env, result.Notes);
        foreach (var error in result.Errors)
        {
            env.Error.WriteLine($"configlint: error: {error}");
        }

        if (result.Errors.Length > 0)
        {
            return ExitError;
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

        return threshold != DiagnosticLevel.None && result.Findings.Any(f => f.Level >= threshold) ? ExitFindings : ExitClean;
    }

    /// <summary><c>compile</c> and <c>graph</c>: analyse, then print the deployment model as <paramref name="render"/> writes it.</summary>
    private static int ShowModel(CliEnvironment env, string command, Selection selection, Func<ConfigLint.Analysis.Model.CompiledModel, AnalysisResult, string> render)
    {
        if (Prepare(env, command, selection) is not var (driver, options))
        {
            return ExitError;
        }

        var result = driver.Run(options);
        WriteNotes(env, result.Notes);
        foreach (var error in result.Errors)
        {
            env.Error.WriteLine($"configlint: error: {error}");
        }

        env.Out.Write(render(ConfigLint.Analysis.Model.ModelCompiler.Compile(result), result));
        return result.Errors.Length > 0 ? ExitError : ExitClean;
    }

    private static int Fix(CliEnvironment env, Selection selection, bool unsafeFixes, bool diffOnly)
    {
        if (Prepare(env, "fix", selection) is not var (driver, options))
        {
            return ExitError;
        }

        var outcome = Fixer.Run(driver, options, unsafeFixes);
        WriteNotes(env, outcome.Final.Notes);
        foreach (var error in outcome.Errors)
        {
            env.Error.WriteLine($"configlint: error: {error}");
        }

        if (outcome.Errors.Length > 0)
        {
            env.Error.WriteLine("configlint: error: nothing was fixed.");
            return ExitError;
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
            return outcome.Files.Length > 0 ? ExitFindings : ExitClean;
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
        foreach (var applied in AnalyzerDriver.Ordered(written.SelectMany(f => f.Applied).Select(a => a.Finding)))
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
        return failed ? ExitError : ExitClean;
    }

    /// <summary>What check and fix share: the paths look like paths, the configuration loads, every pattern names a rule; then the analysis options.</summary>
    private static (AnalyzerDriver Driver, AnalysisOptions Options)? Prepare(CliEnvironment env, string command, Selection selection)
    {
        var (paths, select, ignore, configPath) = selection;
        foreach (var path in paths)
        {
            if (path.StartsWith('-') && !File.Exists(Path.Combine(env.CurrentDirectory, path)) && !Directory.Exists(Path.Combine(env.CurrentDirectory, path)))
            {
                env.Error.WriteLine($"configlint: error: unknown option '{path}'. Run 'configlint {command} --help' for the options.");
                return null;
            }
        }

        ConfigLintConfig? settings = null;
        var fullPaths = (paths.Length == 0 ? ["."] : paths).Select(p => Path.GetFullPath(Path.Combine(env.CurrentDirectory, p))).ToList();
        var configFile = configPath is null ? ConfigLoader.FindFor(fullPaths) : Path.GetFullPath(Path.Combine(env.CurrentDirectory, configPath));
        if (configFile is not null)
        {
            if (SafeFile.KindOf(configFile, follow: false) == FileKind.Missing)
            {
                env.Error.WriteLine($"configlint: error: configuration file '{configPath}' does not exist.");
                return null;
            }

            try
            {
                // The configuration found in the current folder is part of the repository, so it is confined like
                // every other input; one named with --config is the user's choice.
                settings = ConfigLoader.Load(configFile, Path.GetRelativePath(env.CurrentDirectory, configFile).Replace('\\', '/'), configPath is null ? Path.GetDirectoryName(configFile) : null);
            }
            catch (ConfigException ex)
            {
                env.Error.WriteLine($"configlint: error: {ex.Message}");
                return null;
            }
        }

        var driver = CreateDriver();
        var known = driver.Descriptors.ToList();
        foreach (var pattern in select.Concat(ignore).Concat(settings?.Select ?? []).Concat(settings?.Ignore ?? []).Concat(settings?.Severity.Keys ?? []))
        {
            if (!known.Any(d => AnalyzerDriver.Matches(d, pattern)))
            {
                env.Error.WriteLine($"configlint: error: '{pattern}' matches no rule ID, prefix or name.");
                return null;
            }
        }

        return (driver, new AnalysisOptions(paths, env.CurrentDirectory, select, ignore, settings));
    }

    /// <summary>Files that were left out, and why (on standard error: they are not findings and do not change the exit code).</summary>
    private static void WriteNotes(CliEnvironment env, IEnumerable<string> notes)
    {
        foreach (var note in notes)
        {
            env.Error.WriteLine($"configlint: note: {note}");
        }
    }
}

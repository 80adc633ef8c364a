using System.CommandLine;
using ConfigLint.Analysis.Engine;
using ConfigLint.Cli.Commands;
using ConfigLint.Rules;

namespace ConfigLint.Cli;

/// <summary>
/// The command line: <c>check</c>, <c>fix</c>, <c>compile</c>, <c>graph</c>, <c>rules</c>, <c>rule ID</c>, one file each
/// under <c>Commands/</c>. Exit 0 clean, 1 findings, 2 usage or tool error.
/// </summary>
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
        root.Subcommands.Add(CheckCommand.Create(env));
        root.Subcommands.Add(FixCommand.Create(env));
        root.Subcommands.Add(CompileCommand.Create(env));
        root.Subcommands.Add(GraphCommand.Create(env));
        root.Subcommands.Add(RulesCommand.Create(env));
        root.Subcommands.Add(RuleCommand.Create(env));
        return root;
    }

    public static AnalyzerDriver CreateDriver() => new(RuleCatalog.CreateAll());
}

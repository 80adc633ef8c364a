using System.CommandLine;
using ConfigLint.Analysis.Configuration;

namespace ConfigLint.Cli.Commands;

/// <summary>
/// The options more than one command takes: the paths, <c>--config</c> and <c>--threads</c> (every command that analyses), with
/// <c>--select</c> and <c>--ignore</c> (check and fix), read back as a <see cref="Selection"/>; and the
/// <c>--format</c>-like choice of one value from a list.
/// </summary>
internal sealed class CommonOptions
{
    private readonly Argument<string[]> paths = new("paths") { Arity = ArgumentArity.ZeroOrMore, Description = "Files and folders to lint (default: the current folder)." };
    private readonly Option<string[]>? select;
    private readonly Option<string[]>? ignore;
    private readonly Option<string?> config = new("--config") { Description = $"Read settings from this file (default: the nearest {ConfigLoader.DefaultName} in the folders of the paths named, or above them)." };
    private readonly Option<int?> threads = new("--threads") { Description = "Use at most this many threads (default: one per core; 1 reads and analyses on one thread). The output is the same either way." };

    private CommonOptions(Command command, bool rulePatterns)
    {
        command.Arguments.Add(paths);
        if (rulePatterns)
        {
            select = new Option<string[]>("--select") { Description = "Only these rule IDs, names or prefixes (comma-separated)." };
            ignore = new Option<string[]>("--ignore") { Description = "Skip these rule IDs, names or prefixes (comma-separated)." };
            command.Options.Add(select);
            command.Options.Add(ignore);
        }

        command.Options.Add(config);
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--threads must be 1 or more.");
            }
        });
        command.Options.Add(threads);
    }

    /// <summary>check and fix: the paths, <c>--select</c>, <c>--ignore</c> and <c>--config</c>, added to <paramref name="command"/>.</summary>
    public static CommonOptions WithRulePatterns(Command command) => new(command, rulePatterns: true);

    /// <summary>compile and graph: the paths and <c>--config</c>, added to <paramref name="command"/>.</summary>
    public static CommonOptions PathsAndConfig(Command command) => new(command, rulePatterns: false);

    public Selection Read(ParseResult result) =>
        new(result.GetValue(paths) ?? [], SplitList(result, select), SplitList(result, ignore), result.GetValue(config)) { Threads = result.GetValue(threads) ?? 0 };

    /// <summary>An option that takes one of <paramref name="choices"/> (listed in this order when a value is refused).</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    private static List<string> SplitList(ParseResult result, Option<string[]>? option) =>
        (option is null ? [] : result.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}

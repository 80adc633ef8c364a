using System.CommandLine;
using ConfigLint.Rules;

namespace ConfigLint.Cli.Commands;

/// <summary><c>rule ID</c>: print a rule's documentation (its title when it has none).</summary>
internal static class RuleCommand
{
    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("id") { Description = "A rule ID (TOR001) or name (tor-client-listener-exposed)." };
        var command = new Command("rule", "Print a rule's documentation.");
        command.Arguments.Add(id);
        command.SetAction(result => ShowRule(env, result.GetValue(id)!));
        return command;
    }

    private static int ShowRule(CliEnvironment env, string id)
    {
        var descriptor = CliApp.CreateDriver().Descriptors.FirstOrDefault(d => d.Id.Equals(id, StringComparison.OrdinalIgnoreCase) || d.Name.Equals(id, StringComparison.OrdinalIgnoreCase));
        if (descriptor is null)
        {
            env.Error.WriteLine($"configlint: error: no rule '{id}'. Run 'configlint rules' for the list.");
            return CliApp.ExitError;
        }

        var docs = RuleCatalog.ReadDocs(descriptor.DocsFolder);
        env.Out.Write(docs ?? $"# {descriptor.Name} ({descriptor.Id})\n\n{descriptor.Title}\n");
        return CliApp.ExitClean;
    }
}

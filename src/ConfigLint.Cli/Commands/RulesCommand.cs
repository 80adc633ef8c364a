using System.CommandLine;
using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Commands;

/// <summary><c>rules</c>: one line a rule: ID, default level, fix class, name and title.</summary>
internal static class RulesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("rules", "List every rule.");
        command.SetAction(_ => ListRules(env));
        return command;
    }

    private static int ListRules(CliEnvironment env)
    {
        var sb = new StringBuilder();
        foreach (var d in CliApp.CreateDriver().Descriptors)
        {
            var fix = d.Fix switch { FixClass.Safe => "safe", FixClass.Conditional => "cond", _ => "none" };
            sb.Append($"{d.Id,-7} {d.DefaultLevel.ToText(),-7} {fix,-4} {d.Name,-34} {d.Title}\n");
        }

        env.Out.Write(sb.ToString());
        return CliApp.ExitClean;
    }
}

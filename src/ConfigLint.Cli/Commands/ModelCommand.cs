using System.CommandLine;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.Model;

namespace ConfigLint.Cli.Commands;

/// <summary>What <c>compile</c> and <c>graph</c> share: analyse, then print the deployment model in the <c>--format</c> chosen.</summary>
internal static class ModelCommand
{
    /// <summary>A command <paramref name="name"/> taking the paths, <c>--config</c> and <paramref name="format"/>, whose value <paramref name="renderer"/> turns into how the model is printed.</summary>
    public static Command Create(CliEnvironment env, string name, string description, Option<string> format, Func<string, Func<CompiledModel, AnalysisResult, string>> renderer)
    {
        var command = new Command(name, description);
        var selection = CommonOptions.PathsAndConfig(command);
        command.Options.Add(format);
        command.SetAction(result => ShowModel(env, name, selection.Read(result), renderer(result.GetValue(format)!)));
        return command;
    }

    private static int ShowModel(CliEnvironment env, string command, Selection selection, Func<CompiledModel, AnalysisResult, string> render)
    {
        if (selection.Prepare(env, command) is not var (driver, options))
        {
            return CliApp.ExitError;
        }

        var result = driver.Run(options);
        env.WriteNotesAndErrors(result);
        env.Out.Write(render(ModelCompiler.Compile(result), result));
        return result.Errors.Length > 0 ? CliApp.ExitError : CliApp.ExitClean;
    }
}

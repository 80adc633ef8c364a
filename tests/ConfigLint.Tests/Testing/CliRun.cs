using ConfigLint.Cli;

namespace ConfigLint.Tests.Testing;

/// <summary>Runs the real command line in process, from a given folder, and captures what it writes.</summary>
public static class CliRun
{
    public static (int Code, string Out, string Err) In(string cwd, bool terminal, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = CliApp.Run(args, new CliEnvironment(stdout, stderr, cwd, terminal, Color: false));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Piped (not a terminal): plain output, one finding a line.</summary>
    public static (int Code, string Out, string Err) In(string cwd, params string[] args) => In(cwd, terminal: false, args);
}

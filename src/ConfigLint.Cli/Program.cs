using ConfigLint.Analysis.IO;
using ConfigLint.Cli;

// SIGINT/SIGTERM while 'fix' or '--output' has a temporary file on disk: remove it, then end as the signal asks.
TemporaryFiles.CleanUpOnSignals();

var terminal = !Console.IsOutputRedirected;
var color = terminal && Environment.GetEnvironmentVariable("NO_COLOR") is null && Environment.GetEnvironmentVariable("TERM") != "dumb";
var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = false, NewLine = "\n" };
var stderr = new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
var code = CliApp.Run(args, new CliEnvironment(stdout, stderr, Directory.GetCurrentDirectory(), terminal, color)
{
    Timings = CliEnvironment.TimingsFromEnvironment(Environment.GetEnvironmentVariable("CONFIGLINT_TIMINGS")),
});
stdout.Flush();
return code;

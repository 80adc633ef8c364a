using ConfigLint.Analysis;
using ConfigLint.Analysis.Configuration;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.IO;

namespace ConfigLint.Cli.Commands;

/// <summary>The paths to analyse, the rule patterns chosen on the command line, and the configuration file asked for.</summary>
internal sealed record Selection(string[] Paths, List<string> Select, List<string> Ignore, string? ConfigPath)
{
    /// <summary><c>--threads</c>: 0 when not given (one per core).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// What every analysing command shares: the paths look like paths, the configuration loads, every pattern names a
    /// rule; then the analysis options. Null when one of them fails (said on standard error; the command exits 2).
    /// </summary>
    public (AnalyzerDriver Driver, AnalysisOptions Options)? Prepare(CliEnvironment env, string command)
    {
        var (paths, select, ignore, configPath) = this;
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
                // The configuration found next to the paths is part of the repository, so it is confined like
                // every other input; one named with --config is the user's choice.
                settings = ConfigLoader.Load(configFile, Path.GetRelativePath(env.CurrentDirectory, configFile).Replace('\\', '/'), configPath is null ? Path.GetDirectoryName(configFile) : null);
            }
            catch (ConfigException ex)
            {
                env.Error.WriteLine($"configlint: error: {ex.Message}");
                return null;
            }
        }

        var driver = CliApp.CreateDriver();
        var known = driver.Descriptors.ToList();
        foreach (var pattern in select.Concat(ignore).Concat(settings?.Select ?? []).Concat(settings?.Ignore ?? []).Concat(settings?.Severity.Keys ?? []))
        {
            if (!known.Any(d => FindingPolicy.Matches(d, pattern)))
            {
                env.Error.WriteLine($"configlint: error: '{pattern}' matches no rule ID, prefix or name.");
                return null;
            }
        }

        return (driver, new AnalysisOptions(paths, env.CurrentDirectory, select, ignore, settings) { Threads = Threads });
    }
}

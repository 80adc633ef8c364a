using System.Diagnostics;

namespace ConfigLint.Tests.Testing;

/// <summary>What an external program did: its exit code (null when it timed out and was killed) and its combined output.</summary>
public sealed record ToolRun(int? ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs the programs tests use as oracles or clients (tor, squid, nginx, git, pre-commit, npm tools).</summary>
public static class ExternalTool
{
    /// <summary>Runs <paramref name="program"/> (a name on PATH or a path) with arguments passed verbatim, waiting at most <paramref name="timeout"/>.</summary>
    public static ToolRun Run(string program, IEnumerable<string> args, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Repo.Which(program) ?? program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromSeconds(20)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new ToolRun(null, stdout.Result, stderr.Result + $"\n[killed after {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds:0} s]");
        }

        return new ToolRun(p.ExitCode, stdout.Result, stderr.Result);
    }
}

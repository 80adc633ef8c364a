using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Shouldly;

namespace ConfigLint.Tests.Hostile;

/// <summary>What the real binary did in a subprocess: exit code (null: killed at the timeout), output, wall time.</summary>
public sealed record BinaryRun(int? ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public bool TimedOut => ExitCode is null;

    public override string ToString() => $"exit {ExitCode?.ToString() ?? "none (killed at the timeout)"} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Clip(Stdout)}\nstderr:\n{Clip(Stderr)}";

    private static string Clip(string s) => s.Length > 3000 ? s[..3000] + "…" : s;
}

/// <summary>
/// A repository an attacker wrote, in a fresh folder: <see cref="Tree"/> is what ConfigLint is pointed at, and
/// <see cref="Outside"/> is a sibling folder standing for everything else on the machine (victim files an attack
/// would overwrite). <see cref="OutsideDigest"/> hashes every file outside the tree, so a test compares before and after.
/// </summary>
public sealed class HostileTree : IDisposable
{
    /// <summary>The GC heap limit each run gets: an attack that makes ConfigLint read without bound dies here instead of taking the machine.</summary>
    public const long HeapLimitBytes = 768L * 1024 * 1024;

    public HostileTree()
    {
        Base = Path.Combine(Path.GetTempPath(), "configlint-hostile", Guid.NewGuid().ToString("N"));
        Tree = Path.Combine(Base, "repo");
        Outside = Path.Combine(Base, "outside");
        Directory.CreateDirectory(Tree);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "victim"), "precious\n");
        File.WriteAllText(Path.Combine(Outside, "victim.sarif"), "{}\n");
    }

    public string Base { get; }

    public string Tree { get; }

    public string Outside { get; }

    public static bool IsRoot => Environment.UserName == "root" || (OperatingSystem.IsLinux() && File.ReadAllText("/proc/self/status").Contains("\nUid:\t0\t", StringComparison.Ordinal));

    /// <summary>The real CLI (the apphost next to the test assembly).</summary>
    public static string Binary => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "configlint.exe" : "configlint");

    public string Write(string relative, string content) => WriteBytes(relative, Encoding.UTF8.GetBytes(content));

    public string WriteBytes(string relative, byte[] content)
    {
        var path = Path.Combine(Tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string Symlink(string relative, string target)
    {
        var path = Path.Combine(Tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
        return path;
    }

    public string Fifo(string relative)
    {
        var path = Path.Combine(Tree, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Shell("mkfifo", path).ShouldBeSuccessful();
        return path;
    }

    public string Read(string relative) => File.ReadAllText(Path.Combine(Tree, relative));

    /// <summary>SHA-256 over the names, kinds and contents of everything under <see cref="Base"/> that is not in <see cref="Tree"/>.</summary>
    public string OutsideDigest()
    {
        var sb = new StringBuilder();
        foreach (var entry in Directory.EnumerateFileSystemEntries(Base, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
                     .Where(e => !e.StartsWith(Tree + Path.DirectorySeparatorChar, StringComparison.Ordinal) && e != Tree)
                     .OrderBy(e => e, StringComparer.Ordinal))
        {
            var info = new FileInfo(entry);
            sb.Append(entry).Append('|').Append(info.Attributes).Append('|').Append(info.LinkTarget).Append('|');
            if (info.Exists && info.LinkTarget is null)
            {
                sb.Append(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry))));
            }

            sb.Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>Runs the real binary in <see cref="Tree"/> with a timeout and a heap limit.</summary>
    public BinaryRun Run(TimeSpan timeout, params string[] args) => RunIn(Tree, timeout, null, args);

    public static BinaryRun RunIn(string cwd, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = cwd,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + HeapLimitBytes.ToString("X");
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return new BinaryRun(null, stdout.Result, stderr.Result, clock.Elapsed);
        }

        p.WaitForExit();
        return new BinaryRun(p.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    public static Testing.ToolRun Shell(string program, params string[] args) => Testing.ExternalTool.Run(program, args, timeout: TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Base, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

public static class HostileAssertions
{
    public static void ShouldBeSuccessful(this Testing.ToolRun run) => run.Succeeded.ShouldBeTrue(run.Output);

    /// <summary>Not killed at the timeout, not a crash (134 abort, 139 segfault, a .NET stack trace), and one of ConfigLint's own exit codes.</summary>
    public static BinaryRun ShouldEndCleanly(this BinaryRun run, params int[] allowed)
    {
        run.TimedOut.ShouldBeFalse(run.ToString());
        (allowed.Length == 0 ? [0, 1, 2] : allowed).ShouldContain(run.ExitCode!.Value, run.ToString());
        run.Stderr.ShouldNotContain("   at ", Case.Sensitive, run.ToString());
        run.Stderr.ShouldNotContain("Unhandled exception", Case.Sensitive, run.ToString());
        return run;
    }
}

using System.Diagnostics;

namespace ConfigLint.Fuzz;

/// <summary>How one configlint process ended.</summary>
internal sealed record RunResult(int ExitCode, bool TimedOut, bool OutOfMemory, long PeakRssKb, byte[] Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>CPU time used, as last seen in /proc while it ran (0 for a run too short to be polled): a hang that used no CPU was blocked.</summary>
    public long CpuMs { get; init; }

    /// <summary>Standard output was longer than the harness keeps (then its content is not checked).</summary>
    public bool StdoutTruncated { get; init; }
}

/// <summary>
/// Runs the binary under test as a subprocess in a folder, with a wall-clock timeout and a resident-memory bound
/// (polled from /proc; ulimit -v does not suit .NET, whose GC reserves a large address range up front).
/// </summary>
internal sealed class Runner(string binary, int timeoutMs, long memoryLimitMb)
{
    private const int MaxCapturedStdout = 64 * 1024 * 1024;

    public string Binary { get; } = binary;

    public int TimeoutMs { get; } = timeoutMs;

    /// <summary>The executable and the arguments that precede configlint's own (a .dll runs with `dotnet`).</summary>
    public (string FileName, string[] Prefix) Command => Binary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [Binary]) : (Binary, []);

    public RunResult Run(string workingDirectory, IReadOnlyList<string> arguments)
    {
        var (fileName, prefix) = Command;
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in prefix.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new IOException($"cannot start '{fileName}'");
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        var stdoutTask = CopyCappedAsync(process.StandardOutput.BaseStream, stdout);
        var stderrTask = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        var outOfMemory = false;
        long peak = 0;
        long cpu = 0;
        while (!process.WaitForExit(15))
        {
            peak = Math.Max(peak, ResidentKb(process.Id));
            cpu = Math.Max(cpu, CpuMilliseconds(process.Id));
            if (peak > memoryLimitMb * 1024)
            {
                outOfMemory = true;
            }
            else if (stopwatch.ElapsedMilliseconds > TimeoutMs)
            {
                timedOut = true;
            }
            else
            {
                continue;
            }

            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }

            process.WaitForExit();
            break;
        }

        process.WaitForExit();
        stopwatch.Stop();
        // A killed process's children could keep the pipes open; do not wait for them forever.
        Task.WaitAll([stdoutTask, stderrTask], TimeSpan.FromSeconds(5));
        var stderr = stderrTask.IsCompletedSuccessfully ? stderrTask.Result : string.Empty;
        return new RunResult(process.ExitCode, timedOut, outOfMemory, peak, stdout.ToArray(), stderr, stopwatch.Elapsed) { CpuMs = cpu, StdoutTruncated = stdoutTask.IsCompletedSuccessfully && stdoutTask.Result };
    }

    /// <summary>Reads the stream to its end, keeping at most <see cref="MaxCapturedStdout"/> bytes; true when it dropped some.</summary>
    private static async Task<bool> CopyCappedAsync(Stream source, MemoryStream target)
    {
        var buffer = new byte[81920];
        var truncated = false;
        int read;
        while ((read = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            var keep = (int)Math.Min(read, MaxCapturedStdout - target.Length);
            target.Write(buffer, 0, keep);
            truncated |= keep < read;
        }

        return truncated;
    }

    /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 10 ms on Linux).</summary>
    private static long CpuMilliseconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) * 10;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    private static long ResidentKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended between the checks, or /proc is not there (not Linux): no bound then.
        }

        return 0;
    }
}

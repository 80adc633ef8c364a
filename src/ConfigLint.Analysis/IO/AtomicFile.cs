using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace ConfigLint.Analysis.IO;

/// <summary>
/// Writing into an untrusted tree. A repository can ship symlinks under any name, so a temporary file is created
/// exclusively (O_CREAT|O_EXCL|O_NOFOLLOW, a random name, mode 0600) in the target's folder and never through a
/// symlink; it gets the target's permissions, owner and group, and replaces the target only if the target is still
/// the regular file that was read, holding the bytes that were read (an edit made meanwhile is never lost).
/// Temporary files still on disk when SIGINT or SIGTERM arrives are removed (<see cref="TemporaryFiles"/>).
/// </summary>
public static class AtomicFile
{
    private const int MaxNameAttempts = 16;

    /// <summary>Called between writing the temporary file and the exchange: lets a test play the concurrent editor.</summary>
    internal static Action<string>? BeforeExchange { get; set; } = DelayFromEnvironment();

    /// <summary>
    /// Test hook for the signal tests, which run the real binary: <c>CONFIGLINT_TEST_WRITE_DELAY_MS</c> holds each
    /// temporary file on disk that long before the exchange, so that a signal can be sent while one exists.
    /// </summary>
    private static Action<string>? DelayFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("CONFIGLINT_TEST_WRITE_DELAY_MS"), out var ms) && ms > 0
            ? _ => Thread.Sleep(Math.Min(ms, 60_000))
            : null;

    /// <summary>
    /// Replaces a file's bytes atomically, only if it still holds <paramref name="expected"/>. A symlink is followed to
    /// the regular file it names (the caller has checked that it lies inside the tree), which is replaced; the file's
    /// permissions, owner and group are kept. Throws <see cref="IOException"/> with a reason a user can act on.
    /// </summary>
    public static void Replace(string path, byte[] expected, byte[] content)
    {
        if (!Posix.Available)
        {
            ReplaceManaged(path, expected, content);
            return;
        }

        var target = FinalTarget(path);
        var fd = SafeFile.OpenForReading(target, follow: false, out var problem, out _);
        if (fd < 0)
        {
            throw new IOException(problem);
        }

        try
        {
            var before = Stat.OfDescriptor(fd) ?? throw new IOException("cannot stat the file");
            if (!HoldsExactly(fd, expected))
            {
                throw Changed();
            }

            var temp = CreateTemporary(target, content, before);
            var keep = false;
            try
            {
                // The file is still the one that was read and still holds what was read.
                if (Stat.Of(target, follow: false) is not { Kind: FileKind.Regular } now || !now.SameObject(before) || !HoldsExactly(fd, expected))
                {
                    throw Changed();
                }

                // A test's concurrent editor acts here, after the last check: only the check after the exchange can catch it.
                BeforeExchange?.Invoke(target);

                if (Posix.RenameAt2(Posix.AtFdCwd, temp, Posix.AtFdCwd, target, Posix.RenameExchange) == 0)
                {
                    // The exchange put what was at the target under the temporary name: it must be the file that was
                    // read, unchanged; otherwise someone wrote in between, so put their file back.
                    if (Stat.Of(temp, follow: false) is not { } old || !old.SameObject(before) || !HoldsExactly(fd, expected))
                    {
                        if (Posix.RenameAt2(Posix.AtFdCwd, temp, Posix.AtFdCwd, target, Posix.RenameExchange) != 0)
                        {
                            keep = true;
                            throw new IOException($"the file changed while ConfigLint was fixing it, and putting the changed version back failed ({Posix.Describe(Posix.LastError)}); it is saved as '{temp}'");
                        }

                        throw Changed();
                    }
                }
                else
                {
                    var errno = Posix.LastError;
                    if (errno is not (Posix.EInval or Posix.ENoSys or Posix.EOpNotSupp))
                    {
                        throw new IOException(Posix.Describe(errno));
                    }

                    // The file system cannot exchange: rename, then make sure no in-place edit went to the old file.
                    if (Posix.Rename(temp, target) != 0)
                    {
                        throw new IOException(Posix.Describe(Posix.LastError));
                    }

                    TemporaryFiles.Forget(temp);
                    if (!HoldsExactly(fd, expected))
                    {
                        var edited = SafeFile.ReadDescriptor(fd, long.MaxValue / 2).Bytes ?? expected;
                        Write(target, edited);
                        throw Changed();
                    }

                    return;
                }
            }
            finally
            {
                // After the exchange the temporary name holds the old file; otherwise the new one. Either way it goes,
                // unless it is the only copy of someone's edit.
                if (!keep)
                {
                    _ = Posix.Unlink(temp);
                }

                TemporaryFiles.Forget(temp);
            }
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    /// <summary>
    /// Writes a report. A regular file (a symlink to one is followed) is replaced atomically keeping its mode, owner
    /// and group; a new file is created the same way; anything else the user named — a device, a FIFO, a terminal,
    /// <c>/dev/stdout</c> — is written through, never replaced.
    /// </summary>
    public static void Write(string path, byte[] content)
    {
        if (!Posix.Available)
        {
            WriteManaged(path, content);
            return;
        }

        var followed = Stat.Of(path, follow: true, out var errno);
        if (followed is null && errno == Posix.ELoop)
        {
            throw new IOException(Posix.Describe(errno));
        }

        if (followed is { Kind: FileKind.Directory })
        {
            throw new IOException("it is a folder");
        }

        if (followed is { Kind: not FileKind.Regular })
        {
            WriteThrough(path, content);
            return;
        }

        if (followed is null && Stat.Of(path, follow: false) is { Kind: FileKind.Symlink })
        {
            throw new IOException($"it is a symlink to '{File.ResolveLinkTarget(path, returnFinalTarget: false)?.FullName}', which does not exist");
        }

        var target = followed is null ? Path.GetFullPath(path) : FinalTarget(path);
        var temp = CreateTemporary(target, content, followed);
        try
        {
            BeforeExchange?.Invoke(target);

            // Rename only over a regular file (or nothing): a name that became something else meanwhile is left alone.
            if (Stat.Of(target, follow: false) is { Kind: not FileKind.Regular } other)
            {
                throw new IOException($"it became {SafeFile.Describe(other.Kind)} while ConfigLint was writing it");
            }

            if (Posix.Rename(temp, target) != 0)
            {
                throw new IOException(Posix.Describe(Posix.LastError));
            }
        }
        finally
        {
            _ = Posix.Unlink(temp);
            TemporaryFiles.Forget(temp);
        }
    }

    /// <summary>The regular file at the end of a symlink chain (the path itself when it is not a symlink).</summary>
    private static string FinalTarget(string path)
    {
        var full = Path.GetFullPath(path);
        if (Stat.Of(full, follow: false) is not { Kind: FileKind.Symlink })
        {
            return full;
        }

        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            throw new IOException(Posix.Describe(Posix.ELoop));
        }
    }

    /// <summary>Creates the temporary file exclusively next to <paramref name="target"/>, writes it whole and durably.</summary>
    private static string CreateTemporary(string target, byte[] content, Stat? like)
    {
        var dir = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        if (name.Length > 60)
        {
            name = name[..60];
        }

        for (var attempt = 0; ; attempt++)
        {
            var temp = Path.Combine(dir, $".{name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.configlint-tmp");

            // O_EXCL with O_CREAT never follows a symlink, and fails if the name exists in any form.
            var mode = like is null ? 0x1B6 /* 0666, less the umask */ : 0x180 /* 0600 until the mode is copied */;
            TemporaryFiles.Remember(temp);
            var fd = Posix.Open(temp, Posix.OWrOnly | Posix.OCreat | Posix.OExcl | Posix.ONoFollow | Posix.OCloExec, mode);
            if (fd < 0)
            {
                TemporaryFiles.Forget(temp);
                var errno = Posix.LastError;
                if (errno == Posix.EExist && attempt < MaxNameAttempts)
                {
                    continue;
                }

                throw new IOException($"cannot create a temporary file in '{dir}': {Posix.Describe(errno)}");
            }

            try
            {
                WriteAll(fd, content);
                if (like is { } original)
                {
                    CopyOwnership(fd, original);
                }

                if (Posix.FSync(fd) != 0)
                {
                    throw new IOException(Posix.Describe(Posix.LastError));
                }
            }
            catch
            {
                _ = Posix.Close(fd);
                _ = Posix.Unlink(temp);
                TemporaryFiles.Forget(temp);
                throw;
            }

            if (Posix.Close(fd) != 0)
            {
                var error = Posix.LastError;
                _ = Posix.Unlink(temp);
                TemporaryFiles.Forget(temp);
                throw new IOException(Posix.Describe(error));
            }

            return temp;
        }
    }

    /// <summary>Owner and group first (chown may clear set-id bits), then the permission bits. An owner the process may not give is kept as far as allowed.</summary>
    private static void CopyOwnership(int fd, Stat original)
    {
        if (Stat.OfDescriptor(fd) is { } created && (created.Uid != original.Uid || created.Gid != original.Gid))
        {
            if (Posix.FChown(fd, original.Uid, original.Gid) != 0)
            {
                // Not root: a user may still give the file a group they belong to.
                _ = Posix.FChown(fd, uint.MaxValue, original.Gid);
            }
        }

        if (Posix.FChmod(fd, original.Permissions) != 0)
        {
            throw new IOException($"cannot set the file's permissions: {Posix.Describe(Posix.LastError)}");
        }
    }

    private static void WriteThrough(string path, byte[] content)
    {
        // Blocking open on purpose: a FIFO the user named waits for its reader, as a shell redirection does.
        var fd = Posix.Open(path, Posix.OWrOnly | Posix.ONoCtty | Posix.OCloExec, 0);
        if (fd < 0)
        {
            throw new IOException(Posix.Describe(Posix.LastError));
        }

        try
        {
            WriteAll(fd, content);
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    private static unsafe void WriteAll(int fd, byte[] content)
    {
        var done = 0;
        while (done < content.Length)
        {
            nint n;
            fixed (byte* p = &content[done])
            {
                n = Posix.Write(fd, p, content.Length - done);
            }

            if (n < 0)
            {
                var errno = Posix.LastError;
                if (errno is Posix.EIntr or Posix.EAgain)
                {
                    continue;
                }

                throw new IOException(Posix.Describe(errno));
            }

            done += (int)n;
        }
    }

    /// <summary>Whether an open file holds exactly these bytes (read from offset 0, however the file grew or shrank).</summary>
    private static bool HoldsExactly(int fd, byte[] expected)
    {
        var read = SafeFile.ReadDescriptor(fd, expected.LongLength);
        return read.Bytes is { } bytes && bytes.AsSpan().SequenceEqual(expected);
    }

    private static IOException Changed() => new("the file changed while ConfigLint was fixing it; it was left as it is now; run 'configlint fix' again");

    private static void ReplaceManaged(string path, byte[] expected, byte[] content)
    {
        var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        if (!File.ReadAllBytes(target).AsSpan().SequenceEqual(expected))
        {
            throw Changed();
        }

        WriteManaged(target, content);
    }

    private static void WriteManaged(string path, byte[] content)
    {
        var temp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.configlint-tmp");
        TemporaryFiles.Remember(temp);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
            TemporaryFiles.Forget(temp);
        }
    }
}

/// <summary>The temporary files this process has on disk right now, removed if SIGINT or SIGTERM ends it.</summary>
public static class TemporaryFiles
{
    private static readonly ConcurrentDictionary<string, byte> Live = new(StringComparer.Ordinal);
    private static readonly List<PosixSignalRegistration> Registrations = [];

    internal static void Remember(string path) => Live[path] = 0;

    internal static void Forget(string path) => Live.TryRemove(path, out _);

    /// <summary>How many temporary files are on disk (tests).</summary>
    public static int Count => Live.Count;

    /// <summary>Installs the SIGINT/SIGTERM handlers (once; the CLI calls this at start).</summary>
    public static void CleanUpOnSignals()
    {
        lock (Registrations)
        {
            if (Registrations.Count > 0 || OperatingSystem.IsWindows())
            {
                return;
            }

            foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
            {
                // The default action (ending the process) still runs after the handler.
                Registrations.Add(PosixSignalRegistration.Create(signal, _ => RemoveAll()));
            }
        }
    }

    public static void RemoveAll()
    {
        foreach (var path in Live.Keys)
        {
            try
            {
                if (Posix.Available)
                {
                    _ = Posix.Unlink(path);
                }
                else
                {
                    File.Delete(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: the process is ending.
            }

            Live.TryRemove(path, out _);
        }
    }
}

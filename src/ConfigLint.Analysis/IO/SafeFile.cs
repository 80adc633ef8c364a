namespace ConfigLint.Analysis.IO;

/// <summary>The outcome of a bounded read: the bytes, or why there are none.</summary>
public sealed record ReadOutcome(byte[]? Bytes, string? Problem, ReadFailure Failure)
{
    public bool Ok => Bytes is not null;
}

public enum ReadFailure
{
    None,

    /// <summary>Not a regular file (a FIFO, a device, a socket, a folder): never opened for reading.</summary>
    NotRegular,

    /// <summary>More bytes than the limit (counted as read, not as reported).</summary>
    TooLarge,

    /// <summary>It could not be opened or read (permissions, I/O error, a symlink loop, gone).</summary>
    Unreadable,
}

/// <summary>
/// Reading files from an untrusted tree: only regular files are read (a FIFO would block forever, a device would never
/// end), the open never blocks, and the size limit counts the bytes actually read, not the length the file system
/// reports (0 for <c>/dev/zero</c>, and a file can grow while it is read).
/// </summary>
public static class SafeFile
{
    /// <summary>lstat: the object a name denotes, without following a final symlink.</summary>
    public static FileKind KindOf(string path, bool follow)
    {
        if (Posix.Available)
        {
            var stat = Stat.Of(path, follow, out var errno);
            return stat?.Kind ?? (errno == Posix.ELoop ? FileKind.Symlink : FileKind.Missing);
        }

        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists)
        {
            info = new DirectoryInfo(path);
        }

        if (!info.Exists)
        {
            return !follow && new FileInfo(path).LinkTarget is not null ? FileKind.Symlink : FileKind.Missing;
        }

        if (!follow && info.LinkTarget is not null)
        {
            return FileKind.Symlink;
        }

        return info is DirectoryInfo ? FileKind.Directory : FileKind.Regular;
    }

    /// <summary>stat or lstat; null when the name does not exist (or, following, names a dangling symlink or a loop).</summary>
    public static Stat? StatOf(string path, bool follow) => Posix.Available ? Stat.Of(path, follow) : null;

    /// <summary>"a FIFO", "a character device", … for messages.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.Symlink => "a symlink",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Socket => "a socket",
        FileKind.Missing => "missing",
        _ => "not a regular file",
    };

    /// <summary>
    /// Reads a regular file (symlinks followed), at most <paramref name="maxBytes"/> bytes: a longer file is
    /// <see cref="ReadFailure.TooLarge"/>, or, with <paramref name="prefixOnly"/>, gives its first bytes.
    /// </summary>
    public static ReadOutcome ReadRegular(string path, long maxBytes, bool prefixOnly = false)
    {
        if (!Posix.Available)
        {
            return ReadManaged(path, maxBytes, prefixOnly);
        }

        var fd = OpenForReading(path, follow: true, out var problem, out var failure);
        if (fd < 0)
        {
            return new ReadOutcome(null, problem, failure);
        }

        try
        {
            return ReadDescriptor(fd, maxBytes, prefixOnly);
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }

    /// <summary>
    /// Opens a path for reading without blocking (O_NONBLOCK: a FIFO with no writer would block <c>open</c>) and
    /// checks that what was opened is a regular file; -1 with the reason otherwise.
    /// </summary>
    internal static int OpenForReading(string path, bool follow, out string? problem, out ReadFailure failure)
    {
        var flags = Posix.ORdOnly | Posix.ONonBlock | Posix.ONoCtty | Posix.OCloExec | (follow ? 0 : Posix.ONoFollow);
        var fd = Posix.Open(path, flags, 0);
        if (fd < 0)
        {
            var errno = Posix.LastError;
            failure = ReadFailure.Unreadable;
            problem = errno == Posix.ELoop && !follow ? "it is a symlink" : Posix.Describe(errno);
            return -1;
        }

        var stat = Stat.OfDescriptor(fd);
        if (stat is not { Kind: FileKind.Regular })
        {
            _ = Posix.Close(fd);
            failure = ReadFailure.NotRegular;
            problem = $"it is {Describe(stat?.Kind ?? FileKind.Other)}, not a regular file, so ConfigLint does not read it";
            return -1;
        }

        problem = null;
        failure = ReadFailure.None;
        return fd;
    }

    /// <summary>
    /// Reads an open regular file to its end, or to one byte past the limit (a longer file is
    /// <see cref="ReadFailure.TooLarge"/>); with <paramref name="prefixOnly"/>, to the limit, giving the first bytes.
    /// </summary>
    internal static unsafe ReadOutcome ReadDescriptor(int fd, long maxBytes, bool prefixOnly = false)
    {
        var limit = prefixOnly ? maxBytes : maxBytes + 1;

        // The buffer is the size the file says it has, so the usual read fills it exactly and is returned as it is
        // (no second copy); a file that grows meanwhile is still read to the end or the limit, one that shrinks is cut.
        var size = Math.Clamp(Stat.OfDescriptor(fd)?.Size ?? 0, 0, Math.Min(limit, 16 * 1024 * 1024));
        var buffer = new byte[size > 0 ? size : Math.Min(4096, limit)];
        long total = 0;
        while (total < limit)
        {
            if (total == buffer.Length)
            {
                if (total == size && size > 0 && AtEnd(fd, total))
                {
                    break;
                }

                Array.Resize(ref buffer, (int)Math.Min(Math.Max((long)buffer.Length * 2, 4096), limit));
            }

            nint n;
            fixed (byte* p = &buffer[total])
            {
                n = Posix.PRead(fd, p, buffer.Length - (nint)total, total);
            }

            if (n < 0)
            {
                var errno = Posix.LastError;
                if (errno == Posix.EIntr)
                {
                    continue;
                }

                return new ReadOutcome(null, Posix.Describe(errno), ReadFailure.Unreadable);
            }

            if (n == 0)
            {
                break;
            }

            total += n;
        }

        if (total > maxBytes)
        {
            return TooLarge(maxBytes);
        }

        return new ReadOutcome(total == buffer.Length ? buffer : buffer.AsSpan(0, (int)total).ToArray(), null, ReadFailure.None);
    }

    /// <summary>Whether nothing follows <paramref name="offset"/> (a one-byte read past the size the file gave).</summary>
    private static unsafe bool AtEnd(int fd, long offset)
    {
        while (true)
        {
            byte probe;
            var n = Posix.PRead(fd, &probe, 1, offset);
            if (n < 0 && Posix.LastError == Posix.EIntr)
            {
                continue;
            }

            return n <= 0;
        }
    }

    private static ReadOutcome TooLarge(long maxBytes) =>
        new(null, $"the file is larger than ConfigLint's {maxBytes / (1024 * 1024)} MB limit for configuration files; it is not analysed", ReadFailure.TooLarge);

    private static ReadOutcome ReadManaged(string path, long maxBytes, bool prefixOnly)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1);
            var output = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                output.Write(buffer, 0, n);
                if (output.Length > maxBytes && prefixOnly)
                {
                    return new ReadOutcome(output.ToArray().AsSpan(0, (int)maxBytes).ToArray(), null, ReadFailure.None);
                }

                if (output.Length > maxBytes)
                {
                    return TooLarge(maxBytes);
                }
            }

            return new ReadOutcome(output.ToArray(), null, ReadFailure.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ReadOutcome(null, ex is UnauthorizedAccessException ? "permission denied" : ex.Message.TrimEnd('.'), ReadFailure.Unreadable);
        }
    }
}

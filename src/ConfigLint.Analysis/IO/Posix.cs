using System.Runtime.InteropServices;

namespace ConfigLint.Analysis.IO;

/// <summary>
/// The few POSIX calls .NET does not expose and a tool reading untrusted trees needs: the file type before opening
/// (a FIFO blocks <c>open</c>, a device never ends), opening without following a final symlink and without blocking,
/// exclusive creation, owner and group, and an atomic exchange of two names. Linux only (the flag values are the
/// generic ones, used by x86-64 and arm64); other systems take the managed fallbacks in <see cref="SafeFile"/>.
/// </summary>
internal static unsafe partial class Posix
{
    public const int ORdOnly = 0x0;
    public const int OWrOnly = 0x1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONoCtty = 0x100;
    public const int OTrunc = 0x200;
    public const int ONonBlock = 0x800;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x7ff;
    public const uint RenameExchange = 2;

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int ENxIo = 6;
    public const int EAgain = 11;
    public const int EAccess = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;
    public const int EIsDir = 21;
    public const int EInval = 22;
    public const int ENoSpc = 28;
    public const int ENoSys = 38;
    public const int ELoop = 40;
    public const int EOpNotSupp = 95;

    public static bool Available { get; } = OperatingSystem.IsLinux() && Probe();

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt2(int fromDir, string from, int toDir, string to, uint flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => errno switch
    {
        EPerm or EAccess => "permission denied",
        ENoEnt => "no such file",
        ENotDir => "a part of the path is not a folder",
        EIsDir => "it is a folder",
        ELoop => "too many levels of symbolic links (a symlink loop)",
        ENoSpc => "no space left on the device",
        ENxIo => "no process is reading from it",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };

    private static bool Probe()
    {
        try
        {
            return Stat.Of("/", follow: false) is not null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}

/// <summary>What kind of object a name denotes.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Other,
}

/// <summary>The parts of <c>statx</c> ConfigLint uses.</summary>
public readonly record struct Stat(FileKind Kind, uint Mode, uint Uid, uint Gid, long Size, ulong Device, ulong Inode, long ModifiedTicks)
{
    /// <summary>The permission bits (with set-id and sticky bits).</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool SameObject(Stat other) => Device == other.Device && Inode == other.Inode;

    /// <summary>stat (follow = true) or lstat of a path; null when it does not exist, with the errno in <paramref name="errno"/>.</summary>
    internal static unsafe Stat? Of(string path, bool follow) => Of(path, follow, out _);

    internal static unsafe Stat? Of(string path, bool follow, out int errno)
    {
        var buffer = stackalloc byte[256];
        if (Posix.Statx(Posix.AtFdCwd, path, follow ? 0 : Posix.AtSymlinkNoFollow, Posix.StatxBasicStats, buffer) != 0)
        {
            errno = Posix.LastError;
            return null;
        }

        errno = 0;
        return Decode(buffer);
    }

    internal static unsafe Stat? OfDescriptor(int fd)
    {
        var buffer = stackalloc byte[256];
        return Posix.Statx(fd, string.Empty, Posix.AtEmptyPath, Posix.StatxBasicStats, buffer) != 0 ? null : Decode(buffer);
    }

    /// <summary>struct statx (linux/stat.h) is the same on every architecture: fixed offsets, native byte order.</summary>
    private static unsafe Stat Decode(byte* b)
    {
        var uid = *(uint*)(b + 20);
        var gid = *(uint*)(b + 24);
        uint mode = *(ushort*)(b + 28);
        var inode = *(ulong*)(b + 32);
        var size = *(long*)(b + 40);
        var mtimeSeconds = *(long*)(b + 112);
        var mtimeNanos = *(uint*)(b + 120);
        var devMajor = *(uint*)(b + 136);
        var devMinor = *(uint*)(b + 140);
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Symlink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Other,
        };
        return new Stat(kind, mode, uid, gid, size, ((ulong)devMajor << 32) | devMinor, inode, (mtimeSeconds * 10_000_000) + (mtimeNanos / 100));
    }
}

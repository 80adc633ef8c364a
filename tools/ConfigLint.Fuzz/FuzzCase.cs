using System.Text;

namespace ConfigLint.Fuzz;

internal enum EntryKind
{
    File,
    Symlink,
    Fifo,
}

/// <summary>One entry of a case's folder: a file with bytes, a symbolic link or a FIFO.</summary>
internal sealed record CaseEntry(string Path, EntryKind Kind, byte[] Content, string? Target = null)
{
    public static CaseEntry File(string path, byte[] content) => new(path, EntryKind.File, content);
}

/// <summary>What a command's output must be.</summary>
internal enum OutputKind
{
    Json,
    Sarif,
    Text,
    Github,
    Diff,
}

/// <summary>A configlint command line (run with the case folder as the current folder) and the output it must produce.</summary>
internal sealed record FuzzCommand(OutputKind Output, IReadOnlyList<string> Arguments)
{
    public override string ToString() => string.Join(' ', Arguments);
}

/// <summary>One generated input tree with the commands to run on it and how it was made.</summary>
internal sealed class FuzzCase
{
    public required ulong Seed { get; init; }

    public required long Iteration { get; init; }

    public required List<CaseEntry> Entries { get; init; }

    public required List<string> Mutations { get; init; }

    public required List<FuzzCommand> Commands { get; init; }

    /// <summary>Writes the entries under <paramref name="folder"/> (which must exist and be empty).</summary>
    public void WriteTo(string folder)
    {
        foreach (var entry in Entries)
        {
            var path = Path.Combine(folder, entry.Path);
            var parent = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(parent);
            switch (entry.Kind)
            {
                case EntryKind.File:
                    System.IO.File.WriteAllBytes(path, entry.Content);
                    break;
                case EntryKind.Symlink:
                    System.IO.File.CreateSymbolicLink(path, entry.Target!);
                    break;
                default:
                    MakeFifo(path);
                    break;
            }
        }
    }

    /// <summary>A short printable summary of the entries: path, size and the first bytes, escaped.</summary>
    public string Describe(int previewBytes = 240)
    {
        var builder = new StringBuilder();
        foreach (var entry in Entries)
        {
            switch (entry.Kind)
            {
                case EntryKind.File:
                    var preview = entry.Content.AsSpan(0, Math.Min(previewBytes, entry.Content.Length));
                    builder.Append($"  {entry.Path} ({entry.Content.Length} bytes): {Escape(preview)}{(entry.Content.Length > previewBytes ? "…" : string.Empty)}\n");
                    break;
                case EntryKind.Symlink:
                    builder.Append($"  {entry.Path} -> {entry.Target} (symlink)\n");
                    break;
                default:
                    builder.Append($"  {entry.Path} (FIFO)\n");
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Bytes as printable ASCII with C escapes, so that a failing input can go in a CI log safely.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder("\"");
        foreach (var b in bytes)
        {
            builder.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                < 0x20 or >= 0x7F => $"\\x{b:X2}",
                _ => ((char)b).ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static void MakeFifo(string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })
            ?? throw new IOException("cannot start mkfifo");
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"mkfifo '{path}' failed");
        }
    }
}

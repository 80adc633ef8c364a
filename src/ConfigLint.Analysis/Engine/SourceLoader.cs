using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Engine;

/// <summary>The outcome of reading a file: its text, or why it cannot be analysed.</summary>
public sealed record LoadedSource(SourceText? Text, string? Problem, int ProblemOffset, bool Unreadable)
{
    public bool Ok => Text is not null && Problem is null;
}

/// <summary>
/// Reads configuration files as UTF-8. A binary file (a NUL byte) or invalid UTF-8 is reported at the
/// offending position and not parsed; an unreadable file is a tool error. A UTF-8 BOM is kept as the
/// first character so that printing the tree gives the file back byte for byte.
/// </summary>
public static class SourceLoader
{
    /// <summary>Files above this size are not analysed (configuration files are small).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static LoadedSource Load(string fullPath)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(fullPath);
            if (info.Length > MaxBytes)
            {
                return new LoadedSource(SourceText.From(string.Empty), $"the file is {info.Length / (1024 * 1024)} MB, above ConfigLint's {MaxBytes / (1024 * 1024)} MB limit for configuration files; it is not analysed", 0, false);
            }

            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new LoadedSource(null, Describe(ex), 0, true);
        }

        return Decode(bytes);
    }

    public static LoadedSource Decode(byte[] bytes)
    {
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            var prefix = DecodeLenient(bytes.AsSpan(0, nul));
            return new LoadedSource(SourceText.From(prefix), $"this is a binary file (a NUL byte at offset {nul}), not a configuration file; it is not analysed", prefix.Length, false);
        }

        var chars = new char[bytes.Length + 1];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            var prefix = new string(chars, 0, written);
            var full = DecodeLenient(bytes);
            return new LoadedSource(SourceText.From(full), $"invalid UTF-8 (byte 0x{bytes[read]:X2} at offset {read}); ConfigLint reads configuration files as UTF-8, so this file is not analysed", prefix.Length, false);
        }

        return new LoadedSource(SourceText.From(new string(chars, 0, written)), null, 0, false);
    }

    private static string DecodeLenient(ReadOnlySpan<byte> bytes) => new UTF8Encoding(false, false).GetString(bytes);

    private static string Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => "permission denied",
        FileNotFoundException or DirectoryNotFoundException => "no such file",
        _ => ex.Message.TrimEnd('.'),
    };
}

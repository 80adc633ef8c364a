using System.Buffers;
using System.Text;
using System.Text.Unicode;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Analysis.Engine;

/// <summary>The outcome of reading a file: its text, or why it cannot be analysed.</summary>
public sealed record LoadedSource(SourceText? Text, string? Problem, int ProblemOffset, bool Unreadable, bool InvalidUtf8 = false, bool NotRegular = false)
{
    public bool Ok => Text is not null && Problem is null;
}

/// <summary>
/// Reads configuration files as UTF-8, through <see cref="IO.SafeFile"/> (regular files only, never blocking, at most
/// <see cref="MaxBytes"/> bytes actually read). A binary file (a NUL byte) or invalid UTF-8 is reported at the
/// offending position and not parsed; an unreadable file is a tool error. A UTF-8 BOM is kept as the
/// first character so that printing the tree gives the file back byte for byte.
/// </summary>
public static class SourceLoader
{
    /// <summary>Files above this size are not analysed (configuration files are small).</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static LoadedSource Load(string fullPath)
    {
        var read = IO.SafeFile.ReadRegular(fullPath, MaxBytes);
        return read.Failure switch
        {
            IO.ReadFailure.None => Decode(read.Bytes!),
            IO.ReadFailure.TooLarge => new LoadedSource(SourceText.From(string.Empty), read.Problem, 0, false),
            IO.ReadFailure.NotRegular => new LoadedSource(null, read.Problem, 0, false, NotRegular: true),
            _ => new LoadedSource(null, read.Problem, 0, true),
        };
    }

    public static LoadedSource Decode(byte[] bytes)
    {
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            var prefix = DecodeLenient(bytes.AsSpan(0, nul));
            return new LoadedSource(SourceText.From(prefix), $"this is a binary file (a NUL byte at offset {nul}), not a configuration file; it is not analysed", prefix.Length, false);
        }

        if (Utf8.IsValid(bytes))
        {
            // The usual case, decoded straight into the string (a BOM stays, as U+FEFF).
            return new LoadedSource(SourceText.From(Encoding.UTF8.GetString(bytes)), null, 0, false);
        }

        var chars = new char[bytes.Length + 1];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            // Keep every byte: an invalid byte b becomes the lone surrogate U+DC00+b (as Python's
            // surrogateescape does), so printing the tree and encoding it with Encode gives the file back.
            var escaped = DecodeEscaped(bytes);
            return new LoadedSource(SourceText.From(escaped), $"invalid UTF-8 (byte 0x{bytes[read]:X2} at offset {read})", written, false, InvalidUtf8: true);
        }

        return new LoadedSource(SourceText.From(new string(chars, 0, written)), null, 0, false);
    }

    /// <summary>Decodes UTF-8, mapping each byte of an invalid sequence to U+DC00+byte.</summary>
    public static string DecodeEscaped(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        var buffer = new char[Math.Max(16, bytes.Length)];
        while (!bytes.IsEmpty)
        {
            Utf8.ToUtf16(bytes, buffer, out var read, out var written, replaceInvalidSequences: false);
            sb.Append(buffer, 0, written);
            bytes = bytes[read..];
            if (!bytes.IsEmpty)
            {
                sb.Append((char)(0xDC00 + bytes[0]));
                bytes = bytes[1..];
            }
        }

        return sb.ToString();
    }

    /// <summary>Encodes text as UTF-8, turning escaped bytes (U+DC80–U+DCFF) back into the original bytes.</summary>
    public static byte[] Encode(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uDC80', '\uDCFF') < 0)
        {
            // No escaped byte (the usual case): the text is one run.
            return Encoding.UTF8.GetBytes(text);
        }

        var output = new List<byte>(text.Length);
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var escaped = i < text.Length && text[i] >= '\uDC80' && text[i] <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
            if (i == text.Length || escaped)
            {
                output.AddRange(Encoding.UTF8.GetBytes(text.AsSpan(start, i - start).ToArray()));
                if (escaped)
                {
                    output.Add((byte)(text[i] - 0xDC00));
                }

                start = i + 1;
            }
        }

        return [.. output];
    }

    private static string DecodeLenient(ReadOnlySpan<byte> bytes) => new UTF8Encoding(false, false).GetString(bytes);
}

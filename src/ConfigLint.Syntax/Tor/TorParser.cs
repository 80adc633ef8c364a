using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Tor;

/// <summary>
/// A full-fidelity torrc parser that follows tor's own line reader (confline.c): case-insensitive keys,
/// <c>#</c> anywhere in an unquoted value, C-string quoted values, backslash-newline continuation with
/// tor's comment-swallowing rule, and <c>+</c>/<c>/</c> key prefixes. Errors are located diagnostics;
/// the parser recovers at the next line.
/// </summary>
public static class TorParser
{
    public static SyntaxTree Parse(string path, SourceText text)
    {
        var s = text.ToString();
        var p = new State(s);
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var diagnostics = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        var pos = 0;
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            p.Pending.Add(new SyntaxTrivia(SyntaxKind.ByteOrderMark, new TextSpan(0, 1)));
            pos = 1;
        }

        while (true)
        {
            pos = p.SkipLeading(pos);
            if (pos >= s.Length)
            {
                break;
            }

            var entry = ParseEntry(p, ref pos, diagnostics);
            if (entry is not null)
            {
                children.Add(entry);
            }
        }

        children.Add(new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), p.TakePending(), []));
        foreach (var entry in children.OfType<TorEntrySyntax>())
        {
            CheckEntry(entry, diagnostics);
        }

        return new SyntaxTree(path, Language.Tor, text, new TorDocumentSyntax(children.ToImmutable()), diagnostics.ToImmutable());
    }

    private static TorEntrySyntax? ParseEntry(State p, ref int pos, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var s = p.Text;
        var keyStart = pos;
        while (pos < s.Length && !IsSpace(s[pos]) && s[pos] != '#' && !IsContinuation(s, pos))
        {
            pos++;
        }

        var rawKey = s[keyStart..pos];
        var keyToken = new SyntaxToken(SyntaxKind.TorKey, TextSpan.FromBounds(keyStart, pos), p.TakePending(), TakeBlanks(s, ref pos));
        var valStart = pos;

        if (pos < s.Length && s[pos] == '"')
        {
            return ParseQuoted(p, ref pos, keyToken, rawKey, diagnostics);
        }

        // Unquoted value: runs to the end of the line or to '#'; after a continuation, '#' comments
        // (and their newline) are swallowed without ending the entry, exactly as tor does.
        var continuation = false;
        while (pos < s.Length && s[pos] != '\n' && (s[pos] != '#' || continuation))
        {
            if (IsContinuation(s, pos))
            {
                continuation = true;
                pos += 2;
            }
            else if (s[pos] == '#')
            {
                while (pos < s.Length && s[pos] != '\n')
                {
                    pos++;
                }

                if (pos < s.Length)
                {
                    pos++;
                }
            }
            else
            {
                pos++;
            }
        }

        var cutoff = pos;
        while (cutoff > valStart && IsSpace(s[cutoff - 1]))
        {
            cutoff--;
        }

        var segments = ImmutableArray.CreateBuilder<Segment>();
        var decoded = Decode(s, valStart, cutoff, continuation, segments);
        SyntaxToken? valueToken = null;
        var trailing = new List<SyntaxTrivia>();
        AddBlank(trailing, cutoff, pos, s);
        if (cutoff > valStart)
        {
            valueToken = new SyntaxToken(SyntaxKind.TorValue, TextSpan.FromBounds(valStart, cutoff), [], [.. trailing]);
            trailing.Clear();
        }

        pos = TakeLineEnd(s, pos, trailing);
        if (valueToken is not null)
        {
            valueToken = new SyntaxToken(SyntaxKind.TorValue, valueToken.TokenSpan, [], [.. valueToken.TrailingTrivia, .. trailing]);
        }
        else
        {
            keyToken = new SyntaxToken(SyntaxKind.TorKey, keyToken.TokenSpan, keyToken.LeadingTrivia, [.. keyToken.TrailingTrivia, .. trailing]);
        }

        var lookup = rawKey == "%include" ? new TorOptionLookup(TorOptionStatus.Known, "%include") : TorOptions.Lookup(StripPrefix(rawKey));
        return new TorEntrySyntax(keyToken, valueToken, rawKey, decoded, false, new SegmentMap(segments.ToImmutable()), lookup);
    }

    private static TorEntrySyntax ParseQuoted(State p, ref int pos, SyntaxToken keyToken, string rawKey,
        ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        var s = p.Text;
        var start = pos;
        var lookup = TorOptions.Lookup(StripPrefix(rawKey));
        if (TryUnescape(s, start, out var end, out var decoded, out var error))
        {
            pos = end;
            var trailing = new List<SyntaxTrivia>();
            var blankEnd = pos;
            while (blankEnd < s.Length && s[blankEnd] is ' ' or '\t')
            {
                blankEnd++;
            }

            if (blankEnd < s.Length && s[blankEnd] == '\r' && blankEnd + 1 < s.Length && s[blankEnd + 1] == '\n')
            {
                blankEnd++;
            }

            AddBlank(trailing, pos, blankEnd, s);
            pos = blankEnd;
            if (pos < s.Length && s[pos] != '#' && s[pos] != '\n' && s[pos] != '\r')
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                    "Excess data after quoted string; tor rejects this line.", TextSpan.FromBounds(pos, LineEnd(s, pos))));
                var skipEnd = LineEnd(s, pos);
                trailing.Add(new SyntaxTrivia(SyntaxKind.SkippedText, TextSpan.FromBounds(pos, skipEnd)));
                pos = skipEnd;
            }

            pos = TakeLineEnd(s, pos, trailing);
            var token = new SyntaxToken(SyntaxKind.TorQuotedValue, TextSpan.FromBounds(start, end), [], [.. trailing]);
            return new TorEntrySyntax(keyToken, token, rawKey, decoded, true, SegmentMap.Empty, lookup);
        }

        // Invalid quoted string: report at the bad escape (or the opening quote) and skip the line.
        diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, error.Message, error.Span));
        var lineEnd = LineEnd(s, start);
        var skipped = new List<SyntaxTrivia> { new(SyntaxKind.SkippedText, TextSpan.FromBounds(start, lineEnd)) };
        pos = TakeLineEnd(s, lineEnd, skipped);
        var key = new SyntaxToken(SyntaxKind.TorKey, keyToken.TokenSpan, keyToken.LeadingTrivia, [.. keyToken.TrailingTrivia, .. skipped]);
        return new TorEntrySyntax(key, null, rawKey, string.Empty, true, SegmentMap.Empty, lookup);
    }

    private readonly record struct QuoteError(string Message, TextSpan Span);

    /// <summary>Decodes a C string starting at the opening quote, as tor's unescape_string does.</summary>
    private static bool TryUnescape(string s, int start, out int end, out string value, out QuoteError error)
    {
        var sb = new StringBuilder();
        var i = start + 1;
        while (true)
        {
            if (i >= s.Length)
            {
                end = i;
                value = string.Empty;
                error = new QuoteError("Unterminated quoted string; tor rejects this line.", new TextSpan(start, 1));
                return false;
            }

            var c = s[i];
            if (c == '"')
            {
                end = i + 1;
                value = sb.ToString();
                error = default;
                return true;
            }

            if (c == '\n')
            {
                // tor rejects a raw newline inside quotes ("Invalid escape sequence in quoted string").
                end = i;
                value = string.Empty;
                error = new QuoteError("Unterminated quoted string: no closing '\"' before the end of the line.", new TextSpan(start, 1));
                return false;
            }

            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var next = i + 1 < s.Length ? s[i + 1] : '\0';
            switch (next)
            {
                case 'n': sb.Append('\n'); i += 2; break;
                case 'r': sb.Append('\r'); i += 2; break;
                case 't': sb.Append('\t'); i += 2; break;
                case '"': case '\\': case '\'': sb.Append(next); i += 2; break;
                case 'x' or 'X' when i + 3 < s.Length && Uri.IsHexDigit(s[i + 2]) && Uri.IsHexDigit(s[i + 3]):
                    sb.Append((char)Convert.ToInt32(s.Substring(i + 2, 2), 16));
                    i += 4;
                    break;
                case >= '0' and <= '7':
                {
                    var n = next - '0';
                    var j = i + 2;
                    for (var k = 0; k < 2 && j < s.Length && s[j] is >= '0' and <= '7'; k++, j++)
                    {
                        n = (n * 8) + (s[j] - '0');
                    }

                    if (n > 255)
                    {
                        end = j;
                        value = string.Empty;
                        error = new QuoteError("Invalid escape sequence in quoted string: octal value above \\377.", TextSpan.FromBounds(i, j));
                        return false;
                    }

                    sb.Append((char)n);
                    i = j;
                    break;
                }

                default:
                    end = i;
                    value = string.Empty;
                    var what = next == '\n' ? "a line continuation inside quotes" : $"'\\{next}'";
                    error = new QuoteError($"Invalid escape sequence in quoted string: {what} is not allowed.", new TextSpan(i, Math.Min(2, s.Length - i)));
                    return false;
            }
        }
    }

    /// <summary>Builds tor's value: drop backslash-newline pairs and (after a continuation) '#' comments.</summary>
    private static string Decode(string s, int start, int end, bool continuation, ImmutableArray<Segment>.Builder segments)
    {
        if (!continuation)
        {
            segments.Add(new Segment(0, start, end - start));
            return s[start..end];
        }

        var sb = new StringBuilder(end - start);
        var i = start;
        var runStart = -1;
        void Flush(int at)
        {
            if (runStart >= 0)
            {
                segments.Add(new Segment(sb.Length - (at - runStart), runStart, at - runStart));
                runStart = -1;
            }
        }

        while (i < end)
        {
            if (s[i] == '#')
            {
                Flush(i);
                while (i < end && s[i] != '\n')
                {
                    i++;
                }

                if (i < end)
                {
                    i++;
                }
            }
            else if (IsContinuation(s, i) && i + 1 < end)
            {
                Flush(i);
                i += 2;
            }
            else
            {
                if (runStart < 0)
                {
                    runStart = i;
                }

                sb.Append(s[i]);
                i++;
            }
        }

        Flush(i);
        return sb.ToString();
    }

    private static void CheckEntry(TorEntrySyntax entry, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        if (entry.IsInclude)
        {
            if (entry.Value.Length == 0)
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "'%include' needs a path.", entry.KeyToken.TokenSpan));
            }

            return;
        }

        switch (entry.Option.Status)
        {
            case TorOptionStatus.Unknown:
            {
                // A file with hundreds of problems gets no more hints (SyntaxTree keeps only the first of each ID anyway).
                var hint = diagnostics.Count < SyntaxTree.MaxDiagnosticsPerId ? TorOptions.Suggest(entry.Key) : null;
                var message = entry.Key.StartsWith('%')
                    ? $"Unknown option '{entry.Key}'; tor refuses to start. Only '%include' (lower case) is a directive."
                    : hint is null
                        ? $"Unknown option '{entry.Key}'; tor refuses to start."
                        : $"Unknown option '{entry.Key}'; tor refuses to start. Did you mean '{hint}'?";
                diagnostics.Add(new ParseDiagnostic("CL0002", DiagnosticLevel.Error, message, entry.KeyToken.TokenSpan));
                return;
            }

            case TorOptionStatus.Obsolete:
                // tor accepts and skips obsolete options ("Skipping obsolete configuration option"), so this
                // is not a syntax problem; rules that care (TOR010) read Option.Status.
                return;
        }

        if (entry.Prefix == '/')
        {
            return;
        }

        var name = entry.Name;
        var value = entry.Value;
        if (TorOptions.IsBooleanOption(name) && value.Length > 0 && value is not ("0" or "1"))
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                $"'{name}' takes 0 or 1, not '{value}'; tor refuses to start.", entry.ValueSpan));
        }
        else if (TorOptions.IsAutoBooleanOption(name) && value.Length > 0 && !(value is "0" or "1" || value.Equals("auto", StringComparison.OrdinalIgnoreCase)))
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                $"'{name}' takes 0, 1 or auto, not '{value}'; tor refuses to start.", entry.ValueSpan));
        }
        else if (TorOptions.IsPortOption(name) && value.Length > 0)
        {
            var port = TorPortSpec.Parse(entry);
            if (port.Error is { } e)
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, e.Message, e.Span));
            }
        }
        else if (TorOptions.IsPolicyOption(name) && value.Length > 0)
        {
            foreach (var item in TorPolicy.Parse(entry))
            {
                if (item.Error is { } e)
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, e, item.Span));
                }
            }
        }
        else if (TorValues.Problem(name, value) is { } valueProblem)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, valueProblem, entry.ValueSpan));
        }
        else if (name == "PublishServerDescriptor" && TorValues.PublishServerDescriptorProblem(value) is { } publishProblem)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, publishProblem, entry.ValueSpan));
        }
        else if (name == "ServerTransportListenAddr" && TorValues.ServerTransportListenAddrProblem(value) is { } listenProblem)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, listenProblem, entry.ValueSpan));
        }
        else if (name == "HiddenServicePort" && value.Length > 0)
        {
            var hs = TorHiddenServicePort.Parse(entry);
            if (hs.Error is { } e)
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, e, entry.ValueSpan));
            }
        }
    }

    private static string StripPrefix(string key) => key.Length > 0 && key[0] is '+' or '/' ? key[1..] : key;

    internal static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f';

    private static bool IsContinuation(string s, int i) => s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\n';

    private static int LineEnd(string s, int pos)
    {
        var i = s.IndexOf('\n', pos);
        return i < 0 ? s.Length : i;
    }

    private static ImmutableArray<SyntaxTrivia> TakeBlanks(string s, ref int pos)
    {
        var start = pos;
        while (pos < s.Length && s[pos] is ' ' or '\t')
        {
            pos++;
        }

        return pos > start ? [new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, pos))] : [];
    }

    private static void AddBlank(List<SyntaxTrivia> list, int start, int end, string s)
    {
        var i = start;
        while (i < end)
        {
            var j = i;
            if (s[i] == '\n')
            {
                list.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, new TextSpan(i, 1)));
                i++;
                continue;
            }

            while (j < end && s[j] != '\n')
            {
                j++;
            }

            list.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(i, j)));
            i = j;
        }
    }

    /// <summary>Consumes trailing blanks, an optional comment and the line's newline as trailing trivia.</summary>
    private static int TakeLineEnd(string s, int pos, List<SyntaxTrivia> trailing)
    {
        var start = pos;
        while (pos < s.Length && s[pos] != '\n' && s[pos] != '#' && IsSpace(s[pos]))
        {
            pos++;
        }

        AddBlank(trailing, start, pos, s);
        if (pos < s.Length && s[pos] == '#')
        {
            var end = LineEnd(s, pos);
            var commentEnd = end > pos && s[end - 1] == '\r' ? end - 1 : end;
            trailing.Add(new SyntaxTrivia(SyntaxKind.Comment, TextSpan.FromBounds(pos, commentEnd)));
            AddBlank(trailing, commentEnd, end, s);
            pos = end;
        }

        if (pos < s.Length && s[pos] == '\n')
        {
            trailing.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, new TextSpan(pos, 1)));
            pos++;
        }

        return pos;
    }

    private sealed class State(string text)
    {
        public string Text { get; } = text;

        public List<SyntaxTrivia> Pending { get; } = [];

        public ImmutableArray<SyntaxTrivia> TakePending()
        {
            var result = Pending.ToImmutableArray();
            Pending.Clear();
            return result;
        }

        /// <summary>Skips whitespace, blank lines and comment lines before the next key, as trivia.</summary>
        public int SkipLeading(int pos)
        {
            var s = Text;
            while (pos < s.Length)
            {
                var c = s[pos];
                if (c == '\n')
                {
                    Pending.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, new TextSpan(pos, 1)));
                    pos++;
                }
                else if (IsSpace(c))
                {
                    var start = pos;
                    while (pos < s.Length && s[pos] != '\n' && IsSpace(s[pos]))
                    {
                        pos++;
                    }

                    Pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, pos)));
                }
                else if (c == '#')
                {
                    var end = LineEnd(s, pos);
                    var commentEnd = end > pos && s[end - 1] == '\r' ? end - 1 : end;
                    Pending.Add(new SyntaxTrivia(SyntaxKind.Comment, TextSpan.FromBounds(pos, commentEnd)));
                    if (commentEnd < end)
                    {
                        Pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(commentEnd, end)));
                    }

                    pos = end;
                }
                else
                {
                    break;
                }
            }

            return pos;
        }
    }
}

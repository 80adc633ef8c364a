using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Squid;

/// <summary>One logical squid.conf line: a directive (or if/else/endif/include) with its arguments.</summary>
public sealed class SquidDirectiveSyntax : SyntaxNode
{
    internal SquidDirectiveSyntax(ImmutableArray<SyntaxElement> children, string name, ImmutableArray<string> args,
        string logicalLine, SegmentMap segments, TextSpan nameSpan)
        : base(SyntaxKind.SquidDirective, children)
    {
        Name = name;
        Args = args;
        LogicalLine = logicalLine;
        Segments = segments;
        NameSpan = nameSpan;
    }

    /// <summary>The directive name as written (squid compares names case-sensitively).</summary>
    public string Name { get; }

    /// <summary>Whitespace-separated arguments, up to a token that starts with '#'.</summary>
    public ImmutableArray<string> Args { get; }

    /// <summary>The joined line squid parses (continuations removed, trailing blanks trimmed).</summary>
    public string LogicalLine { get; }

    public SegmentMap Segments { get; }

    public TextSpan NameSpan { get; }

    public SquidDirectiveInfo? Info => SquidDirectives.Lookup(Name);

    /// <summary>
    /// The line ends with a continuation '\' and the file ends before another line: squid drops such a line unread
    /// (parseOneConfigFile only processes a line once its continuation is complete).
    /// </summary>
    public bool Unterminated { get; init; }

    /// <summary>Maps a range of <see cref="LogicalLine"/> to the source.</summary>
    public TextSpan MapLogical(int start, int length) => Segments.Map(start, length) ?? NameSpan;
}

public sealed class SquidDocumentSyntax : SyntaxNode
{
    internal SquidDocumentSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.SquidDocument, children) => Directives = children.OfType<SquidDirectiveSyntax>().ToImmutableArray();

    public ImmutableArray<SquidDirectiveSyntax> Directives { get; }
}

/// <summary>
/// A full-fidelity squid.conf parser following squid's reader (cache_cf.cc parseOneConfigFile): each line ends at
/// its first LF or CR (text after an embedded CR is ignored), leading blanks are stripped, '#' lines are comments,
/// a line ending in '\' continues onto the next non-comment line with its leading blanks stripped and nothing
/// inserted, and if/else/endif must balance. Directive names are checked against squid's table (CL0002); obsolete ones are
/// reported by the binder, which knows the squid version.
/// </summary>
public static class SquidParser
{
    private readonly record struct Line(int Start, int ContentEnd, int End);

    public static SyntaxTree Parse(string path, SourceText text)
    {
        var s = text.ToString();
        var lines = SplitLines(s);
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var diagnostics = ImmutableArray.CreateBuilder<ParseDiagnostic>();
        var pending = new List<SyntaxTrivia>();
        var position = 0;
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.ByteOrderMark, new TextSpan(0, 1)));
            position = 1;
        }

        var conditionals = new Stack<TextSpan>();
        var i = 0;
        while (i < lines.Count)
        {
            var line = lines[i];
            var start = Math.Max(line.Start, position);
            var lead = Blanks(s, start, line.ContentEnd);
            if (lead == line.ContentEnd || s[lead] == '#')
            {
                AddLineTrivia(s, pending, start, lead, line, lead == line.ContentEnd ? SyntaxKind.Whitespace : SyntaxKind.Comment);
                position = line.End;
                i++;
                continue;
            }

            // A logical line: this line plus continuations.
            var tokens = new List<SyntaxElement>();
            var logical = new StringBuilder();
            var segments = ImmutableArray.CreateBuilder<Segment>();
            if (lead > start)
            {
                pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, lead)));
            }

            var nameEnd = lead;
            while (nameEnd < line.ContentEnd && !IsBlank(s[nameEnd]))
            {
                nameEnd++;
            }

            var nameSpan = TextSpan.FromBounds(lead, nameEnd);
            tokens.Add(new SyntaxToken(SyntaxKind.SquidName, nameSpan, [.. pending], []));
            pending.Clear();
            var continued = Append(s, lead, line.ContentEnd, logical, segments);
            AddArguments(s, tokens, pending, nameEnd, line.ContentEnd);
            AddEnd(s, pending, line);
            i++;
            while (continued && i < lines.Count)
            {
                var next = lines[i];
                var nextLead = Blanks(s, next.Start, next.ContentEnd);
                if (nextLead == next.ContentEnd || s[nextLead] == '#')
                {
                    AddLineTrivia(s, pending, next.Start, nextLead, next, nextLead == next.ContentEnd ? SyntaxKind.Whitespace : SyntaxKind.Comment);
                    i++;
                    continue;
                }

                if (nextLead > next.Start)
                {
                    pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(next.Start, nextLead)));
                }

                continued = Append(s, nextLead, next.ContentEnd, logical, segments);
                AddArguments(s, tokens, pending, nextLead, next.ContentEnd);
                AddEnd(s, pending, next);
                i++;
            }

            position = i < lines.Count ? lines[i].Start : s.Length;
            var logicalLine = logical.ToString().TrimEnd(' ', '\t');
            var words = Words(logicalLine);
            var name = words.Count > 0 ? words[0] : string.Empty;
            var directive = new SquidDirectiveSyntax([.. tokens], name, [.. words.Skip(1)], logicalLine, new SegmentMap(segments.ToImmutable()), nameSpan)
            {
                Unterminated = continued,
            };
            children.Add(directive);
            if (continued)
            {
                diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Warning,
                    $"This '{name}' line ends with a continuation '\\' and nothing follows it, so squid drops it unread; remove the '\\' or finish the line.", nameSpan));
            }
            else
            {
                Check(directive, conditionals, diagnostics);
            }
        }

        foreach (var open in conditionals)
        {
            diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "'if' has no matching 'endif'; squid refuses to start.", open));
        }

        children.Add(new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), [.. pending], []));
        return new SyntaxTree(path, Language.Squid, text, new SquidDocumentSyntax(children.ToImmutable()), diagnostics.ToImmutable());
    }

    private static void Check(SquidDirectiveSyntax d, Stack<TextSpan> conditionals, ImmutableArray<ParseDiagnostic>.Builder diagnostics)
    {
        switch (d.Name)
        {
            case "if":
                conditionals.Push(d.NameSpan);
                if (!IsCondition(d.Args))
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"'if {string.Join(' ', d.Args)}' is not a condition squid understands (true, false, or <number> = <number>).", d.NameSpan));
                }

                return;
            case "else":
            case "endif":
                if (conditionals.Count == 0)
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, $"'{d.Name}' without a matching 'if'; squid refuses to start.", d.NameSpan));
                }
                else if (d.Name == "endif")
                {
                    conditionals.Pop();
                }

                return;
            case "include":
                if (d.Args.Length == 0)
                {
                    diagnostics.Add(new ParseDiagnostic("CL0001", DiagnosticLevel.Error, "'include' needs at least one path.", d.NameSpan));
                }

                return;
        }

        if (d.Info is null)
        {
            var hint = diagnostics.Count < SyntaxTree.MaxDiagnosticsPerId ? SquidDirectives.Suggest(d.Name) : null;
            diagnostics.Add(new ParseDiagnostic("CL0002", DiagnosticLevel.Error,
                $"Unrecognized directive '{d.Name}'; squid reports it and refuses to start.{(hint is null ? string.Empty : $" Did you mean '{hint}'?")}", d.NameSpan));
        }

        // Whether a known directive is obsolete depends on the squid version, which only the deployment knows: the
        // binder reports it (SquidBinder).
    }

    /// <summary>
    /// squid's conditions: <c>true</c>, <c>false</c> or <c>&lt;integer&gt; = &lt;integer&gt;</c>, after squid has replaced
    /// its macros (<c>${process_number}</c> is the kid's number, so <c>if ${process_number} = 1</c> is valid).
    /// </summary>
    private static bool IsCondition(ImmutableArray<string> args) =>
        (args.Length == 1 && args[0] is "true" or "false")
        || (args.Length == 3 && args[1] == "=" && IsInteger(args[0]) && IsInteger(args[2]));

    private static bool IsInteger(string word) =>
        long.TryParse(word.Replace("${process_number}", "1", StringComparison.Ordinal), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Whitespace-separated words up to a word that starts with '#'.</summary>
    public static List<string> Words(string line)
    {
        var words = new List<string>();
        foreach (var word in line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith('#') && words.Count > 0)
            {
                break;
            }

            words.Add(word);
        }

        return words;
    }

    private static bool Append(string s, int start, int end, StringBuilder logical, ImmutableArray<Segment>.Builder segments)
    {
        var continued = end > start && s[end - 1] == '\\';
        var pieceEnd = continued ? end - 1 : end;
        segments.Add(new Segment(logical.Length, start, pieceEnd - start));
        logical.Append(s, start, pieceEnd - start);
        return continued;
    }

    private static void AddArguments(string s, List<SyntaxElement> tokens, List<SyntaxTrivia> pending, int start, int end)
    {
        var j = Blanks(s, start, end);
        if (j > start)
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, j)));
        }

        if (j < end)
        {
            tokens.Add(new SyntaxToken(SyntaxKind.SquidArguments, TextSpan.FromBounds(j, end), [.. pending], []));
            pending.Clear();
        }
    }

    /// <summary>The rest of a physical line: text after an embedded CR (ignored by squid) and the line end.</summary>
    private static void AddEnd(string s, List<SyntaxTrivia> pending, Line line)
    {
        var newline = line.End > line.ContentEnd && s[line.End - 1] == '\n' ? line.End - 1 : line.End;
        if (newline > line.ContentEnd)
        {
            var kind = newline - line.ContentEnd == 1 ? SyntaxKind.Whitespace : SyntaxKind.SkippedText;
            pending.Add(new SyntaxTrivia(kind, TextSpan.FromBounds(line.ContentEnd, newline)));
        }

        if (line.End > newline)
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, TextSpan.FromBounds(newline, line.End)));
        }
    }

    private static void AddLineTrivia(string s, List<SyntaxTrivia> pending, int start, int lead, Line line, SyntaxKind kind)
    {
        if (lead > start)
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.Whitespace, TextSpan.FromBounds(start, lead)));
        }

        if (line.ContentEnd > lead)
        {
            pending.Add(new SyntaxTrivia(kind, TextSpan.FromBounds(lead, line.ContentEnd)));
        }

        AddEnd(s, pending, line);
    }

    private static int Blanks(string s, int start, int end)
    {
        while (start < end && IsBlank(s[start]))
        {
            start++;
        }

        return start;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\v' or '\f';

    /// <summary>Lines end at LF; the content ends at the first CR or LF, as squid truncates at both.</summary>
    private static List<Line> SplitLines(string s)
    {
        var lines = new List<Line>();
        var start = 0;
        while (start < s.Length)
        {
            var nl = s.IndexOf('\n', start);
            var end = nl < 0 ? s.Length : nl + 1;
            var limit = nl < 0 ? s.Length : nl;
            var cr = s.IndexOf('\r', start, limit - start);
            lines.Add(new Line(start, cr < 0 ? limit : cr, end));
            start = end;
        }

        return lines;
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>A shell script of iptables commands: its lines as tokens (full fidelity) and what the reader made of it.</summary>
public sealed class IptablesScriptSyntax : SyntaxNode
{
    internal IptablesScriptSyntax(ImmutableArray<SyntaxElement> children, IptablesScript script)
        : base(SyntaxKind.IptablesScriptDocument, children) => Script = script;

    /// <summary>The iptables commands the script runs (in order), the reader's notes, and whether it could follow the script.</summary>
    public IptablesScript Script { get; }
}

/// <summary>What kind of iptables file a text is.</summary>
public enum IptablesFileKind
{
    /// <summary>Neither (an ordinary script, an nft ruleset, anything else).</summary>
    None,

    /// <summary>iptables-save / ip6tables-save output (what iptables-restore reads).</summary>
    Save,

    /// <summary>A shell script whose work is mostly iptables / ip6tables commands.</summary>
    Script,
}

/// <summary>Parses an iptables file of either kind, and tells the kinds apart by content.</summary>
public static class IptablesFile
{
    private static readonly string[] TableHeaders = ["*filter", "*nat", "*mangle", "*raw", "*security"];

    /// <summary>Parses iptables-save content with <see cref="IptablesParser"/> and anything else as a script.</summary>
    public static SyntaxTree Parse(string path, SourceText text)
    {
        var s = text.ToString();
        return Classify(s, path.EndsWith(".sh", StringComparison.OrdinalIgnoreCase)) == IptablesFileKind.Script ? ParseScript(path, text) : IptablesParser.Parse(path, text);
    }

    /// <summary>A script's tree: each non-blank line is one token; the reader's result hangs on the root.</summary>
    public static SyntaxTree ParseScript(string path, SourceText text)
    {
        var s = text.ToString();
        var children = ImmutableArray.CreateBuilder<SyntaxElement>();
        var pending = new List<SyntaxTrivia>();
        var position = 0;
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            pending.Add(new SyntaxTrivia(SyntaxKind.ByteOrderMark, new TextSpan(0, 1)));
            position = 1;
        }

        while (position < s.Length)
        {
            var nl = s.IndexOf('\n', position);
            var contentEnd = nl < 0 ? s.Length : nl;
            var end = nl < 0 ? s.Length : nl + 1;
            if (contentEnd > position)
            {
                children.Add(new SyntaxToken(SyntaxKind.IptablesScriptLine, TextSpan.FromBounds(position, contentEnd), [.. pending], []));
                pending.Clear();
            }

            if (end > contentEnd)
            {
                pending.Add(new SyntaxTrivia(SyntaxKind.EndOfLine, TextSpan.FromBounds(contentEnd, end)));
            }

            position = end;
        }

        children.Add(new SyntaxToken(SyntaxKind.EndOfFile, new TextSpan(s.Length, 0), [.. pending], []));
        var script = IptablesScriptReader.Read(s.Length > 0 && s[0] == '\uFEFF' ? " " + s[1..] : s);
        return new SyntaxTree(path, Language.Iptables, text, new IptablesScriptSyntax(children.ToImmutable(), script), []);
    }

    /// <summary>
    /// iptables-save content: a <c>*table</c> header and mostly dump lines (<c>:</c>, <c>-A</c>, <c>--append=</c>, <c>[</c>, <c>COMMIT</c>,
    /// comments); a script: a shell script (a shell shebang, or <paramref name="shellByName"/> for a <c>.sh</c> name) in
    /// which at least three commands are iptables or ip6tables and they make up a tenth or more of its commands
    /// (an ordinary script that calls iptables once or never is not one). Only the first 2,000 lines are looked at.
    /// </summary>
    public static IptablesFileKind Classify(string text, bool shellByName = false)
    {
        var lines = text.Split('\n', 2001).Take(2000).Select(l => l.TrimEnd('\r')).ToList();
        var header = false;
        var dump = 0;
        var other = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (TableHeaders.Contains(line.Split(' ', '\t')[0]))
            {
                header = true;
                dump++;
            }
            else if (line[0] is ':' or '[' or '-' || line == "COMMIT")
            {
                dump++;
            }
            else
            {
                other++;
            }
        }

        if (header && dump >= 2 && dump >= 4 * other)
        {
            return IptablesFileKind.Save;
        }

        var shebang = lines.Count > 0 && lines[0].StartsWith("#!", StringComparison.Ordinal)
            && ShellNames.Any(n => lines[0].Contains(n, StringComparison.Ordinal));
        var commands = 0;
        var iptables = 0;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line is "fi" or "done" or "esac" or "}" or ";;" or "else" or "then" or "do" or "{")
            {
                continue;
            }

            commands++;
            var first = line.Split(' ', '\t')[0];
            if (first is "sudo")
            {
                first = line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? first;
            }

            if (IptablesScriptReader.IsIptablesProgram(first, out _) || (first.StartsWith('$') && first.Contains("IPT", StringComparison.OrdinalIgnoreCase)))
            {
                iptables++;
            }
        }

        return (shebang || shellByName) && iptables >= 3 && iptables * 10 >= commands ? IptablesFileKind.Script : IptablesFileKind.None;
    }

    private static readonly string[] ShellNames = ["/sh", "/bash", "/dash", "/ash", "/ksh", "/zsh", "env sh", "env bash", "env dash", "env zsh"];
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Iptables;

/// <summary>A <c>*table</c> line: opens a table block.</summary>
public sealed class IptablesTableHeaderSyntax : SyntaxNode
{
    internal IptablesTableHeaderSyntax(ImmutableArray<SyntaxElement> children, string name, TextSpan nameSpan)
        : base(SyntaxKind.IptablesTableHeader, children)
    {
        Name = name;
        NameSpan = nameSpan;
    }

    /// <summary>The table name (<c>filter</c>, <c>nat</c>, <c>mangle</c>, <c>raw</c>, <c>security</c>), empty when missing.</summary>
    public string Name { get; }

    public TextSpan NameSpan { get; }
}

/// <summary>A <c>:CHAIN POLICY [packets:bytes]</c> line: declares a chain (policy <c>-</c> for a user chain).</summary>
public sealed class IptablesChainDeclarationSyntax : SyntaxNode
{
    internal IptablesChainDeclarationSyntax(ImmutableArray<SyntaxElement> children, string name, TextSpan nameSpan, string? policy, TextSpan policySpan)
        : base(SyntaxKind.IptablesChainDeclaration, children)
    {
        Name = name;
        NameSpan = nameSpan;
        Policy = policy;
        PolicySpan = policySpan;
    }

    public string Name { get; }

    public TextSpan NameSpan { get; }

    /// <summary><c>ACCEPT</c>, <c>DROP</c>, <c>-</c> (user chain), or null when missing.</summary>
    public string? Policy { get; }

    public TextSpan PolicySpan { get; }
}

/// <summary>A command line inside a table block (<c>[p:b] -A CHAIN …</c>, or <c>-N</c>, <c>-I</c>, <c>-D</c>, <c>-F</c>, …).</summary>
public sealed class IptablesCommandLineSyntax : SyntaxNode
{
    internal IptablesCommandLineSyntax(ImmutableArray<SyntaxElement> children, ImmutableArray<IptablesWord> words, IptablesCommand? command)
        : base(SyntaxKind.IptablesCommandLine, children)
    {
        Words = words;
        Command = command;
    }

    /// <summary>The arguments as iptables-restore splits them (quotes removed, <c>\</c> escapes applied inside quotes).</summary>
    public ImmutableArray<IptablesWord> Words { get; }

    /// <summary>The command, or null when the line was too long for iptables-restore to read.</summary>
    public IptablesCommand? Command { get; }
}

/// <summary>A <c>COMMIT</c> line: closes the table block.</summary>
public sealed class IptablesCommitSyntax : SyntaxNode
{
    internal IptablesCommitSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.IptablesCommit, children)
    {
    }
}

/// <summary>An iptables-save / iptables-restore file: its lines in order (comments and blank lines are trivia).</summary>
public sealed class IptablesDocumentSyntax : SyntaxNode
{
    internal IptablesDocumentSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.IptablesDocument, children) => Lines = children.OfType<SyntaxNode>().ToImmutableArray();

    /// <summary>Table headers, chain declarations, command lines and COMMITs, in file order.</summary>
    public ImmutableArray<SyntaxNode> Lines { get; }
}

/// <summary>Table and chain facts iptables-restore checks.</summary>
public static class IptablesTables
{
    /// <summary>The built-in chains of each table.</summary>
    public static readonly ImmutableDictionary<string, ImmutableArray<string>> BuiltInChains = new Dictionary<string, ImmutableArray<string>>
    {
        ["filter"] = ["INPUT", "FORWARD", "OUTPUT"],
        ["nat"] = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        ["mangle"] = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        ["raw"] = ["PREROUTING", "OUTPUT"],
        ["security"] = ["INPUT", "FORWARD", "OUTPUT"],
    }.ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="chain"/> is built into <paramref name="table"/>.</summary>
    public static bool IsBuiltIn(string table, string chain) =>
        BuiltInChains.TryGetValue(table, out var chains) && chains.Contains(chain);

    /// <summary>Chain names are at most 28 characters (XT_EXTENSION_MAXNAMELEN − 1).</summary>
    public const int MaxChainName = 28;
}

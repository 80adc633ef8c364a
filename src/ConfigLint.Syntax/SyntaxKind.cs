namespace ConfigLint.Syntax;

/// <summary>
/// Kinds of tokens, trivia and nodes for every language, in disjoint numeric ranges so that the
/// analysis engine can key callbacks on a single integer.
/// </summary>
public enum SyntaxKind : ushort
{
    None = 0,

    // Shared trivia (1–49).
    Whitespace = 1,
    EndOfLine,
    Comment,
    LineContinuation,
    SkippedText,
    ByteOrderMark,

    // Shared tokens (50–99).
    EndOfFile = 50,

    // torrc (100–199).
    TorDocument = 100,
    TorEntry,
    TorKey,
    TorValue,
    TorQuotedValue,

    // YAML / compose (200–299).
    YamlStream = 200,
    YamlScalar,
    YamlIndicator,
    YamlAnchor,
    YamlAlias,
    YamlTag,
    YamlDirective,
    YamlDocumentStart,
    YamlDocumentEnd,

    // Dockerfile (300–399).
    DockerfileDocument = 300,
    DockerInstruction,
    DockerKeyword,
    DockerArguments,
    DockerHeredocBody,

    // squid.conf (400–499).
    SquidDocument = 400,
    SquidDirective,
    SquidName,
    SquidArguments,

    // nginx (500–599).
    NginxDocument = 500,
    NginxDirective,
    NginxBlock,
    NginxWord,
    NginxSemicolon,
    NginxOpenBrace,
    NginxCloseBrace,
    NginxRawBlock,

    // iptables-save files and iptables shell scripts (600–699).
    IptablesDocument = 600,
    IptablesTableHeader,
    IptablesChainDeclaration,
    IptablesCommandLine,
    IptablesCommit,
    IptablesWord,
    IptablesCounters,
    IptablesScriptDocument,
    IptablesScriptLine,
}

public static class SyntaxKindFacts
{
    public static bool IsTrivia(this SyntaxKind kind) => (ushort)kind is > 0 and < 50;
}

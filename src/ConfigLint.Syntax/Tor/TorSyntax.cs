using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax.Tor;

/// <summary>
/// One torrc entry: <c>[+|/]Key value</c>, possibly continued over several physical lines.
/// The key and value tokens keep the raw text; <see cref="Value"/> is what tor sees.
/// </summary>
public sealed class TorEntrySyntax : SyntaxNode
{
    private readonly SegmentMap _segments;

    internal TorEntrySyntax(SyntaxToken key, SyntaxToken? value, string rawKey, string decodedValue, bool quoted,
        SegmentMap segments, TorOptionLookup option)
        : base(SyntaxKind.TorEntry, value is null ? [key] : [key, value])
    {
        KeyToken = key;
        ValueToken = value;
        RawKey = rawKey;
        Value = decodedValue;
        IsQuoted = quoted;
        _segments = segments;
        Option = option;
        Prefix = rawKey.Length > 0 && rawKey[0] is '+' or '/' ? rawKey[0] : '\0';
    }

    /// <summary>
    /// An entry given on tor's command line (<c>--SocksPort 0.0.0.0:9050</c> in a compose <c>command</c> or a Dockerfile
    /// <c>CMD</c>): its spans lie in that file. <paramref name="exactValue"/> when the value's source text is the value
    /// itself, so ranges inside it map one to one; otherwise every range maps to the whole value.
    /// </summary>
    public static TorEntrySyntax FromCommandLine(string rawKey, TextSpan keySpan, string? value, TextSpan valueSpan, bool exactValue)
    {
        var key = new SyntaxToken(SyntaxKind.TorKey, keySpan, [], []);
        var token = value is null ? null : new SyntaxToken(SyntaxKind.TorValue, valueSpan, [], []);
        var segments = exactValue && value is not null ? new SegmentMap([new Segment(0, valueSpan.Start, value.Length)]) : SegmentMap.Empty;
        var bare = rawKey.Length > 0 && rawKey[0] is '+' or '/' ? rawKey[1..] : rawKey;
        return new TorEntrySyntax(key, token, rawKey, value ?? string.Empty, !exactValue, segments, TorOptions.Lookup(bare));
    }

    public SyntaxToken KeyToken { get; }

    public SyntaxToken? ValueToken { get; }

    /// <summary>The key as written, with any <c>+</c>/<c>/</c> prefix.</summary>
    public string RawKey { get; }

    /// <summary><c>+</c> (append to the lower-priority list), <c>/</c> (clear it) or <c>\0</c>.</summary>
    public char Prefix { get; }

    /// <summary>The key without its prefix.</summary>
    public string Key => Prefix == '\0' ? RawKey : RawKey[1..];

    /// <summary>How the key resolved against tor's option table.</summary>
    public TorOptionLookup Option { get; }

    /// <summary>The canonical option name (e.g. <c>SocksPort</c> for <c>SOCKSPORT</c>).</summary>
    public string Name => Option.Canonical;

    /// <summary>The value tor sees: continuation markers and swallowed comments removed, quotes decoded, trimmed.</summary>
    public string Value { get; }

    public bool IsQuoted { get; }

    /// <summary><c>%include</c> (compared case-sensitively, as tor does).</summary>
    public bool IsInclude => RawKey == "%include";

    /// <summary>The span of the value text, or an empty span just after the key.</summary>
    public TextSpan ValueSpan => ValueToken?.TokenSpan ?? new TextSpan(KeyToken.TokenSpan.End, 0);

    /// <summary>Maps a range of <see cref="Value"/> back to the source text.</summary>
    public TextSpan MapValueRange(int start, int length) =>
        IsQuoted ? ValueSpan : _segments.Map(start, length) ?? ValueSpan;
}

/// <summary>The root of a torrc tree: its entries then the end-of-file token.</summary>
public sealed class TorDocumentSyntax : SyntaxNode
{
    internal TorDocumentSyntax(ImmutableArray<SyntaxElement> children)
        : base(SyntaxKind.TorDocument, children)
    {
        Entries = children.OfType<TorEntrySyntax>().ToImmutableArray();
    }

    public ImmutableArray<TorEntrySyntax> Entries { get; }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;
using YamlDotNet.Core;

namespace ConfigLint.Syntax.Compose;

/// <summary>A YAML node with its exact span in the source text. Aliases are kept as references, never expanded.</summary>
public abstract class YamlNode
{
    protected YamlNode(TextSpan span, string? anchor, string? tag)
    {
        Span = span;
        Anchor = anchor;
        Tag = tag;
    }

    public TextSpan Span { get; }

    public string? Anchor { get; }

    /// <summary>The node's tag as written (<c>!reset</c>, <c>!override</c>, …), or null.</summary>
    public string? Tag { get; }

    /// <summary>Follows aliases to the anchored node (bounded, so a pathological chain cannot hang).</summary>
    public YamlNode Deref()
    {
        YamlNode node = this;
        for (var i = 0; i < 64 && node is YamlAliasNode alias; i++)
        {
            if (alias.Target is null)
            {
                return alias;
            }

            node = alias.Target;
        }

        return node;
    }
}

public sealed class YamlScalarNode : YamlNode
{
    public YamlScalarNode(TextSpan span, string? anchor, string? tag, string value, ScalarStyle style)
        : base(span, anchor, tag)
    {
        Value = value;
        Style = style;
    }

    public string Value { get; }

    public ScalarStyle Style { get; }

    public bool IsPlain => Style == ScalarStyle.Plain;

    /// <summary>A plain null: empty, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed class YamlSequenceNode : YamlNode
{
    public YamlSequenceNode(TextSpan span, string? anchor, string? tag, ImmutableArray<YamlNode> items)
        : base(span, anchor, tag) => Items = items;

    public ImmutableArray<YamlNode> Items { get; }
}

public sealed record YamlPair(YamlNode Key, YamlNode Value)
{
    /// <summary>The key as text when it is a scalar (aliases followed), else null.</summary>
    public string? KeyText => Key.Deref() is YamlScalarNode s ? s.Value : null;
}

public sealed class YamlMappingNode : YamlNode
{
    /// <summary>How many merge keys deep (a mapping merging one that merges another …) ConfigLint follows.</summary>
    public const int MaxMergeDepth = 32;

    // Not a nullable struct: several threads may compute it at once, and a reference-sized field is written whole.
    private ImmutableArray<YamlPair> _effective;

    public YamlMappingNode(TextSpan span, string? anchor, string? tag, ImmutableArray<YamlPair> pairs)
        : base(span, anchor, tag)
    {
        Pairs = pairs;

        // Merge sources are complete nodes defined before this one (an alias only refers back), so the depth is
        // known now and the merge graph has no cycles.
        var deepest = -1;
        foreach (var merge in Pairs.Where(IsMerge))
        {
            foreach (var source in Sources(merge))
            {
                deepest = Math.Max(deepest, source.MergeDepth);
                SourceTooDeep |= source.MergeTooDeep;
            }
        }

        MergeDepth = Math.Min(deepest + 1, MaxMergeDepth + 1);
        MergeTooDeep = MergeDepth > MaxMergeDepth;
    }

    /// <summary>The pairs as written, including any <c>&lt;&lt;</c> merge key.</summary>
    public ImmutableArray<YamlPair> Pairs { get; }

    /// <summary>0 without merge keys, else one more than the deepest merged mapping (capped past <see cref="MaxMergeDepth"/>).</summary>
    public int MergeDepth { get; }

    /// <summary>The merge chain is deeper than <see cref="MaxMergeDepth"/>: this mapping's merge keys are not followed.</summary>
    public bool MergeTooDeep { get; }

    /// <summary>A merged mapping was already too deep (so the problem was reported there, not here).</summary>
    internal bool SourceTooDeep { get; }

    /// <summary>
    /// The pairs after applying YAML merge keys: explicit keys win over merged ones, and earlier merge
    /// sources win over later ones. The text is untouched; each pair keeps its own location. Each mapping
    /// computes its own once, so a mapping merged many times costs once.
    /// </summary>
    public ImmutableArray<YamlPair> EffectivePairs
    {
        get
        {
            var effective = _effective;
            if (effective.IsDefault)
            {
                _effective = effective = ComputeEffective();
            }

            return effective;
        }
    }

    public YamlPair? Find(string key)
    {
        foreach (var pair in EffectivePairs)
        {
            if (pair.KeyText == key)
            {
                return pair;
            }
        }

        return null;
    }

    public YamlNode? this[string key] => Find(key)?.Value.Deref();

    private ImmutableArray<YamlPair> ComputeEffective()
    {
        if (!Pairs.Any(IsMerge))
        {
            return Pairs;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<YamlPair>();
        foreach (var pair in Pairs.Where(p => !IsMerge(p)))
        {
            if (pair.KeyText is { } k)
            {
                seen.Add(k);
            }

            result.Add(pair);
        }

        if (MergeTooDeep)
        {
            return result.ToImmutable();
        }

        foreach (var merge in Pairs.Where(IsMerge))
        {
            foreach (var source in Sources(merge))
            {
                // Recursion is bounded: a source's merge depth is smaller than this mapping's.
                foreach (var pair in source.EffectivePairs)
                {
                    if (pair.KeyText is { } k && seen.Add(k))
                    {
                        result.Add(pair);
                    }
                }
            }
        }

        return result.ToImmutable();
    }

    /// <summary>The mappings a merge key merges (a mapping, or a sequence of them; aliases followed), at most 64.</summary>
    private static IEnumerable<YamlMappingNode> Sources(YamlPair merge) =>
        (merge.Value.Deref() switch
        {
            YamlMappingNode m => [m],
            YamlSequenceNode s => s.Items.Select(i => i.Deref()).OfType<YamlMappingNode>(),
            _ => [],
        }).Take(64);

    /// <summary>The <c>&lt;&lt;</c> key of the mapping, if it has one.</summary>
    public YamlPair? MergeKey => Pairs.FirstOrDefault(IsMerge);

    internal static bool IsMerge(YamlPair pair) => pair.Key is YamlScalarNode { IsPlain: true, Value: "<<" };
}

public sealed class YamlAliasNode : YamlNode
{
    public YamlAliasNode(TextSpan span, string name, YamlNode? target)
        : base(span, null, null)
    {
        Name = name;
        Target = target;
    }

    public string Name { get; }

    public YamlNode? Target { get; }
}

/// <summary>One YAML document of a stream.</summary>
public sealed record YamlDocument(YamlNode? Root, TextSpan Span);

/// <summary>A YAML file: full-fidelity tokens plus the documents' node trees.</summary>
public sealed class YamlSyntaxTree : SyntaxTree
{
    public YamlSyntaxTree(string path, Language language, SourceText text, SyntaxNode root,
        ImmutableArray<ParseDiagnostic> diagnostics, ImmutableArray<YamlDocument> documents)
        : base(path, language, text, root, diagnostics) => Documents = documents;

    public ImmutableArray<YamlDocument> Documents { get; }
}

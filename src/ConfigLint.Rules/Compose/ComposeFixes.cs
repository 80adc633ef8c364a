using ConfigLint.Analysis;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax.Compose;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Rules.Compose;

/// <summary>
/// Text edits on compose files. An edit is offered only where it changes exactly one service: never inside a node
/// that carries a YAML anchor (<c>&amp;name</c>), since aliases and merge keys may share it with other services.
/// </summary>
internal static class ComposeFixes
{
    /// <summary>
    /// Binds a published port to the host's loopback: <c>"9050:9050"</c> → <c>"127.0.0.1:9050:9050"</c>,
    /// <c>"0.0.0.0:9050:9050"</c> → <c>"127.0.0.1:9050:9050"</c>, <c>"9050"</c> → <c>"127.0.0.1::9050"</c>; in long syntax
    /// <c>host_ip: 127.0.0.1</c> (set, or added before the first key). Null when no exact edit exists.
    /// </summary>
    public static TextEdit? BindToLoopback(ComposePort port)
    {
        if (port.Location.Tree is not YamlSyntaxTree tree || port.Node is null || InsideAnchor(tree, port.Node.Span))
        {
            return null;
        }

        if (port.Node is YamlScalarNode scalar)
        {
            var inner = ValueSpan(tree, scalar);
            if (inner is null)
            {
                return null;
            }

            var value = scalar.Value;
            var rest = port.HostIp is { Length: > 0 } ip && value.StartsWith(ip + ":", StringComparison.Ordinal) ? value[(ip.Length + 1)..] : value;
            var replacement = port.Published is null && !rest.Contains(':', StringComparison.Ordinal) ? "127.0.0.1::" + rest : "127.0.0.1:" + rest;
            return new TextEdit(tree, inner.Value, replacement);
        }

        if (port.Node is YamlMappingNode mapping && mapping.Pairs.Length > 0)
        {
            if (mapping.Pairs.FirstOrDefault(p => p.KeyText == "host_ip") is { } hostIp)
            {
                return hostIp.Value is YamlScalarNode ipScalar && ValueSpan(tree, ipScalar) is { } ipSpan ? new TextEdit(tree, ipSpan, "127.0.0.1") : null;
            }

            return InsertPair(tree, mapping, "host_ip: 127.0.0.1");
        }

        return null;
    }

    /// <summary>
    /// Makes a mount read-only: short syntax <c>./torrc:/etc/tor/torrc</c> → <c>./torrc:/etc/tor/torrc:ro</c> (an <c>rw</c>
    /// option becomes <c>ro</c>, other options keep theirs); long syntax gets <c>read_only: true</c>. Null when no exact edit exists.
    /// </summary>
    public static TextEdit? ReadOnly(ComposeVolume volume)
    {
        if (volume.Location.Tree is not YamlSyntaxTree tree || volume.Node is null || InsideAnchor(tree, volume.Node.Span))
        {
            return null;
        }

        if (volume.Node is YamlScalarNode scalar)
        {
            if (ValueSpan(tree, scalar) is not { } inner)
            {
                return null;
            }

            var value = scalar.Value;
            var parts = value.Split(':');
            if (parts[0].Length == 1 || parts.Length > 3)
            {
                // A Windows drive letter (C:\conf:/etc/tor) or something else than SRC:DST[:OPTIONS].
                return null;
            }

            if (parts.Length == 2)
            {
                return new TextEdit(tree, new TextSpan(inner.End, 0), ":ro");
            }

            var options = parts[^1].Split(',');
            var replaced = options.Contains("rw") ? options.Select(o => o == "rw" ? "ro" : o) : options.Append("ro");
            var start = inner.End - parts[^1].Length;
            return new TextEdit(tree, new TextSpan(start, parts[^1].Length), string.Join(',', replaced));
        }

        if (volume.Node is YamlMappingNode mapping && mapping.Pairs.Length > 0)
        {
            if (mapping.Pairs.FirstOrDefault(p => p.KeyText == "read_only") is { } readOnly)
            {
                return readOnly.Value is YamlScalarNode flag && ValueSpan(tree, flag) is { } flagSpan ? new TextEdit(tree, flagSpan, "true") : null;
            }

            return InsertPair(tree, mapping, "read_only: true");
        }

        return null;
    }

    /// <summary>Adds a <c>key: value</c> line to a block mapping at its keys' column (after the last key, or before the first); null for a flow mapping.</summary>
    private static TextEdit? InsertPair(YamlSyntaxTree tree, YamlMappingNode mapping, string pair)
    {
        var first = mapping.Pairs[0].Key;
        var text = tree.Text;
        var line = text.Lines.GetLineFromPosition(first.Span.Start);
        if (text.ToString(TextSpan.FromBounds(line.Start, first.Span.Start)).Trim().TrimStart('-').Trim().Length > 0)
        {
            // A flow mapping ({target: 9050}) or a key after other text: no line of its own to insert.
            return null;
        }

        var column = first.Span.Start - line.Start;

        // After the last key when its value is a scalar on that key's line, as a person would add it; else before the first key.
        var last = mapping.Pairs[^1];
        if (last.Value is YamlScalarNode && text.Lines.GetLineFromPosition(last.Value.Span.End).LineNumber == text.Lines.GetLineFromPosition(last.Key.Span.Start).LineNumber)
        {
            return new TextEdit(tree, new TextSpan(last.Value.Span.End, 0), "\n" + new string(' ', column) + pair);
        }

        return new TextEdit(tree, new TextSpan(first.Span.Start, 0), pair + "\n" + new string(' ', column));
    }

    /// <summary>The span of a scalar's text without its quotes, when that text is the value itself (no escapes, no folding).</summary>
    private static TextSpan? ValueSpan(YamlSyntaxTree tree, YamlScalarNode scalar)
    {
        var span = scalar.Span;
        var inner = scalar.IsPlain ? span : span.Length >= 2 ? new TextSpan(span.Start + 1, span.Length - 2) : (TextSpan?)null;
        return inner is { } s && tree.Text.ToString(s) == scalar.Value ? s : null;
    }

    /// <summary>Whether a span lies inside a node that carries an anchor (the definition aliases and merge keys share).</summary>
    private static bool InsideAnchor(YamlSyntaxTree tree, TextSpan span)
    {
        var stack = new Stack<YamlNode>(tree.Documents.Select(d => d.Root).OfType<YamlNode>());
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (!node.Span.Contains(span))
            {
                continue;
            }

            if (node.Anchor is not null)
            {
                return true;
            }

            switch (node)
            {
                case YamlMappingNode m:
                    foreach (var pair in m.Pairs)
                    {
                        stack.Push(pair.Key);
                        stack.Push(pair.Value);
                    }

                    break;
                case YamlSequenceNode s:
                    foreach (var item in s.Items)
                    {
                        stack.Push(item);
                    }

                    break;
            }
        }

        return false;
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax;

/// <summary>A run of a logical (joined, decoded) line copied verbatim from the source.</summary>
public readonly record struct Segment(int Logical, int Source, int Length);

/// <summary>
/// Maps ranges of a logical line — a torrc value, a Dockerfile instruction or a squid directive after their
/// continuations were joined — back to exact spans of the source text.
/// </summary>
public sealed class SegmentMap(ImmutableArray<Segment> segments)
{
    public static readonly SegmentMap Empty = new([]);

    public ImmutableArray<Segment> Segments { get; } = segments.IsDefault ? [] : segments;

    /// <summary>The source span of a logical range, or null when it does not map (e.g. decoded escapes).</summary>
    public TextSpan? Map(int start, int length)
    {
        int? from = null;
        int? to = null;
        var end = start + length;
        foreach (var (logical, source, len) in Segments)
        {
            if (from is null && start >= logical && start <= logical + len)
            {
                from = source + (start - logical);
            }

            if (end >= logical && end <= logical + len)
            {
                to = source + (end - logical);
            }
        }

        return from is { } f && to is { } t && t >= f ? TextSpan.FromBounds(f, t) : null;
    }
}

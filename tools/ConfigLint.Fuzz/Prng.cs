namespace ConfigLint.Fuzz;

/// <summary>
/// A small deterministic generator (SplitMix64): the same seed gives the same sequence on every machine and .NET
/// version, which System.Random does not promise.
/// </summary>
internal sealed class Prng
{
    private ulong _state;

    public Prng(ulong seed) => _state = seed;

    /// <summary>The generator for one iteration of a run: independent of how many iterations other workers ran.</summary>
    public static Prng ForIteration(ulong seed, long iteration) => new(Mix(seed ^ Mix((ulong)iteration + 0x5851F42D4C957F2DUL)));

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A number in [0, max).</summary>
    public int Next(int max)
    {
        if (max <= 0)
        {
            return 0;
        }

        return (int)(NextUInt64() % (ulong)max);
    }

    /// <summary>A number in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    /// <summary>True with probability 1/n.</summary>
    public bool OneIn(int n) => Next(n) == 0;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A length skewed towards small values but reaching <paramref name="max"/>: mutations mostly nibble.</summary>
    public int SkewedLength(int max)
    {
        var bits = Next(1, 1 + (int)Math.Log2(Math.Max(2, max)));
        return Math.Min(max, 1 + Next(1 << bits));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

namespace ConfigLint.Syntax;

/// <summary>Levenshtein distance with an early exit above a bound.</summary>
public static class EditDistance
{
    /// <summary>The candidate nearest to <paramref name="name"/> within <paramref name="maxDistance"/> edits (ties: ordinal order), or null.</summary>
    public static string? Closest(IEnumerable<string> candidates, string name, int maxDistance)
    {
        string? best = null;
        var bestDistance = maxDistance + 1;
        foreach (var candidate in candidates)
        {
            var d = Compute(candidate, name, maxDistance + 1);
            if (d < bestDistance || (d == bestDistance && best is not null && string.CompareOrdinal(candidate, best) < 0))
            {
                (best, bestDistance) = (candidate, d);
            }
        }

        return bestDistance <= maxDistance ? best : null;
    }

    /// <summary>Names longer than this get no suggestion: the table is quadratic, and a file can hold a name megabytes long.</summary>
    public const int MaxLength = 256;

    public static int Compute(string a, string b, int bound = int.MaxValue)
    {
        if (Math.Abs(a.Length - b.Length) >= bound)
        {
            return bound;
        }

        if (a.Length > MaxLength || b.Length > MaxLength)
        {
            // An upper bound on the distance (replace every character, add the rest): never a near match.
            return Math.Min(bound, Math.Max(a.Length, b.Length));
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin >= bound)
            {
                return bound;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}

using System.Diagnostics;

namespace ConfigLint.Fuzz;

/// <summary>
/// Makes a failing case smaller while it still fails the same way (same signature, ignoring the case's traits): drops whole entries, then
/// removes ever smaller chunks of each file (delta debugging), within a time budget.
/// </summary>
internal sealed class Shrinker(Func<FuzzCase, Failure?> test, TimeSpan budget)
{
    public int Attempts { get; private set; }

    public FuzzCase Shrink(FuzzCase fuzzCase, string baseSignature)
    {
        var clock = Stopwatch.StartNew();
        var entries = fuzzCase.Entries.ToList();
        bool Still(List<CaseEntry> candidate)
        {
            Attempts++;
            return test(With(fuzzCase, candidate))?.Base == baseSignature;
        }

        for (var i = entries.Count - 1; i >= 0 && entries.Count > 1 && clock.Elapsed < budget; i--)
        {
            var candidate = entries.Where((_, index) => index != i).ToList();
            if (Still(candidate))
            {
                entries = candidate;
            }
        }

        foreach (var path in entries.Where(e => e.Kind == EntryKind.File).OrderByDescending(e => e.Content.Length).Select(e => e.Path).ToList())
        {
            var index = entries.FindIndex(e => e.Path == path);
            var data = entries[index].Content;
            for (var chunk = data.Length / 2; chunk >= 1 && clock.Elapsed < budget; chunk /= 2)
            {
                var offset = 0;
                while (offset < data.Length && clock.Elapsed < budget)
                {
                    byte[] candidateBytes = [.. data.AsSpan(0, offset), .. data.AsSpan(Math.Min(data.Length, offset + chunk))];
                    var candidate = entries.ToList();
                    candidate[index] = CaseEntry.File(path, candidateBytes);
                    if (Still(candidate))
                    {
                        entries = candidate;
                        data = candidateBytes;
                    }
                    else
                    {
                        offset += chunk;
                    }
                }
            }
        }

        return With(fuzzCase, entries);
    }

    private static FuzzCase With(FuzzCase original, List<CaseEntry> entries) => new()
    {
        Seed = original.Seed,
        Iteration = original.Iteration,
        Entries = entries,
        Mutations = [.. original.Mutations, "shrunk"],
        Commands = original.Commands,
    };
}

using System.Runtime.ExceptionServices;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// How the engine spreads independent work over the cores: a bounded degree of parallelism (<c>--threads</c>), and
/// plain loops for one thread or small inputs (a handful of files must not pay for waking the thread pool). Every
/// parallel step writes its results by index and the caller reads them back in input order, so the outcome is the
/// same whatever the thread count.
/// </summary>
internal static class Parallelism
{
    /// <summary>Below this many items a step runs on the calling thread.</summary>
    public const int MinItems = 48;

    /// <summary>The thread count to use: <paramref name="requested"/>, or the number of cores when it is 0 or less.</summary>
    public static int Resolve(int requested) => requested > 0 ? requested : Environment.ProcessorCount;

    /// <summary>
    /// Calls <paramref name="body"/> for 0 … <paramref name="count"/> − 1, on up to <paramref name="threads"/> threads.
    /// When a call throws, the exception of the lowest index is rethrown as it was (not wrapped), as the sequential
    /// loop would have thrown it.
    /// </summary>
    public static void For(int count, int threads, Action<int> body)
    {
        if (threads <= 1 || count < MinItems)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        ExceptionDispatchInfo? first = null;
        var firstIndex = int.MaxValue;
        var gate = new object();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            try
            {
                body(i);
            }
            catch (Exception ex)
            {
                lock (gate)
                {
                    if (i < firstIndex)
                    {
                        firstIndex = i;
                        first = ExceptionDispatchInfo.Capture(ex);
                    }
                }
            }
        });
        first?.Throw();
    }
}

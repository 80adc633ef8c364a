namespace ConfigLint.Tests.Testing;

/// <summary>
/// Runs code on a thread with a small stack (256 KiB, a quarter of the default), so a test proves that work is
/// bounded rather than passing because the test runner's threads happen to have large stacks.
/// </summary>
public static class SmallStack
{
    public const int Size = 256 * 1024;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: Size);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("The work failed on the small-stack thread.", failure);
        }

        return result;
    }
}

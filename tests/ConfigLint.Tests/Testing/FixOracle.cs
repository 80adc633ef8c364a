using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Testing;

/// <summary>
/// The daemons judge <c>configlint fix</c>: every file the daemon accepts must still be accepted after its fixes
/// (safe, then safe and unsafe). Each file is fixed alone, in a temporary copy under its own folder name.
/// </summary>
public static class FixOracle
{
    public sealed record Report(int Accepted, int Fixed, List<string> Broken);

    /// <summary>Rule fixtures and examples of a language, and the corpus folder's files when the corpus is there.</summary>
    private static IEnumerable<string> Inputs(Language language, string? corpusFolder)
    {
        var local = Directory.EnumerateFiles(Repo.Rules, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f).StartsWith("bad", StringComparison.Ordinal) || Path.GetFileName(Path.GetDirectoryName(f)!).StartsWith("bad", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(Repo.Examples, "*", SearchOption.AllDirectories));
        var corpus = corpusFolder is not null && Repo.HasCorpus
            ? Directory.EnumerateFiles(Path.Combine(Repo.Corpus, corpusFolder), "*", SearchOption.AllDirectories)
            : [];
        return local.Concat(corpus)
            .Where(f => !f.EndsWith(".txt", StringComparison.Ordinal) && Detect(f, language) == language)
            .Order(StringComparer.Ordinal);
    }

    private static Language? Detect(string file, Language wanted)
    {
        if (LanguageDetector.ByName(file) is { } byName)
        {
            return byName;
        }

        if (wanted == Language.Iptables)
        {
            // iptables-save files have no fixed name: their content decides, as in a real run.
            return LanguageDetector.ByContent(file, File.ReadAllText(file));
        }

        return file.EndsWith(".torrc", StringComparison.Ordinal) || Path.GetFileName(file).StartsWith("torrc", StringComparison.Ordinal) ? Language.Tor
            : file.EndsWith(".nginx", StringComparison.Ordinal) ? Language.Nginx
            : file.EndsWith(".squid.conf", StringComparison.Ordinal) ? Language.Squid
            : null;
    }

    /// <summary>
    /// Fixes every input of the language the daemon accepts, with safe fixes and then with unsafe ones too, and
    /// asserts that the daemon accepts every result and that fixes changed something.
    /// </summary>
    public static void AssertDaemonAcceptsFixedFiles(Language language, string corpusFolder, string daemon, Func<string, bool> accepts, ITestOutputHelper output)
    {
        foreach (var unsafeFixes in new[] { false, true })
        {
            var report = Run(Inputs(language, corpusFolder), accepts, unsafeFixes);
            output.WriteLine($"unsafe={unsafeFixes}: {daemon} accepts {report.Accepted} files, fix changed {report.Fixed}, broken {report.Broken.Count}");
            report.Broken.ShouldBeEmpty();
            report.Fixed.ShouldBeGreaterThan(0);
        }
    }

    private static Report Run(IEnumerable<string> files, Func<string, bool> accepts, bool unsafeFixes)
    {
        var report = new Report(0, 0, []);
        var accepted = 0;
        var fixedCount = 0;
        foreach (var file in files)
        {
            // The copy is judged before and after: a file whose includes stayed behind is not accepted alone.
            using var temp = new TempTree();
            var copy = temp.WriteBytes(Path.Combine(Path.GetFileName(Path.GetDirectoryName(file)!), Path.GetFileName(file)), File.ReadAllBytes(file));
            if (!accepts(copy))
            {
                continue;
            }

            accepted++;
            var outcome = Lint.Fix(temp.Root, [copy], unsafeFixes);
            var mine = outcome.Files.Where(f => f.FullPath == copy).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            fixedCount++;
            File.WriteAllBytes(copy, mine[0].Fixed);
            if (!accepts(copy))
            {
                report.Broken.Add($"{Path.GetRelativePath(Repo.Root, file)}:\n{outcome.Diff()}");
            }
        }

        return report with { Accepted = accepted, Fixed = fixedCount };
    }
}

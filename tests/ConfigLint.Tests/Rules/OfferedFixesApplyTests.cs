using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Rules;

/// <summary>
/// A fix that cannot apply must not be offered (issue 11): <c>configlint fix --unsafe-fixes</c>, run in memory on
/// every rule's bad fixtures, every example and every corpus file, refuses no fix because it "would make the file
/// fail to parse or lose a known directive". A rule whose fix the fixer always undoes checks its own fix against the
/// conditions the fixer refuses on (CL0001, CL0002, CL0004) before offering it, or offers none.
/// </summary>
public class OfferedFixesApplyTests(ITestOutputHelper output)
{
    private const string Breaks = "would make the file fail to parse or lose a known directive";

    /// <summary>Each rule's <c>bad*</c> fixture (a file or a folder) and each example folder, as paths under the repository.</summary>
    private static IEnumerable<string> LocalInputs()
    {
        var fixtures = Directory.EnumerateDirectories(Repo.Rules).SelectMany(Directory.EnumerateDirectories)
            .SelectMany(Directory.EnumerateFileSystemEntries)
            .Where(e => Path.GetFileName(e).StartsWith("bad", StringComparison.Ordinal) && !e.EndsWith(".txt", StringComparison.Ordinal));
        return fixtures.Concat(Directory.EnumerateDirectories(Repo.Examples)).Order(StringComparer.Ordinal);
    }

    /// <summary>Fixes <paramref name="path"/> (a file or a folder) with unsafe fixes, from <paramref name="cwd"/>, and lists the refusals for breakage.</summary>
    private static IEnumerable<string> BrokenFixes(string cwd, string path)
    {
        var outcome = Lint.Fix(cwd, [path], unsafeFixes: true);
        return outcome.Refused.Where(r => r.Reason.Contains(Breaks, StringComparison.Ordinal))
            .Select(r => $"{Path.GetRelativePath(Repo.Root, Path.Combine(cwd, r.DisplayPath))}: {r.RuleId}: {r.Reason}");
    }

    [Fact]
    public void Every_fix_offered_on_fixtures_and_examples_applies()
    {
        var refused = new List<string>();
        var inputs = 0;
        foreach (var input in LocalInputs())
        {
            inputs++;
            refused.AddRange(BrokenFixes(Repo.Root, input));
        }

        output.WriteLine($"{inputs} fixtures and examples fixed with --unsafe-fixes");
        inputs.ShouldBeGreaterThan(50);
        refused.ShouldBeEmpty();
    }

    /// <summary>
    /// SQD002 offered 'http_access deny !Safe_ports' above 'acl Safe_ports', which squid refuses ("Bungled … line"), so
    /// the fixer always undid it. The finding stays, without a fix, and points at the late definition.
    /// </summary>
    [Fact]
    public void SQD002_offers_no_fix_when_the_guard_acls_are_defined_after_the_first_allow()
    {
        using var tree = new TempTree();
        var conf = tree.Write("squid.conf", "http_port 3128\nacl localnet src 10.0.0.0/8\nhttp_access allow localnet\nacl SSL_ports port 443\n"
            + "acl Safe_ports port 80 443\nacl CONNECT method CONNECT\nhttp_access deny !Safe_ports\nhttp_access deny CONNECT !SSL_ports\nhttp_access deny all\n");
        var finding = tree.Check("SQD002").Of("SQD002").ShouldHaveSingleItem();
        finding.Where().ShouldBe("3:1");
        finding.Fix.ShouldBeNull();
        finding.Related.Select(r => r.Location.LineSpan.Start.Line + 1).ShouldBe([4, 5]);

        var outcome = Lint.Fix(tree.Root, [conf], unsafeFixes: true, select: ["SQD002"]);
        outcome.Refused.ShouldBeEmpty();
        outcome.Files.ShouldBeEmpty();

        // Defined before the first allow: the guards (and the missing CONNECT ACL) go right above it.
        File.WriteAllText(conf, "http_port 3128\nacl localnet src 10.0.0.0/8\nacl SSL_ports port 443\nacl Safe_ports port 80 443\nhttp_access allow localnet\nhttp_access deny all\n");
        var fixedConf = Lint.Fix(tree.Root, [conf], unsafeFixes: true, select: ["SQD002"]);
        fixedConf.Refused.ShouldBeEmpty();
        SquidFixed(fixedConf).ShouldBe("http_port 3128\nacl localnet src 10.0.0.0/8\nacl SSL_ports port 443\nacl Safe_ports port 80 443\n"
            + "acl CONNECT method CONNECT\nhttp_access deny !Safe_ports\nhttp_access deny CONNECT !SSL_ports\nhttp_access allow localnet\nhttp_access deny all\n");
    }

    /// <summary>squid predefines CONNECT; a configuration that also writes 'acl CONNECT method CONNECT' before the allow does not get it twice.</summary>
    [Fact]
    public void SQD002_does_not_repeat_the_operators_CONNECT_acl()
    {
        using var tree = new TempTree();
        var conf = tree.Write("squid.conf", "http_port 3128\nacl SSL_ports port 443\nacl Safe_ports port 80 443\nacl CONNECT method CONNECT\nacl localnet src 10.0.0.0/8\n"
            + "http_access allow localnet\nhttp_access deny all\n");
        var outcome = Lint.Fix(tree.Root, [conf], unsafeFixes: true, select: ["SQD002"]);
        SquidFixed(outcome).ShouldBe("http_port 3128\nacl SSL_ports port 443\nacl Safe_ports port 80 443\nacl CONNECT method CONNECT\nacl localnet src 10.0.0.0/8\n"
            + "http_access deny !Safe_ports\nhttp_access deny CONNECT !SSL_ports\nhttp_access allow localnet\nhttp_access deny all\n");
    }

    private static string SquidFixed(ConfigLint.Analysis.Fixing.FixOutcome outcome) =>
        System.Text.Encoding.UTF8.GetString(outcome.Files.ShouldHaveSingleItem().Fixed);

    [CorpusFact]
    public void Every_fix_offered_on_the_corpus_applies()
    {
        var refused = new List<string>();
        var folders = Directory.EnumerateDirectories(Repo.Corpus)
            .Where(d => !Path.GetFileName(d).StartsWith('_'))
            .SelectMany(Directory.EnumerateDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var folder in folders)
        {
            // One origin repository at a time, from its own folder, as a user would run it there.
            refused.AddRange(BrokenFixes(folder, folder));
        }

        output.WriteLine($"{folders.Count} corpus origins fixed with --unsafe-fixes");
        folders.Count.ShouldBeGreaterThan(100);
        refused.ShouldBeEmpty();
    }
}

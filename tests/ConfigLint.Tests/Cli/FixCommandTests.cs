using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Engine;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Analysis.IO;
using ConfigLint.Cli;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary><c>configlint fix</c>: in place, idempotent, byte-exact outside its edits, atomic, and never breaking a file.</summary>
public class FixCommandTests
{
    private const string BadRelay = "ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nSafeLogging 0\nExitPolicy accept *:80\n";

    private static (int Code, string Out, string Err) Fix(TempTree tree, params string[] args) => CliRun.In(tree.Root, ["fix", .. args]);

    [Fact]
    public void Fixes_in_place_reports_each_fix_and_a_second_run_changes_nothing()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", BadRelay);
        var (code, output, error) = Fix(tree);
        code.ShouldBe(0, error);
        File.ReadAllText(torrc).ShouldBe("ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nExitPolicy accept *:80\nExitPolicy reject *:*\n");
        output.ShouldContain("torrc(4,1): fixed TOR015: Remove 'SafeLogging 0' (the default is 1).");
        output.ShouldContain("torrc(5,12): fixed TOR006: Add 'ExitPolicy reject *:*' after the last ExitPolicy line.");
        output.ShouldContain("Fixed 2 findings in 1 file.");

        var after = File.ReadAllBytes(torrc);
        var again = Fix(tree);
        again.Code.ShouldBe(0);
        again.Out.ShouldStartWith("Nothing to fix.");
        File.ReadAllBytes(torrc).ShouldBe(after);
        CliRun.In(tree.Root, "check", "--select", "TOR006,TOR015").Code.ShouldBe(0);
    }

    [Fact]
    public void Diff_writes_nothing_and_exits_1_when_something_would_change()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", BadRelay);
        var (code, output, _) = Fix(tree, "--diff");
        code.ShouldBe(1);
        File.ReadAllText(torrc).ShouldBe(BadRelay);
        output.ShouldBe("""
            --- a/torrc
            +++ b/torrc
            @@ -1,5 +1,5 @@
             ORPort 9001
             Nickname relay1
             ContactInfo ops@example.org
            -SafeLogging 0
             ExitPolicy accept *:80
            +ExitPolicy reject *:*

            """.Replace("\r\n", "\n"));

        File.WriteAllText(torrc, "SocksPort 127.0.0.1:9050\n");
        var clean = Fix(tree, "--diff");
        clean.Code.ShouldBe(0);
        clean.Out.ShouldBeEmpty();
    }

    [ToolFact("git", "apt-get install git")]
    public void Diff_applies_with_git_apply_and_gives_the_fixed_files()
    {
        using var tree = new TempTree();
        tree.Write("deploy/tor/torrc", BadRelay);
        tree.Write("deploy/squid/squid.conf", "http_port 3128\nacl localnet src 10.0.0.0/8\nhttp_access allow localnet\nhttp_access deny all\n");
        tree.Write("deploy/nginx/nginx.conf", "events {}\nhttp {\n    server {\n        listen 80;\n        location /admin/ { allow 10.0.0.0/8; }\n    }\n}\n");
        var diff = Fix(tree, "--diff").Out;
        var patch = tree.Write("fix.patch", diff);

        var expected = new TempTree();
        foreach (var file in new[] { "deploy/tor/torrc", "deploy/squid/squid.conf", "deploy/nginx/nginx.conf" })
        {
            expected.Write(file, File.ReadAllText(Path.Combine(tree.Root, file)));
        }

        Fix(tree).Code.ShouldBe(0);
        var applied = ExternalTool.Run("git", ["apply", "--unsafe-paths", "--directory=.", patch], expected.Root);
        applied.Succeeded.ShouldBeTrue(applied.Output);
        foreach (var file in new[] { "deploy/tor/torrc", "deploy/squid/squid.conf", "deploy/nginx/nginx.conf" })
        {
            File.ReadAllText(Path.Combine(expected.Root, file)).ShouldBe(File.ReadAllText(Path.Combine(tree.Root, file)), file);
        }

        File.ReadAllText(Path.Combine(tree.Root, "deploy/nginx/nginx.conf")).ShouldContain("location /admin/ { allow 10.0.0.0/8; deny all; }");
        expected.Dispose();
    }

    [Fact]
    public void Keeps_bom_crlf_and_invalid_bytes_and_uses_the_files_line_ending()
    {
        using var tree = new TempTree();
        var bytes = Encoding.UTF8.GetPreamble()
            .Concat(Encoding.UTF8.GetBytes("ORPort 9001\r\nNickname relay1\r\nContactInfo ops@example.org # caf"))
            .Concat(new byte[] { 0xE9 })
            .Concat(Encoding.UTF8.GetBytes("\r\nExitPolicy accept *:80\r\n"))
            .ToArray();
        var torrc = tree.WriteBytes("torrc", bytes);
        Fix(tree, "--select", "TOR006").Code.ShouldBe(0);
        var expected = bytes.Concat(Encoding.UTF8.GetBytes("ExitPolicy reject *:*\r\n")).ToArray();
        File.ReadAllBytes(torrc).ShouldBe(expected);
    }

    [Fact]
    public void Keeps_permissions_and_writes_through_a_symlink()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var tree = new TempTree();
        var real = tree.Write("conf/torrc.real", BadRelay);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var link = Path.Combine(tree.Root, "conf", "torrc");
        File.CreateSymbolicLink(link, "torrc.real");

        CliRun.In(tree.Root, "fix", "conf/torrc", "--select", "TOR015").Code.ShouldBe(0);
        new FileInfo(link).LinkTarget.ShouldBe("torrc.real");
        File.ReadAllText(real).ShouldNotContain("SafeLogging");
        File.GetUnixFileMode(real).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Directory.EnumerateFiles(Path.Combine(tree.Root, "conf")).Select(Path.GetFileName).Order().ShouldBe(["torrc", "torrc.real"]);
    }

    [Fact]
    public void Unsafe_fixes_only_when_asked()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", "ControlPort 9051\n");
        var safe = Fix(tree);
        safe.Code.ShouldBe(0);
        safe.Out.ShouldStartWith("Nothing to fix.");
        safe.Out.ShouldContain("1 finding needs a manual change (1 of them has a fix that --unsafe-fixes applies)");
        File.ReadAllText(torrc).ShouldBe("ControlPort 9051\n");

        Fix(tree, "--unsafe-fixes").Code.ShouldBe(0);
        File.ReadAllText(torrc).ShouldBe("ControlPort 9051\nCookieAuthentication 1\n");
    }

    [Fact]
    public void Select_limits_the_fixes()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", BadRelay);
        Fix(tree, "--select", "TOR015").Code.ShouldBe(0);
        File.ReadAllText(torrc).ShouldBe("ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nExitPolicy accept *:80\n");
    }

    [Fact]
    public void Paths_after_select_are_paths_not_rule_patterns()
    {
        using var tree = new TempTree();
        tree.Write("deploy/torrc", BadRelay);
        var check = CliRun.In(tree.Root, "check", "--select", "TOR015", "deploy");
        check.Code.ShouldBe(1, check.Err);
        check.Out.ShouldContain("deploy/torrc(4,1): warning TOR015");
        var fix = Fix(tree, "--select", "TOR015", "deploy");
        fix.Code.ShouldBe(0, fix.Err);
        File.ReadAllText(Path.Combine(tree.Root, "deploy/torrc")).ShouldNotContain("SafeLogging");
    }

    [Fact]
    public void A_file_that_does_not_parse_is_left_alone_with_a_warning()
    {
        using var tree = new TempTree();
        var conf = tree.Write("nginx.conf", "events {}\nhttp {\n    server_tokens on;\n    server { listen 80;\n");
        var (code, output, error) = Fix(tree);
        code.ShouldBe(0);
        File.ReadAllText(conf).ShouldBe("events {}\nhttp {\n    server_tokens on;\n    server { listen 80;\n");
        error.ShouldContain("nginx.conf: NGX001 not fixed: the file does not parse (CL0001)");
        output.ShouldStartWith("Nothing to fix.");
    }

    [Fact]
    public void Tool_errors_and_usage_errors_exit_2_and_write_nothing()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", BadRelay);
        tree.Write("notes.txt", "hello");
        var unknown = Fix(tree, "notes.txt");
        unknown.Code.ShouldBe(2);
        unknown.Err.ShouldContain("'notes.txt' is not a torrc");
        unknown.Err.ShouldContain("nothing was fixed");
        File.ReadAllText(torrc).ShouldBe(BadRelay);

        // Named beside a configuration file (as pre-commit may pass it), it is skipped as a folder walk skips it.
        var mixed = Fix(tree, "--diff", "notes.txt", "torrc");
        mixed.Code.ShouldBe(1);
        mixed.Err.ShouldContain("note: 'notes.txt' is not a torrc, squid.conf, nginx conf, Dockerfile or compose file ConfigLint recognises; it is skipped.");
        mixed.Out.ShouldContain("+++ b/torrc");

        Fix(tree, "--select", "NOPE999").Code.ShouldBe(2);
        Fix(tree, "--bogus").Code.ShouldBe(2);
        File.ReadAllText(torrc).ShouldBe(BadRelay);
    }

    [Fact]
    public void A_file_changed_since_it_was_read_is_not_overwritten()
    {
        using var tree = new TempTree();
        var path = tree.Write("torrc", "new content\n");
        var ex = Should.Throw<IOException>(() => AtomicFile.Replace(path, Encoding.UTF8.GetBytes("old content\n"), Encoding.UTF8.GetBytes("fixed\n")));
        ex.Message.ShouldContain("changed while ConfigLint was fixing it");
        File.ReadAllText(path).ShouldBe("new content\n");
        Directory.EnumerateFiles(tree.Root).Count().ShouldBe(1, "no temporary file is left behind");
    }

    /// <summary>A rule whose fix breaks the file: the fixer undoes it and refuses that fix only.</summary>
    private sealed class BreakingRule : IRule
    {
        public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create("TOR990", "test-breaking-fix", "Test rule.", Language.Tor, DiagnosticLevel.Warning, 1.0, FixClass.Safe);

        public void Initialize(AnalysisContext context) => context.RegisterTorLineAction(ctx =>
        {
            var tree = ctx.Line.Tree;
            var fix = ctx.Line.Value == "0"
                ? Analysis.Fix.Safe("break it", Edits.AppendLines(tree, "NoSuchTorOption 1"))
                : Analysis.Fix.Safe("remove it", Edits.DeleteStatement(tree, ctx.Line.Entry.Span));
            ctx.Report(ctx.Line.Location, "Test finding.", fix: fix);
        }, "SafeLogging", "ExitPolicyRejectPrivate");
    }

    /// <summary>A rule whose fix never settles its finding (it keeps adding a comment and keeps reporting).</summary>
    private sealed class RestlessRule : IRule
    {
        public RuleDescriptor Descriptor { get; } = RuleDescriptor.Create("TOR991", "test-restless-fix", "Test rule.", Language.Tor, DiagnosticLevel.Warning, 1.0, FixClass.Safe);

        public void Initialize(AnalysisContext context) => context.RegisterTorLineAction(
            ctx => ctx.Report(ctx.Line.Location, "Test finding.", fix: Analysis.Fix.Safe("add a comment", Edits.AppendLines(ctx.Line.Tree, "# again"))),
            "SafeLogging");
    }

    [Fact]
    public void A_fix_that_never_settles_is_stopped_and_reported()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", "SafeLogging 0\n");
        var outcome = Fixer.Run(new AnalyzerDriver([new RestlessRule()]), new AnalysisOptions([torrc], tree.Root, [], []), unsafeFixes: false);
        outcome.Converged.ShouldBeTrue();
        outcome.Refused.ShouldHaveSingleItem().Reason.ShouldContain($"applied in {Fixer.MaxRepeats} passes without settling");
        Encoding.UTF8.GetString(outcome.Files.ShouldHaveSingleItem().Fixed).ShouldBe("SafeLogging 0\n" + string.Concat(Enumerable.Repeat("# again\n", Fixer.MaxRepeats)));
    }

    [Fact]
    public void A_fix_that_breaks_the_file_is_undone_and_refused_while_the_others_apply()
    {
        using var tree = new TempTree();
        var torrc = tree.Write("torrc", "ORPort 9001\nSafeLogging 0\nExitPolicyRejectPrivate 1\n");
        var outcome = Fixer.Run(new AnalyzerDriver([new BreakingRule()]), new AnalysisOptions([torrc], tree.Root, [], []), unsafeFixes: false);
        outcome.Refused.ShouldHaveSingleItem().Reason.ShouldContain("would make the file fail to parse");
        var file = outcome.Files.ShouldHaveSingleItem(string.Join("\n", outcome.Files.Select(f => f.DisplayPath + ": " + Encoding.UTF8.GetString(f.Fixed))));
        Encoding.UTF8.GetString(file.Fixed).ShouldBe("ORPort 9001\nSafeLogging 0\n");
        file.Applied.Select(a => a.Fix.Title).ShouldBe(["remove it"]);
        outcome.Converged.ShouldBeTrue();
    }
}

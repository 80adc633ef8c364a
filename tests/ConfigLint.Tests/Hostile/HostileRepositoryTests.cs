using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Hostile;

/// <summary>
/// Issue 11's attacks, each as a generated tree run through the real binary in a subprocess with a timeout and a heap
/// limit: exit code, no write outside the tree (everything outside is hashed before and after), no hang, no crash.
/// Linux only (symlinks, FIFOs, devices); the tests that need root (device nodes, chown) are skipped otherwise.
/// </summary>
public class HostileRepositoryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>A torrc with a safe fix (SafeLogging 0 is removed) and a finding that stays (TOR001).</summary>
    private const string FixableTorrc = "SocksPort 0.0.0.0:9050\nSafeLogging 0\n";

    [LinuxFact]
    public void Row1_a_symlink_farm_of_5000_planted_temporary_names_writes_nothing_outside_the_tree()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);
        var victim = Path.Combine(t.Outside, "victim");
        var victimSarif = Path.Combine(t.Outside, "victim.sarif");

        // The next few thousand PIDs, under both temporary-name schemes the old code used.
        var pid = Environment.ProcessId;
        for (var i = 0; i < 2500; i++)
        {
            t.Symlink($".torrc.{pid + i}.configlint-tmp", victim);
            t.Symlink($".configlint.sarif.{pid + i}.tmp", victimSarif);
        }

        var before = t.OutsideDigest();
        t.Run(Timeout, "fix", ".").ShouldEndCleanly(0);
        t.Run(Timeout, "check", "--format", "sarif", "--output", "configlint.sarif", ".").ShouldEndCleanly(1);
        t.Run(Timeout, "fix", "--unsafe-fixes", ".").ShouldEndCleanly(0, 2);

        t.OutsideDigest().ShouldBe(before);
        File.ReadAllText(victim).ShouldBe("precious\n");
        new FileInfo(Path.Combine(t.Tree, "torrc")).LinkTarget.ShouldBeNull();
        t.Read("torrc").ShouldNotContain("SafeLogging 0");
        new FileInfo(Path.Combine(t.Tree, "configlint.sarif")).LinkTarget.ShouldBeNull();
        JsonDocument.Parse(t.Read("configlint.sarif")).RootElement.GetProperty("version").GetString().ShouldBe("2.1.0");

        // Nothing of ours is left: only the planted links, the torrc and the report.
        Directory.EnumerateFileSystemEntries(t.Tree).Count().ShouldBe(5000 + 2);
    }

    [LinuxFact]
    public void Row2_output_writes_through_a_fifo_and_a_named_symlink_and_never_replaces_them()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);

        // A FIFO: its reader gets the whole report.
        var fifo = t.Fifo("report.fifo");
        var reader = Task.Run(() => File.ReadAllText(fifo));
        t.Run(Timeout, "check", "--format", "json", "--output", "report.fifo", ".").ShouldEndCleanly(1);
        reader.Wait(Timeout).ShouldBeTrue();
        JsonDocument.Parse(reader.Result).RootElement.GetProperty("findings").GetArrayLength().ShouldBeGreaterThan(0);
        new FileInfo(fifo).Exists.ShouldBeTrue();
        HostileTree.Shell("test", "-p", fifo).ShouldBeSuccessful();

        // A symlink the user named: the file it names gets the report, the link stays a link.
        t.Write("real.json", "old\n");
        var link = t.Symlink("link.json", "real.json");
        t.Run(Timeout, "check", "--format", "json", "--output", "link.json", ".").ShouldEndCleanly(1);
        new FileInfo(link).LinkTarget.ShouldBe("real.json");
        t.Read("real.json").ShouldContain("\"findings\"");

        // /dev/stdout (a symlink to /proc/self/fd/1): the report reaches standard output.
        var run = t.Run(Timeout, "check", "--format", "json", "--output", "/dev/stdout", ".").ShouldEndCleanly(1);
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("findings").GetArrayLength().ShouldBeGreaterThan(0);
        new FileInfo("/dev/stdout").LinkTarget.ShouldNotBeNull();

        // /dev/full: a clear error, exit 2, and the device is still a device.
        var full = t.Run(Timeout, "check", "--format", "json", "--output", "/dev/full", ".").ShouldEndCleanly(2);
        full.Stderr.ShouldContain("cannot write '/dev/full'");
        HostileTree.Shell("test", "-c", "/dev/full").ShouldBeSuccessful();

        // A dangling link and a folder are refused with the reason.
        t.Symlink("dangling.json", Path.Combine(t.Outside, "new.json"));
        t.Run(Timeout, "check", "--output", "dangling.json", ".").ShouldEndCleanly(2).Stderr.ShouldContain("does not exist");
        File.Exists(Path.Combine(t.Outside, "new.json")).ShouldBeFalse();
    }

    [LinuxFact]
    public void Row3_deep_nginx_nesting_is_a_located_diagnostic_and_other_files_are_still_linted()
    {
        using var t = new HostileTree();
        t.Write("nginx/nginx.conf", "http { " + string.Concat(Enumerable.Repeat("a { ", 8000)) + new string('}', 8000) + " }\n");
        t.Write("torrc", FixableTorrc);
        var run = t.Run(Timeout, "check", "--format", "json", ".").ShouldEndCleanly(1);
        var ids = RuleIds(run.Stdout);
        ids.ShouldContain("CL0001 nginx/nginx.conf");
        ids.ShouldContain("TOR001 torrc");
    }

    public static TheoryData<string, string> FifoLayouts => new()
    {
        { "torrc", "." },
        { "torrc", "torrc" },
        { "x.conf", "." },
        { "conf.d/site.conf", "." },
        { "Dockerfile", "." },
        { "compose.yaml", "." },
        { "squid.conf", "squid.conf" },
    };

    [LinuxTheory]
    [MemberData(nameof(FifoLayouts))]
    public void Row4_a_fifo_under_any_name_is_skipped_with_a_note_not_opened(string name, string named)
    {
        using var t = new HostileTree();
        t.Write("real/torrc", FixableTorrc);
        t.Fifo(name);
        var run = t.Run(TimeSpan.FromSeconds(30), "check", named == "." ? "." : name, named == "." ? "." : "real/torrc").ShouldEndCleanly(1);
        run.Stderr.ShouldContain($"note: '{name}' is a FIFO (named pipe), not a regular file");
        run.Stdout.ShouldContain("real/torrc(1,11): warning TOR001");
    }

    /// <summary>
    /// Found by the fuzzer: a glob include through a symlink loop reports one finding under two paths; the
    /// per-file cap must count the distinct findings, not crash on the duplicates.
    /// </summary>
    [LinuxFact]
    public void A_glob_include_through_a_symlink_loop_with_duplicate_findings_is_reported_not_crashed()
    {
        using var t = new HostileTree();
        t.Write("torrc", "%include *\nHiddenService");
        t.Write("extra.torrc", "%include *");
        t.Symlink("loop", ".");
        // The include that runs into the loop is a read error (exit 2), said in plain words; the findings still print.
        var run = t.Run(TimeSpan.FromSeconds(30), "check", "--format", "json", ".").ShouldEndCleanly(2);
        RuleIds(run.Stdout).ShouldContain("CL0004 extra.torrc");
        run.Stderr.ShouldContain("a symlink loop");
        run.Stderr.ShouldNotContain("Exception");
    }

    [LinuxFact]
    public void Row4_a_fifo_as_include_target_or_configuration_never_blocks()
    {
        using var t = new HostileTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n%include inc\n");
        t.Fifo("inc");
        t.Write("nginx/nginx.conf", "events {}\nhttp { include site.conf; }\n");
        t.Fifo("nginx/site.conf");
        t.Write("squid/squid.conf", "include /dev/null\ninclude extra.conf\nhttp_port 3128\nhttp_access deny all\n");
        t.Fifo("squid/extra.conf");
        var run = t.Run(TimeSpan.FromSeconds(30), "check", "--format", "json", ".").ShouldEndCleanly(1);
        var ids = RuleIds(run.Stdout);
        ids.ShouldContain("CL0004 torrc");
        ids.ShouldContain("CL0004 squid/squid.conf");
        ids.ShouldContain("TOR001 torrc");
        run.Stdout.ShouldContain("it is a FIFO (named pipe), not a regular file");

        t.Fifo(".configlint.yaml");
        var config = t.Run(TimeSpan.FromSeconds(30), "check", ".").ShouldEndCleanly(2);
        config.Stderr.ShouldContain("cannot read '.configlint.yaml': it is a FIFO (named pipe), not a regular file");
    }

    [LinuxFact]
    public void Row5_a_configuration_symlink_to_a_device_is_refused_and_nothing_reads_it()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);
        t.Symlink(".configlint.yaml", "/dev/zero");
        var run = t.Run(TimeSpan.FromSeconds(30), "check", ".").ShouldEndCleanly(2);
        run.Stderr.ShouldContain("cannot read '.configlint.yaml'");
        run.Stderr.ShouldContain("outside its folder");

        // A symlinked torrc to a device is outside the tree; inside the tree (a bind-mounted /dev, say) it is not a regular file.
        File.Delete(Path.Combine(t.Tree, ".configlint.yaml"));
        t.Symlink("torrc.zero", "/dev/zero");
        t.Symlink("dev", "/dev");
        t.Symlink("Dockerfile", "dev/zero");
        var files = t.Run(TimeSpan.FromSeconds(30), "check", ".").ShouldEndCleanly(1);
        files.Stderr.ShouldContain("note: 'torrc.zero' is a symlink to '/dev/zero', outside the linted folder");
        files.Stdout.ShouldContain("torrc(1,11): warning TOR001");
    }

    [RootFact]
    public void Row5_device_nodes_inside_the_tree_are_never_read()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);
        HostileTree.Shell("mknod", Path.Combine(t.Tree, "Dockerfile"), "c", "1", "5").ShouldBeSuccessful();
        HostileTree.Shell("mknod", Path.Combine(t.Tree, "squid.conf"), "c", "1", "3").ShouldBeSuccessful();
        var run = t.Run(TimeSpan.FromSeconds(30), "check", ".").ShouldEndCleanly(1);
        run.Stderr.ShouldContain("note: 'Dockerfile' is a character device, not a regular file");
        run.Stderr.ShouldContain("note: 'squid.conf' is a character device, not a regular file");

        var named = t.Run(TimeSpan.FromSeconds(30), "check", "Dockerfile", "torrc").ShouldEndCleanly(1);
        named.Stdout.ShouldContain("TOR001");
    }

    [LinuxFact]
    public void Row6_file_content_never_reaches_the_terminal_or_the_ci_log_raw()
    {
        using var t = new HostileTree();
        t.Write("compose.yaml", "services:\n  \"a\\n::error file=README.md,line=1::SPOOFED\\e[2J\\e]0;title\\a\":\n    image: nginx:latest\n    privileged: true\n");
        t.Write("torrc", "SocksPort 0.0.0.0:9050\nNickname \"\u001b[2J\u001b]0;pwned\u0007\"\n");
        foreach (var format in new[] { "text", "github" })
        {
            var run = t.Run(Timeout, "check", "--format", format, ".").ShouldEndCleanly(1);
            foreach (var stream in new[] { run.Stdout, run.Stderr })
            {
                stream.ShouldNotContain("\u001b");
                stream.ShouldNotContain("\u0007");
                stream.Split('\n').ShouldNotContain(line => line.StartsWith("::error file=README.md", StringComparison.Ordinal));
            }
        }
    }

    [LinuxFact]
    public void Row6_control_characters_in_file_names_are_escaped_in_notes_and_findings()
    {
        using var t = new HostileTree();
        t.Write("torrc.\u001b[2J\n::error::x", FixableTorrc);
        t.Symlink("torrc.\u001b]0;t\u0007", "/etc/hostname");
        var run = t.Run(Timeout, "check", ".").ShouldEndCleanly(1);
        (run.Stdout + run.Stderr).ShouldNotContain("\u001b");
        (run.Stdout + run.Stderr).Split('\n').ShouldNotContain(line => line.StartsWith("::", StringComparison.Ordinal));
        run.Stdout.ShouldContain("TOR001");
    }

    [LinuxFact]
    public void Row7_a_hundred_thousand_nested_flow_collections_finish_quickly()
    {
        using var t = new HostileTree();
        t.Write("compose.yaml", new string('[', 100_000) + "\n");
        t.Write("torrc", FixableTorrc);
        var run = t.Run(Timeout, "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), run.ToString());
        var ids = RuleIds(run.Stdout);
        ids.ShouldContain("CL0001 compose.yaml");
        ids.ShouldContain("TOR001 torrc");
    }

    [RootFact]
    public void Row8_fix_as_root_keeps_the_owner_group_and_mode_of_the_daemon_config()
    {
        using var t = new HostileTree();
        var torrc = t.Write("torrc", FixableTorrc);
        HostileTree.Shell("chown", "65534:65534", torrc).ShouldBeSuccessful();
        HostileTree.Shell("chmod", "600", torrc).ShouldBeSuccessful();
        t.Run(Timeout, "fix", ".").ShouldEndCleanly(0);
        t.Read("torrc").ShouldNotContain("SafeLogging 0");
        HostileTree.Shell("stat", "-c", "%u:%g %a", torrc).Stdout.Trim().ShouldBe("65534:65534 600");
    }

    [LinuxFact]
    public void Row9_a_two_file_include_cycle_is_reported_and_both_files_are_still_linted()
    {
        using var t = new HostileTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n%include b\n");
        t.Write("b", "%include torrc\n");
        var run = t.Run(Timeout, "check", "--format", "json", ".").ShouldEndCleanly(1);
        var ids = RuleIds(run.Stdout);
        ids.ShouldContain("TOR001 torrc");
        ids.ShouldContain(id => id.StartsWith("CL0004 ", StringComparison.Ordinal));
    }

    [LinuxFact]
    public void Row11_sigterm_and_sigint_while_a_temporary_file_exists_leave_no_temporary_file()
    {
        foreach (var signal in new[] { "TERM", "INT" })
        {
            using var t = new HostileTree();
            for (var i = 0; i < 3; i++)
            {
                t.Write($"d{i}/torrc", FixableTorrc);
            }

            var psi = new ProcessStartInfo(HostileTree.Binary) { WorkingDirectory = t.Tree, RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("fix");
            psi.ArgumentList.Add(".");
            psi.Environment["CONFIGLINT_TEST_WRITE_DELAY_MS"] = "20000";
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!Directory.EnumerateFiles(t.Tree, "*.configlint-tmp", SearchOption.AllDirectories).Any() && clock.Elapsed < Timeout)
            {
                Thread.Sleep(20);
            }

            Directory.EnumerateFiles(t.Tree, "*.configlint-tmp", SearchOption.AllDirectories).ShouldNotBeEmpty("the fix never reached its write");
            HostileTree.Shell("kill", "-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ShouldBeSuccessful();
            p.WaitForExit(30_000).ShouldBeTrue();
            p.ExitCode.ShouldNotBe(0);
            Directory.EnumerateFiles(t.Tree, "*.configlint-tmp", SearchOption.AllDirectories).ShouldBeEmpty($"SIG{signal} left a temporary file");
            stderr.Result.ShouldNotContain("   at ");
        }
    }

    [LinuxFact]
    public void Row13_every_file_left_out_gets_a_note_and_the_run_goes_on()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);
        t.Symlink("torrc.outside", Path.Combine(t.Outside, "victim"));
        t.Symlink("torrc.dangling", "nowhere");
        t.Symlink("torrc.loop", "torrc.loop2");
        t.Symlink("torrc.loop2", "torrc.loop");
        t.Symlink("escape", t.Outside);
        var deep = string.Join('/', Enumerable.Repeat("d", 70));
        t.Write(deep + "/torrc", FixableTorrc);

        var run = t.Run(Timeout, "check", ".").ShouldEndCleanly(1);
        run.Stderr.ShouldContain("note: 'torrc.outside' is a symlink to");
        run.Stderr.ShouldContain("outside the linted folder");
        run.Stderr.ShouldContain("note: 'torrc.dangling' is a symlink to 'nowhere', which does not exist");
        run.Stderr.ShouldContain("note: 'torrc.loop' is a symlink loop");
        run.Stderr.ShouldContain("note: 'escape' is a symlink to");
        run.Stderr.ShouldContain("folders below the folder named; ConfigLint does not look inside it");
        run.Stdout.ShouldContain("torrc(1,11): warning TOR001");

        // Named explicitly, each says what happened, and the other files are still linted.
        var named = t.Run(Timeout, "check", "torrc.outside", "torrc.dangling", "torrc.loop", "torrc").ShouldEndCleanly(1);
        named.Stderr.ShouldContain("note: 'torrc.outside' is a symlink to");
        named.Stderr.ShouldContain("note: 'torrc.dangling' is a symlink to 'nowhere'");
        named.Stderr.ShouldContain("note: 'torrc.loop' is a symlink loop");
        named.Stderr.ShouldNotContain("recognises");
        named.Stdout.ShouldContain("torrc(1,11): warning TOR001");
    }

    [LinuxFact]
    public void A_file_name_that_is_not_utf8_is_noted_and_the_run_goes_on()
    {
        using var t = new HostileTree();
        t.Write("torrc", FixableTorrc);
        HostileTree.Shell("sh", "-c", $"printf 'SocksPort 0.0.0.0:9050\\n' > \"{t.Tree}/$(printf 'torrc.\\377x')\"").ShouldBeSuccessful();
        var run = t.Run(Timeout, "check", ".").ShouldEndCleanly(1);
        run.Stderr.ShouldContain("has a name that is not valid UTF-8, so ConfigLint cannot open it");
        run.Stdout.ShouldContain("torrc(1,11): warning TOR001");
        t.Run(Timeout, "fix", ".").ShouldEndCleanly(0);
        t.Read("torrc").ShouldNotContain("SafeLogging");
    }

    [LinuxFact]
    public void Includes_that_fan_out_are_cut_at_a_budget_not_followed_exponentially()
    {
        using var t = new HostileTree();

        // 300 files in a folder, each including the whole folder again: 300^31 paths for tor, unbounded for nginx.
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n%include torrc.d/\n");
        t.Write("nginx/nginx.conf", "events {}\nhttp { include conf.d/*.conf; }\n");
        for (var i = 0; i < 300; i++)
        {
            t.Write($"torrc.d/f{i}", "%include torrc.d/\n".Replace("torrc.d/", t.Tree + "/torrc.d/", StringComparison.Ordinal));
            t.Write($"nginx/conf.d/f{i}.conf", "include conf.d/*.conf;\n");
        }

        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), run.ToString());
        run.Stdout.ShouldContain("spliced files: its includes fan out");
        RuleIds(run.Stdout).ShouldContain("TOR001 torrc");
    }

    [LinuxFact]
    public void Megabyte_long_unknown_names_get_no_quadratic_suggestion()
    {
        // Found by the fuzzer: a 3.6 MB unknown torrc option made the "did you mean" search run for minutes.
        using var t = new HostileTree();
        var huge = new string('a', 2 * 1024 * 1024);
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n" + huge + " 1\n");
        t.Write("squid.conf", "http_port 3128\n" + huge + " on\nhttp_access deny all\n");
        t.Write("nginx.conf", "events {}\nhttp { " + huge + " on; }\n");
        t.Write("Dockerfile", "FROM alpine:3.20\n" + huge + " x\n");
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
        var ids = RuleIds(run.Stdout);
        ids.ShouldContain("TOR001 torrc");
        ids.ShouldContain("CL0002 torrc");
    }

    [LinuxFact]
    public void A_file_with_a_million_problems_lists_the_first_ones_and_says_how_many_more()
    {
        // Found by the fuzzer: 2 million stray braces gave 2 million findings and 22 s of JSON.
        using var t = new HostileTree();
        t.Write("nginx.conf", "events {}\nhttp { server_tokens off; }\n" + new string('{', 1_000_000) + " " + string.Concat(Enumerable.Repeat("{ ", 500_000)) + "\n");
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
        var ids = RuleIds(run.Stdout);
        ids.Count.ShouldBeLessThanOrEqualTo(2 * (ConfigLint.Syntax.SyntaxTree.MaxDiagnosticsPerId + 1));
        run.Stdout.ShouldContain("more CL0001 problems in this file are not listed");
        run.Stdout.ShouldContain("Unexpected '{' (1000000 in a row) with no directive before it");
    }

    [LinuxFact]
    public void A_directive_with_millions_of_arguments_keeps_the_first_and_round_trips()
    {
        // Found by the fuzzer: 10 MB of '"' is five million empty-string arguments (2.7 GB).
        using var t = new HostileTree();
        var text = "events {}\nhttp { server_tokens off; }\nx " + new string('"', 10 * 1024 * 1024) + ";\ny " + string.Concat(Enumerable.Repeat("a ", 3_000_000)) + ";\n";
        t.Write("nginx.conf", text);
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
        run.Stdout.ShouldContain("more CL0001 problems in this file are not listed");
        var tree = ConfigLint.Syntax.Nginx.NginxParser.Parse("nginx.conf", Microsoft.CodeAnalysis.Text.SourceText.From(text));
        tree.ToFullString().ShouldBe(text);
        var many = "y " + string.Concat(Enumerable.Repeat("a ", 10_000)) + ";\n";
        var alone = ConfigLint.Syntax.Nginx.NginxParser.Parse("nginx.conf", Microsoft.CodeAnalysis.Text.SourceText.From(many));
        alone.ToFullString().ShouldBe(many);
        alone.Diagnostics.ShouldContain(d => d.Message == $"Directive 'y' has more than {ConfigLint.Syntax.Nginx.NginxParser.MaxArguments} arguments; ConfigLint does not read the rest.");
    }

    [LinuxFact]
    public void A_megabyte_comment_or_line_costs_no_quadratic_time_in_suppressions_or_sarif()
    {
        // Found by the fuzzer: '# configlint: ignore ' and 10 MB of tabs backtracked in the suppression pattern, and
        // SARIF hashed a 6 MB line once per finding on it.
        using var t = new HostileTree();
        t.Write("squid.conf", "http_port 3128\n# configlint: ignore " + new string('\t', 4 * 1024 * 1024) + "\nhttp_access allow all\n");
        t.Write("nginx.conf", "events {}\nhttp { server_tokens off; }\nx " + new string('"', 4 * 1024 * 1024) + ";\n");
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "sarif", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [LinuxFact]
    public void Numbers_past_int_and_policy_lines_of_millions_of_items_are_handled()
    {
        // Found by the fuzzer: 'tor=0.4.8.4294967296-r0' threw OverflowException (exit 2); a 9 MB ExitPolicy line of
        // 4.5 million items took 700 MB and over 10 s.
        using var t = new HostileTree();
        t.Write("Dockerfile", "FROM alpine:3.20\nRUN apk add --no-cache tor=0.4.8.4294967296-r0 nginx=1.99999999999.1\nUSER tor\nCMD [\"tor\"]\n");
        t.Write("torrc", "ORPort 9001\nExitPolicy " + string.Concat(Enumerable.Repeat("reject 10.0.0.1:*,", 2_000_000)) + "reject *:*\n");
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
        run.Stdout.ShouldContain($"This policy line has more than {ConfigLint.Syntax.Tor.TorPolicyItem.MaxItems} items; ConfigLint does not read the rest.");
    }

    [LinuxFact]
    public void An_include_value_megabytes_long_with_thousands_of_slashes_stays_in_bounded_memory()
    {
        // Found by the fuzzer: a CR-only torrc is one line, so '%include torrc' took the whole 1.3 MB file as its path,
        // and resolving its 100,000 components cached every prefix (2 GB).
        using var t = new HostileTree();
        t.Write("torrc", "%include torrc\rSocksPort 0.0.0.0:9050\r" + string.Concat(Enumerable.Repeat("location / {\r", 100_000)));
        var run = t.Run(TimeSpan.FromSeconds(60), "check", "--format", "json", ".").ShouldEndCleanly(0, 1);
        run.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20), run.ToString());
    }

    /// <summary>"RULE path" for every finding in a JSON report.</summary>
    private static List<string> RuleIds(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("ruleId").GetString() + " " + f.GetProperty("path").GetString()).ToList();
}

/// <summary>A fact that needs Linux (symlinks, FIFOs, /dev, signals).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux (FIFOs, device nodes, symlinks and POSIX signals)";
        }
    }
}

public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "needs Linux (FIFOs, device nodes, symlinks and POSIX signals)";
        }
    }
}

/// <summary>A fact that needs root (mknod, chown to another user).</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || !HostileTree.IsRoot)
        {
            Skip = "needs root on Linux (device nodes with mknod, chown to another user); CI runs as root";
        }
    }
}

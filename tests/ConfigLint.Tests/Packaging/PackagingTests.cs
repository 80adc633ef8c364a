using System.Text.Json;
using System.Text.RegularExpressions;
using ConfigLint.Analysis.Engine;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Packaging;

/// <summary>How users install and run ConfigLint: the pre-commit hook definition, the dotnet tool package, pre-commit itself.</summary>
public class PackagingTests(ITestOutputHelper output)
{
    private static string HookFilesPattern()
    {
        var lines = File.ReadAllLines(Path.Combine(Repo.Root, ".pre-commit-hooks.yaml"));
        var start = Array.FindIndex(lines, l => l.Trim() is "files: |" or "files: &files |");
        start.ShouldBeGreaterThan(0);
        var indent = lines[start + 1].Length - lines[start + 1].TrimStart().Length;
        return string.Join('\n', lines.Skip(start + 1).TakeWhile(l => l.Length > indent && l[..indent].Trim().Length == 0).Select(l => l[indent..]));
    }

    /// <summary>The hook passes exactly the files ConfigLint recognises by name (a file it did not recognise would be a usage error).</summary>
    [Fact]
    public void Hook_files_pattern_agrees_with_name_detection()
    {
        var pattern = new Regex(HookFilesPattern());
        var paths = new List<string>
        {
            "torrc", "a/b/torrc", "tor/torrc.bridge", "x.torrc", "torrc-defaults", "torrc.d/50-relay.conf", "torrc.d/.hidden", "torrcx",
            "compose.yaml", "compose.yml", "deploy/docker-compose.prod.yml", "docker-compose.yaml", "compose-dev.yaml", "compose.json",
            "Dockerfile", "svc/Dockerfile.tor", "app.dockerfile", "Containerfile", "Dockerfile.png", "dockerfiles/readme.md",
            "squid.conf", "etc/squid-acl.conf", "x.squid.conf", "nginx.conf", "site.nginx", "nginx/site.conf", "conf.d/default.conf",
            "sites-enabled/app.conf", "sites-available/app.conf", "other.conf", "README.md", "rules.v4",
        };
        foreach (var dir in new[] { Repo.Examples, Repo.Rules })
        {
            paths.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/')));
        }

        var mismatches = new List<string>();
        foreach (var path in paths)
        {
            var byName = LanguageDetector.ByName(path);
            var expected = byName is Language.Tor or Language.Compose or Language.Dockerfile or Language.Squid or Language.Nginx;
            if (pattern.IsMatch(path) != expected)
            {
                mismatches.Add($"{path}: hook {(pattern.IsMatch(path) ? "passes it" : "skips it")}, ConfigLint reads it as {byName?.ToString() ?? "nothing"}");
            }
        }

        output.WriteLine($"{paths.Count} paths compared.");
        mismatches.ShouldBeEmpty();
    }

    [Fact]
    public void Only_the_cli_is_packable_as_the_configlint_tool()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, "tests"), "*.csproj", SearchOption.AllDirectories)).ToList();
        projects.Count.ShouldBeGreaterThan(5);
        var props = File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props"));
        props.ShouldContain("<IsPackable>false</IsPackable>");
        foreach (var project in projects)
        {
            var text = File.ReadAllText(project);
            var packable = text.Contains("<IsPackable>true</IsPackable>", StringComparison.Ordinal);
            packable.ShouldBe(Path.GetFileName(project) == "ConfigLint.Cli.csproj", project);
        }

        var cli = File.ReadAllText(Path.Combine(Repo.Root, "src", "ConfigLint.Cli", "ConfigLint.Cli.csproj"));
        cli.ShouldContain("<PackAsTool>true</PackAsTool>");
        cli.ShouldContain("<ToolCommandName>configlint</ToolCommandName>");
    }

    /// <summary>The package installs with <c>dotnet tool install</c> from a local folder (no other source) and the installed command works.</summary>
    [ToolFact("dotnet", "the .NET SDK")]
    public void The_tool_package_installs_and_runs()
    {
        using var t = new TempTree();
        var packages = Path.Combine(t.Root, "packages");
        var pack = ExternalTool.Run("dotnet", ["pack", Path.Combine(Repo.Root, "src", "ConfigLint.Cli"), "-c", "Release", "-o", packages, "--nologo"], Repo.Root, TimeSpan.FromMinutes(5));
        pack.Succeeded.ShouldBeTrue(pack.Output);
        var nupkg = Directory.GetFiles(packages, "*.nupkg").ShouldHaveSingleItem();
        Path.GetFileName(nupkg).ShouldStartWith("ConfigLint.");

        var nugetConfig = t.Write("nuget.config", "<?xml version=\"1.0\" encoding=\"utf-8\"?><configuration><packageSources><clear /></packageSources></configuration>");
        var tools = Path.Combine(t.Root, "tools");
        var install = ExternalTool.Run("dotnet", ["tool", "install", "--configfile", nugetConfig, "--tool-path", tools, "--add-source", packages, "ConfigLint"], t.Root, TimeSpan.FromMinutes(3));
        install.Succeeded.ShouldBeTrue(install.Output);

        var run = ExternalTool.Run(Path.Combine(tools, "configlint"), ["check", "examples/onion-site", "--format", "json"], Repo.Root, TimeSpan.FromMinutes(1));
        run.ExitCode.ShouldBe(1, run.Output);
        var ids = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ToList();
        ids.ShouldContain("TOR011");
        ExternalTool.Run(Path.Combine(tools, "configlint"), ["check", "examples/onion-site-hardened"], Repo.Root).ExitCode.ShouldBe(0);
    }

    /// <summary>
    /// Debian's pre-commit installs the hooks from this repository's commit (language: dotnet) in a fresh git repository:
    /// a bad torrc in a subfolder fails the commit with TOR001; a clean one commits; a fixable one is fixed in place by
    /// the configlint-fix hook (the commit stops, as pre-commit does when a hook changes files) and then commits; a staged
    /// torrc whose compose file (not staged) publishes its SocksPort is reported with the compose side named.
    /// </summary>
    [ToolFact("pre-commit", "apt-get install pre-commit")]
    public void Pre_commit_hook_blocks_a_bad_torrc_and_passes_a_clean_one()
    {
        var head = ExternalTool.Run("git", ["rev-parse", "HEAD"], Repo.Root);
        if (!head.Succeeded)
        {
            throw new InvalidOperationException($"the repository has no commit to point pre-commit at: {head.Output}");
        }

        using var t = new TempTree();
        var env = new Dictionary<string, string>
        {
            ["PRE_COMMIT_HOME"] = Path.Combine(t.Root, "cache"),
            ["GIT_AUTHOR_NAME"] = "t", ["GIT_AUTHOR_EMAIL"] = "t@example.org", ["GIT_COMMITTER_NAME"] = "t", ["GIT_COMMITTER_EMAIL"] = "t@example.org",
        };
        var work = Path.Combine(t.Root, "work");
        Directory.CreateDirectory(work);
        ToolRun Git(params string[] args) => ExternalTool.Run("git", args, work, TimeSpan.FromMinutes(10), env);

        Git("init", "-q", "-b", "main").Succeeded.ShouldBeTrue();
        t.Write("work/.pre-commit-config.yaml", $"repos:\n  - repo: {Repo.Root}\n    rev: {head.Stdout.Trim()}\n    hooks:\n      - id: configlint-fix\n      - id: configlint\n");
        ExternalTool.Run("pre-commit", ["install"], work, TimeSpan.FromMinutes(1), env).Succeeded.ShouldBeTrue();

        // Bad: a SOCKS listener on every interface, in a subfolder.
        t.Write("work/deploy/tor/torrc", "SocksPort 0.0.0.0:9050\nSocksPolicy accept 10.0.0.0/8\nSocksPolicy reject *\n");
        t.Write("work/README.md", "notes\n");
        Git("add", "-A").Succeeded.ShouldBeTrue();
        var bad = Git("commit", "-m", "bad");
        output.WriteLine(bad.Output);
        bad.ExitCode.ShouldNotBe(0);
        bad.Output.ShouldContain("TOR001");
        bad.Output.ShouldContain("deploy/tor/torrc(1,11)");
        Git("rev-parse", "--verify", "HEAD").Succeeded.ShouldBeFalse("the commit was blocked");

        // Clean: loopback only.
        t.Write("work/deploy/tor/torrc", "SocksPort 127.0.0.1:9050\nSocksPolicy accept 127.0.0.1\nSocksPolicy reject *\n");
        Git("add", "-A").Succeeded.ShouldBeTrue();
        var good = Git("commit", "-m", "good");
        output.WriteLine(good.Output);
        good.ExitCode.ShouldBe(0, good.Output);
        good.Output.ShouldContain("ConfigLint");
        good.Output.ShouldContain("Passed");

        // Fixable: SafeLogging 0 (TOR015). The fix hook removes the line and stops the commit; staged again, it commits.
        var fixable = "SocksPort 127.0.0.1:9050\nSafeLogging 0\n";
        t.Write("work/deploy/tor/torrc", fixable);
        Git("add", "-A").Succeeded.ShouldBeTrue();
        var fixing = Git("commit", "-m", "fixable");
        output.WriteLine(fixing.Output);
        fixing.ExitCode.ShouldNotBe(0);
        fixing.Output.ShouldContain("files were modified by this hook");
        fixing.Output.ShouldContain("fixed TOR015");
        File.ReadAllText(Path.Combine(work, "deploy/tor/torrc")).ShouldBe("SocksPort 127.0.0.1:9050\n");
        Git("add", "-A").Succeeded.ShouldBeTrue();
        var fixedCommit = Git("commit", "-m", "fixed");
        fixedCommit.ExitCode.ShouldBe(0, fixedCommit.Output);
        Git("show", "HEAD:deploy/tor/torrc").Stdout.ShouldBe("SocksPort 127.0.0.1:9050\n");

        // The compose side of a staged torrc (issue 12): compose.yaml, already in the repository, publishes 9050 on every
        // interface; only the torrc is staged. The hook sees the project, so the finding names the publish.
        t.Write("work/deploy/compose.yaml", "services:\n  tor:\n    image: alpine:3.20\n    ports:\n      - \"9050:9050\"\n    volumes:\n      - ./tor/torrc:/etc/tor/torrc:ro\n");
        Git("add", "deploy/compose.yaml").Succeeded.ShouldBeTrue();
        Git("commit", "-q", "--no-verify", "-m", "compose").Succeeded.ShouldBeTrue();
        t.Write("work/deploy/tor/torrc", "SocksPort 0.0.0.0:9050\n");
        Git("add", "deploy/tor/torrc").Succeeded.ShouldBeTrue();
        var exposed = Git("commit", "-m", "exposed");
        output.WriteLine(exposed.Output);
        exposed.ExitCode.ShouldNotBe(0);
        exposed.Output.ShouldContain("deploy/tor/torrc(1,11)");
        exposed.Output.ShouldContain("publishes it on every host interface (deploy/compose.yaml line 5, XF001)");
        exposed.Output.ShouldNotContain("CMP001", customMessage: "only the staged file's findings are reported");
    }

    /// <summary>The code-scanning workflow example runs ConfigLint with options that exist, uploads SARIF with a category, and can write its SARIF.</summary>
    [Fact]
    public void Workflow_example_runs_valid_configlint_commands()
    {
        var workflow = File.ReadAllText(Path.Combine(Repo.Examples, "github", "configlint.yml"));
        workflow.ShouldContain("github/codeql-action/upload-sarif@");
        workflow.ShouldContain("security-events: write");
        workflow.ShouldContain("category: configlint");
        var commands = Regex.Matches(workflow, @"run: configlint (.+)").Select(m => m.Groups[1].Value.Trim()).ToList();
        commands.Count.ShouldBe(2);
        using var t = new TempTree();
        foreach (var command in commands)
        {
            var args = command.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(a => a == "." ? Path.Combine(Repo.Examples, "onion-site") : a.Replace("\"$RUNNER_TEMP/", t.Root + "/", StringComparison.Ordinal).TrimEnd('"')).ToArray();
            var (code, _, stderr) = CliRun.In(t.Root, args);
            stderr.ShouldBeEmpty(command);
            code.ShouldBeOneOf(0, 1);
        }

        workflow.ShouldContain("sarif_file: ${{ runner.temp }}/configlint.sarif", customMessage: "the report is written outside the checkout, where a planted symlink cannot redirect it");
        var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(t.Root, "configlint.sarif"))).RootElement;
        sarif.GetProperty("runs")[0].GetProperty("automationDetails").GetProperty("id").GetString().ShouldBe("configlint/");
    }
}

using System.Text;
using ConfigLint.Fuzz;
using Shouldly;

namespace ConfigLint.Tests.Fuzz;

/// <summary>
/// The fuzz harness's own logic (tools/ConfigLint.Fuzz), without the long fuzzing run: mutations are a function of
/// (seed, iteration), and the classification catches fake binaries that crash, hang, print bad JSON or write files.
/// </summary>
public sealed class FuzzHarnessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("configlint-fuzz-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SeedCorpus SmallCorpus() => new(
    [
        new Seed("torrc", SeedLanguage.Torrc, Encoding.UTF8.GetBytes("SocksPort 0.0.0.0:9050\nSocksPolicy accept *\n%include torrc.d\n"), "t/torrc"),
        new Seed("nginx.conf", SeedLanguage.Nginx, Encoding.UTF8.GetBytes("http {\n  server {\n    listen 80;\n    location / { autoindex on; }\n  }\n}\n"), "n/nginx.conf"),
        new Seed("squid.conf", SeedLanguage.Squid, Encoding.UTF8.GetBytes("acl lan src 10.0.0.0/8\nhttp_access allow lan\nhttp_port 3128\n"), "s/squid.conf"),
        new Seed("compose.yaml", SeedLanguage.Compose, Encoding.UTF8.GetBytes("services:\n  tor:\n    image: tor:latest\n    ports: [\"9050:9050\"]\n"), "c/compose.yaml"),
        new Seed("Dockerfile", SeedLanguage.Dockerfile, Encoding.UTF8.GetBytes("FROM debian:latest\nRUN apt-get install -y tor\nUSER root\n"), "d/Dockerfile"),
    ]);

    [Fact]
    public void A_case_is_a_function_of_seed_and_iteration()
    {
        var generator = new CaseGenerator(SmallCorpus());
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var first = generator.Generate(42, iteration);
            var again = new CaseGenerator(SmallCorpus()).Generate(42, iteration);
            again.Mutations.ShouldBe(first.Mutations);
            again.Commands.Select(c => c.ToString()).ShouldBe(first.Commands.Select(c => c.ToString()));
            again.Entries.Count.ShouldBe(first.Entries.Count);
            for (var i = 0; i < first.Entries.Count; i++)
            {
                again.Entries[i].Path.ShouldBe(first.Entries[i].Path);
                again.Entries[i].Kind.ShouldBe(first.Entries[i].Kind);
                again.Entries[i].Target.ShouldBe(first.Entries[i].Target);
                again.Entries[i].Content.AsSpan().SequenceEqual(first.Entries[i].Content).ShouldBeTrue();
            }

            first.Mutations.Count.ShouldBeGreaterThan(2, "a seed line, a header and at least one mutation");
            distinct.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(first.Entries[0].Content)));
        }

        distinct.Count.ShouldBeGreaterThan(150, "different iterations must give different inputs");
        string.Join('\n', generator.Generate(43, 0).Mutations).ShouldNotBe(string.Join('\n', generator.Generate(42, 0).Mutations));
    }

    [Fact]
    public void Mutations_keep_the_seed_name_that_decides_the_language()
    {
        var generator = new CaseGenerator(SmallCorpus());
        var names = Enumerable.Range(0, 100).Select(i => generator.Generate(7, i).Entries[0].Path).ToHashSet();
        names.ShouldBe(["torrc", "nginx.conf", "squid.conf", "compose.yaml", "Dockerfile"], ignoreOrder: true);
    }

    [Fact]
    public void The_generator_draws_the_same_numbers_for_the_same_seed()
    {
        var a = Prng.ForIteration(123, 4);
        var b = Prng.ForIteration(123, 4);
        var c = Prng.ForIteration(123, 5);
        var first = Enumerable.Range(0, 20).Select(_ => a.NextUInt64()).ToList();
        Enumerable.Range(0, 20).Select(_ => b.NextUInt64()).ShouldBe(first);
        Enumerable.Range(0, 20).Select(_ => c.NextUInt64()).ShouldNotBe(first);
    }

    [Theory]
    [InlineData("kill -SEGV $$", "crash")]
    [InlineData("kill -ABRT $$", "crash")]
    [InlineData("exit 3", "crash")]
    [InlineData("echo 'Unhandled exception. System.NullReferenceException: boom' >&2; echo '   at X.Y()' >&2; exit 1", "crash")]
    [InlineData("echo 'configlint: error: IndexOutOfRangeException: Index was outside the bounds of the array.' >&2; exit 2", "crash")]
    [InlineData("sleep 30", "hang")]
    [InlineData("printf '{\"findings\": ['; exit 1", "invalid-json")]
    [InlineData("printf 'torrc(1,1): error TOR001: oops'; exit 1", "invalid-json")]
    [InlineData("printf '{\"results\": []}'", "invalid-json")]
    [InlineData("printf '{\"findings\": [{\"ruleId\":\"TOR001\",\"level\":\"fatal\",\"message\":\"m\",\"path\":\"torrc\",\"line\":1,\"column\":1,\"endLine\":1,\"endColumn\":2,\"fix\":null}]}'; exit 1", "invalid-json")]
    [InlineData("printf '{\"findings\": [{\"ruleId\":\"TOR001\",\"level\":\"error\",\"message\":\"m\",\"path\":\"torrc\",\"line\":0,\"column\":1,\"endLine\":1,\"endColumn\":2,\"fix\":null}]}'; exit 1", "invalid-json")]
    [InlineData("printf '{\"findings\": [\\377]}'", "invalid-json")]
    public void A_fake_binary_that_misbehaves_is_flagged(string script, string kind)
    {
        var outcome = RunFake(script, timeoutMs: 1500);
        outcome.Failure.ShouldNotBeNull($"'{script}' should be flagged as {kind}");
        outcome.Failure.KindName.ShouldBe(kind);
    }

    [Theory]
    [InlineData("printf '{\"findings\": []}'")]
    [InlineData("printf '{\"findings\": [{\"ruleId\":\"TOR001\",\"level\":\"warning\",\"message\":\"m\",\"path\":\"torrc\",\"line\":1,\"column\":1,\"endLine\":1,\"endColumn\":2,\"fix\":\"safe\"}]}'; exit 1")]
    [InlineData("echo \"configlint: error: 'x' does not exist.\" >&2; exit 2")]
    [InlineData("echo 'configlint: error: IOException: cannot read' >&2; exit 2")]
    public void A_fake_binary_that_behaves_passes(string script)
    {
        var outcome = RunFake(script, timeoutMs: 5000);
        outcome.Failure.ShouldBeNull();
    }

    [Fact]
    public void A_hang_says_whether_the_process_was_blocked_or_busy_and_truncated_output_is_not_judged()
    {
        var blocked = new RunResult(137, TimedOut: true, OutOfMemory: false, 0, [], string.Empty, TimeSpan.FromSeconds(10)) { CpuMs = 10 };
        Classifier.Classify(OutputKind.Json, blocked)!.Signature.ShouldBe("hang:blocked");
        Classifier.Classify(OutputKind.Json, blocked with { CpuMs = 9000 })!.Signature.ShouldBe("hang:busy");
        var cut = new RunResult(1, TimedOut: false, OutOfMemory: false, 0, "{\"findings\": [{\"rule"u8.ToArray(), string.Empty, TimeSpan.Zero);
        Classifier.Classify(OutputKind.Json, cut)!.KindName.ShouldBe("invalid-json");
        Classifier.Classify(OutputKind.Json, cut with { StdoutTruncated = true }).ShouldBeNull();
    }

    [Fact]
    public void Text_output_with_raw_control_characters_is_flagged_and_escaped_output_passes()
    {
        Classifier.CheckPrintable("torrc(1,1): error TOR001: Value 'a\u001b[31mb'.\n"u8.ToArray(), OutputKind.Text)!.KindName.ShouldBe("unescaped-output");
        Classifier.CheckPrintable("torrc(1,1): error TOR001: Value 'a\\x1b[31mb'.\n"u8.ToArray(), OutputKind.Text).ShouldBeNull();
        Classifier.CheckPrintable([0x61, 0xFF, 0x0A], OutputKind.Github)!.KindName.ShouldBe("unescaped-output");
    }

    [Fact]
    public void Fix_diff_that_writes_a_file_is_flagged()
    {
        var binary = FakeBinary("case \"$1\" in fix) echo changed >> torrc; exit 1;; *) printf '{\"findings\": []}';; esac");
        using var session = Session(binary, 5000);
        var fuzzCase = new FuzzCase
        {
            Seed = 1,
            Iteration = 1,
            Entries = [CaseEntry.File("torrc", "SocksPort 9050\n"u8.ToArray())],
            Mutations = [],
            Commands = [new(OutputKind.Json, ["check", "--format", "json", "."]), new(OutputKind.Diff, ["fix", "--diff", "."])],
        };
        var outcome = session.Execute(fuzzCase);
        outcome.Failure.ShouldNotBeNull().KindName.ShouldBe("wrote-files");
        outcome.Command.Arguments[0].ShouldBe("fix");
    }

    [Fact]
    public void A_saved_case_replays_the_same_tree_and_command_and_shrinks_to_the_culprit()
    {
        // The fake crashes when any file in the folder holds "BOOM".
        var binary = FakeBinary("if grep -rq BOOM .; then kill -SEGV $$; fi; printf '{\"findings\": []}'");
        using var session = Session(binary, 5000);
        var fuzzCase = new FuzzCase
        {
            Seed = 9,
            Iteration = 3,
            Entries =
            [
                CaseEntry.File("conf.d/site.conf", Encoding.UTF8.GetBytes(new string('x', 300) + "BOOM" + new string('y', 300))),
                CaseEntry.File("torrc", "SocksPort 9050\n"u8.ToArray()),
                new CaseEntry("loop", EntryKind.Symlink, [], "."),
            ],
            Mutations = ["made by hand"],
            Commands = [new(OutputKind.Json, ["check", "--format", "json", "."])],
        };
        var outcome = session.Execute(fuzzCase);
        outcome.Failure.ShouldNotBeNull().KindName.ShouldBe("crash");

        var saved = CaseStore.Save(_folder, "crash-case", fuzzCase, outcome.Command, outcome.Failure, outcome.Result!);
        var loaded = CaseStore.Load(saved);
        loaded.Command.Arguments.ShouldBe(["check", "--format", "json", "."]);
        loaded.Signature.ShouldBe(outcome.Failure.Signature);
        outcome.Failure.Signature.ShouldBe($"{outcome.Failure.Base}@nginx+torrc");
        loaded.Case.Entries.Select(e => (e.Path, e.Kind, e.Target)).ShouldBe(fuzzCase.Entries.Select(e => (e.Path, e.Kind, e.Target)), ignoreOrder: true);
        loaded.Case.Entries.Single(e => e.Path == "conf.d/site.conf").Content.ShouldBe(fuzzCase.Entries[0].Content);
        session.Replay(saved).ShouldBe(1);

        var shrunk = new Shrinker(c => session.Execute(c).Failure, TimeSpan.FromSeconds(60)).Shrink(fuzzCase, outcome.Failure.Base);
        shrunk.Entries.ShouldHaveSingleItem().Content.ShouldBe("BOOM"u8.ToArray());
    }

    private Outcome RunFake(string script, int timeoutMs)
    {
        using var session = Session(FakeBinary(script), timeoutMs);
        var fuzzCase = new FuzzCase
        {
            Seed = 1,
            Iteration = 1,
            Entries = [CaseEntry.File("torrc", "SocksPort 9050\n"u8.ToArray())],
            Mutations = [],
            Commands = [new(OutputKind.Json, ["check", "--format", "json", "."])],
        };
        return session.Execute(fuzzCase);
    }

    private FuzzSession Session(string binary, int timeoutMs)
    {
        var options = Options.Parse(["--binary", binary, "--timeout-ms", timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(_folder, "out")], TextWriter.Null)!;
        return new FuzzSession(options, new Runner(binary, timeoutMs, 512), TextWriter.Null);
    }

    private string FakeBinary(string body)
    {
        var path = Path.Combine(_folder, $"fake-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}

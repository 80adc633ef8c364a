using ConfigLint.Analysis.Engine;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Engine;

/// <summary>Bad input gets a located diagnostic or a clear one-line error; nothing crashes, hangs or is written.</summary>
public class BadInputTests
{
    [Fact]
    public void Binary_file_is_a_located_CL0001()
    {
        using var t = new TempTree();
        t.WriteBytes("torrc", [0x53, 0x6f, 0x63, 0x6b, 0x0a, 0x00, 0x01, 0x02]);
        var f = t.Check().Findings.ShouldHaveSingleItem();
        f.RuleId.ShouldBe("CL0001");
        f.Message.ShouldContain("binary file");
        f.Where().ShouldBe("2:1");
    }

    [Fact]
    public void Invalid_utf8_is_located_at_the_bad_byte()
    {
        using var t = new TempTree();
        t.WriteBytes("compose.yaml", [.. "services:\n  a: {image: "u8.ToArray(), 0xff, .. "}\n"u8.ToArray()]);
        var f = t.Check().Findings.ShouldHaveSingleItem();
        f.RuleId.ShouldBe("CL0001");
        f.Message.ShouldContain("invalid UTF-8 (byte 0xFF at offset 23)");
        f.Where().ShouldBe("2:14");
    }

    [Fact]
    public void Torrc_bytes_are_kept_and_only_ContactInfo_must_be_utf8()
    {
        using var t = new TempTree();
        t.WriteBytes("torrc", [.. "# caf"u8.ToArray(), 0xe9, .. "\nORPort 9001\nExitRelay 0\nNickname relay\nContactInfo caf"u8.ToArray(), 0xe9, .. "\n"u8.ToArray()]);
        var r = t.Check();
        r.Findings.Where(f => f.RuleId.StartsWith("CL", StringComparison.Ordinal)).ShouldBeEmpty();
        var f = r.Of("TOR014").ShouldHaveSingleItem();
        f.Level.ShouldBe(ConfigLint.Syntax.DiagnosticLevel.Error);
        f.Where().ShouldBe("5:13");
    }

    [Fact]
    public void Escaped_decoding_round_trips_any_bytes()
    {
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            SourceLoader.Encode(SourceLoader.DecodeEscaped(bytes)).ShouldBe(bytes);
        }
    }

    [Fact]
    public void A_ten_megabyte_compose_line_is_fine()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  a:\n    image: x:1\n    labels:\n      big: \"" + new string('x', 10 * 1024 * 1024) + "\"\n    user: root\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        t.Check("CMP007").Of("CMP007").ShouldHaveSingleItem();
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void Unreadable_input_is_a_clear_error_not_an_exception()
    {
        using var t = new TempTree();
        var dir = Path.Combine(t.Root, "torrc.d");
        Directory.CreateDirectory(dir);
        var loaded = SourceLoader.Load(dir);
        loaded.Ok.ShouldBeFalse();
        loaded.NotRegular.ShouldBeTrue();
        loaded.Problem.ShouldBe("it is a folder, not a regular file, so ConfigLint does not read it");
        loaded.Problem.ShouldNotBeNullOrEmpty();
        loaded.Problem.ShouldNotContain("   at ");
    }

    [Fact]
    public void Unreadable_file_makes_check_exit_2_with_one_line()
    {
        if (Environment.UserName == "root" || OperatingSystem.IsWindows())
        {
            // root reads everything; emulate with a file that vanishes between discovery and reading.
            using var r = new TempTree();
            var workspace = new FileSystemWorkspace(r.Root, r.Root);
            workspace.GetTree(Path.Combine(r.Root, "torrc"), ConfigLint.Syntax.Language.Tor, out var why).ShouldBeNull();
            why.ShouldBe("no such file");
            return;
        }

        using var t = new TempTree();
        var path = t.Write("torrc", "SocksPort 0\n");
        File.SetUnixFileMode(path, UnixFileMode.None);
        var result = t.Check();
        result.Errors.ShouldHaveSingleItem().ShouldContain("permission denied");
    }

    [Fact]
    public void Empty_and_whitespace_files_are_fine()
    {
        using var t = new TempTree();
        t.Write("torrc", string.Empty);
        t.Write("compose.yaml", "\n\n");
        var r = t.Check();
        r.Errors.ShouldBeEmpty();
        r.Findings.ShouldBeEmpty();
    }

    [Fact]
    public void Nothing_is_written_next_to_the_inputs()
    {
        using var t = new TempTree();
        t.Write("torrc", "SocksPort 0.0.0.0:9050\n");
        t.Write("compose.yaml", "services: {a: {image: x}}\n");
        var before = Directory.GetFiles(t.Root, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ToList();
        t.Check();
        Directory.GetFiles(t.Root, "*", SearchOption.AllDirectories).Select(f => (f, File.GetLastWriteTimeUtc(f))).ShouldBe(before);
    }
}

public class ByteOrderMarkTests
{
    [Fact]
    public void A_bom_does_not_shift_columns_on_line_one()
    {
        using var t = new TempTree();
        t.WriteBytes("torrc", [0xEF, 0xBB, 0xBF, .. "SocksPort 0.0.0.0:9050\n"u8.ToArray()]);
        t.Check("TOR001").Of("TOR001").ShouldHaveSingleItem().Where().ShouldBe("1:11");
    }
}

public class BigDockerfileTests
{
    [Fact]
    public void A_ten_megabyte_Dockerfile_line_is_fine()
    {
        using var t = new TempTree();
        t.Write("Dockerfile", "FROM alpine:3.20\nRUN apt-get install " + string.Concat(Enumerable.Repeat("-y ", 1_000_000)) + "tor\nENV A=" + new string('b', 10 * 1024 * 1024) + "\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        t.Check("DKR002").Of("DKR002").ShouldHaveSingleItem().Level.ShouldBe(ConfigLint.Syntax.DiagnosticLevel.Note);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }
}

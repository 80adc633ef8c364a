using System.Text;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Cli.Reporting;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary>
/// Issue 11, hostile repositories: file content printed in the text and github formats (paths, messages, code frames,
/// related locations, fix lines, diff headers) cannot send control sequences to a terminal or start a line of its
/// own in a CI log.
/// </summary>
public class HostileOutputTests
{
    /// <summary>
    /// A compose service name (YAML escapes) with a line break and a GitHub workflow command, ESC sequences, OSC, BEL, a
    /// bidi override, CR, NEL and the line and paragraph separators.
    /// </summary>
    private const string HostileCompose =
        "services:\n  \"web\\n::error file=README.md,line=1::SPOOFED\\e[2J\\e]0;pwned\\a\\u202e\\r\\N\\L\\P\":\n    image: nginx:1.27\n    privileged: true\n";

    private const string ShownService = @"web\n::error file=README.md,line=1::SPOOFED\x1b[2J\x1b]0;pwned\x07\u202e\r\x85\u2028\u2029";

    /// <summary>A torrc whose name holds CSI and BEL and whose Nickname value holds raw ESC, BEL, C1 CSI, DEL and a bidi isolate.</summary>
    private const string HostileName = "torrc.x\u001b[31mred\u0007";

    private const string ShownName = @"torrc.x\x1b[31mred\x07";

    private const string HostileTorrc = "ORPort 9001\nNickname relay\u001b]0;t\u0007\u009b2J\u007f\u2066x\nContactInfo ops@example.org\nExitPolicy reject *:*\n";

    private const string ShownNickname = @"relay\x1b]0;t\x07\x9b2J\x7f\u2066x";

    [Theory]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\rb", @"a\rb")]
    [InlineData("a\tb", @"a\tb")]
    [InlineData("\u0000\u0001\u001f", @"\x00\x01\x1f")]
    [InlineData("\u001b[2J", @"\x1b[2J")]
    [InlineData("\u001b]0;title\u0007", @"\x1b]0;title\x07")]
    [InlineData("\u007f", @"\x7f")]
    [InlineData("\u0080\u0085\u009b\u009d\u009f", @"\x80\x85\x9b\x9d\x9f")]
    [InlineData("\u202a\u202b\u202c\u202d\u202e", @"\u202a\u202b\u202c\u202d\u202e")]
    [InlineData("\u2066\u2067\u2068\u2069", @"\u2066\u2067\u2068\u2069")]
    [InlineData("\u2028\u2029", @"\u2028\u2029")]
    [InlineData("\u061c\u200e\u200f", @"\u061c\u200e\u200f")]
    public void ForTerminal_shows_each_control_class_visibly(string raw, string shown)
    {
        Escape.ForTerminal(raw).ShouldBe(shown);
        Escape.NeedsEscaping(raw).ShouldBeTrue();
    }

    [Fact]
    public void ForTerminal_shows_a_lone_surrogate() => Escape.ForTerminal("lone \ud800 surrogate").ShouldBe(@"lone \ud800 surrogate");

    [Theory]
    [InlineData("examples/squid-forward-proxy/squid.conf(8,1): warning SQD002: 'http_access allow digest_user' allows requests.")]
    [InlineData("café/torrc: Nickname 'élan' — “quoted” 🎉")]
    [InlineData(@"location ~ \.php$ and C:\x1b stay as written")]
    [InlineData("")]
    public void ForTerminal_keeps_ordinary_text_byte_for_byte(string text)
    {
        Escape.ForTerminal(text).ShouldBeSameAs(text);
        Escape.NeedsEscaping(text).ShouldBeFalse();
    }

    private static TempTree HostileTree()
    {
        var tree = new TempTree();
        tree.Write("compose.yaml", HostileCompose);
        tree.Write(HostileName, HostileTorrc);
        return tree;
    }

    /// <summary>No raw control, bidi control or separator in the output except the line breaks ending lines.</summary>
    private static void ShouldHaveNoRawControls(string output)
    {
        foreach (var c in output.Where(c => c != '\n'))
        {
            var unsafeChar = c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u2028' and <= '\u202e' || c is >= '\u2066' and <= '\u2069'
                || c is '\u061c' or '\u200e' or '\u200f';
            unsafeChar.ShouldBeFalse($"U+{(int)c:X4} reached the output");
        }
    }

    [Fact]
    public void Plain_text_escapes_paths_and_messages()
    {
        using var tree = HostileTree();
        var (_, output, error) = CliRun.In(tree.Root, "check", "--select", "CMP002,TOR014");
        error.ShouldBeEmpty();
        output.ShouldBe(
            $"compose.yaml(4,17): error CMP002: Service '{ShownService}' runs privileged: every capability, every device and no seccomp or AppArmor confinement, which amounts to root on the host; grant only the capabilities it needs with cap_add.\n"
            + $"{ShownName}(2,10): error TOR014: Nickname '{ShownNickname}' is invalid: tor requires 1 to 19 letters or digits and refuses to start.\n");
        ShouldHaveNoRawControls(output);
        output.Split('\n').ShouldAllBe(line => !line.StartsWith("::", StringComparison.Ordinal));
    }

    [Fact]
    public void Terminal_output_escapes_the_code_frame_and_keeps_the_carets_under_the_span()
    {
        using var tree = HostileTree();
        var (_, output, _) = CliRun.In(tree.Root, terminal: true, "check", "--select", "TOR014");
        output.ShouldBe(
            $"{ShownName}(2,10): error TOR014: Nickname '{ShownNickname}' is invalid: tor requires 1 to 19 letters or digits and refuses to start.\n"
            + "  |\n"
            + $"2 | Nickname {ShownNickname}\n"
            + $"  |          {new string('^', ShownNickname.Length)}\n"
            + "\n"
            + "1 finding: 1 error, 0 warnings, 0 notes.\n");
        ShouldHaveNoRawControls(output);
    }

    [Fact]
    public void Colour_output_has_only_the_renderers_own_escape_sequences()
    {
        using var tree = HostileTree();
        var result = Lint.Run(tree.Root, [tree.Root], ["CMP002", "TOR014"]);
        var output = TextRenderer.Render(result.Findings, rich: true, color: true);
        var withoutOwnColours = System.Text.RegularExpressions.Regex.Replace(output, @"\u001b\[[0-9;]*m", string.Empty);
        ShouldHaveNoRawControls(withoutOwnColours);
        output.ShouldContain(ShownService);
        output.ShouldContain($"2 |\u001b[0m Nickname {ShownNickname}\n");
    }

    [Fact]
    public void Related_locations_are_escaped()
    {
        using var tree = new TempTree();
        tree.Write("squid\u001b]0;x\u0007.conf", "http_port 3128\nacl localnet src 10.0.0.0/8\nhttp_access allow localnet\nacl SSL_ports port 443\nacl Safe_ports port 80 443\nhttp_access deny all\n");
        var (_, output, _) = CliRun.In(tree.Root, terminal: true, "check", "--select", "SQD002");
        output.ShouldContain(@"    = related: squid\x1b]0;x\x07.conf(4,1): 'SSL_ports' is first defined here");
        ShouldHaveNoRawControls(output);
    }

    [Fact]
    public void GitHub_format_escapes_esc_and_no_line_starts_with_a_command_from_the_file()
    {
        using var tree = HostileTree();
        var (_, output, _) = CliRun.In(tree.Root, "check", "--select", "CMP002,TOR014", "--format", "github");
        output.ShouldBe(
            $"::error file=compose.yaml,line=4,col=17,endLine=4,endColumn=21,title=CMP002 privileged-container::Service '{ShownService}' runs privileged: every capability, every device and no seccomp or AppArmor confinement, which amounts to root on the host; grant only the capabilities it needs with cap_add.\n"
            + @"::error file=torrc.x\x1b[31mred\x07,line=2,col=10,endLine=2,endColumn=27,title=TOR014 relay-operator-metadata::Nickname '" + ShownNickname + "' is invalid: tor requires 1 to 19 letters or digits and refuses to start.\n");
        ShouldHaveNoRawControls(output);
        var lines = output.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(2);
        lines.ShouldAllBe(line => line.StartsWith("::error file=", StringComparison.Ordinal));
    }

    [Fact]
    public void GitHub_property_escaping_still_applies_after_terminal_escaping()
    {
        GitHubRenderer.Property(Escape.ForTerminal("a%b:c,d\ne")).ShouldBe(@"a%25b%3Ac%2Cd\ne");
        GitHubRenderer.Data(Escape.ForTerminal("50% \r\n::x")).ShouldBe(@"50%25 \r\n::x");
    }

    [Fact]
    public void Fix_lines_escape_the_path_and_the_title()
    {
        using var tree = new TempTree();
        var torrc = tree.Write(HostileName, "ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nSafeLogging 0\nExitPolicy reject *:*\n");
        var outcome = Lint.Fix(tree.Root, [torrc], select: ["TOR015"]);
        var applied = outcome.Files.ShouldHaveSingleItem().Applied.ShouldHaveSingleItem();
        var line = FixReport.Applied(applied.Finding);
        line.ShouldStartWith($"{ShownName}(4,1): fixed TOR015: ");
        ShouldHaveNoRawControls(line);

        FixReport.Refused(new RefusedFix("a\u001b]0;x\u0007", "TOR015", "the edit (remove 'x\u202e') broke it"))
            .ShouldBe(@"configlint: warning: a\x1b]0;x\x07: TOR015 not fixed: the edit (remove 'x\u202e') broke it.");
    }

    [Fact]
    public void Diff_headers_quote_unusual_names_as_git_does_and_keep_the_lines_raw()
    {
        UnifiedDiff.QuotePath("a/deploy/tor/torrc").ShouldBe("a/deploy/tor/torrc");
        UnifiedDiff.QuotePath("a/café/torrc").ShouldBe("a/café/torrc");
        UnifiedDiff.QuotePath("a/torrc.x\u001b[31m\u0007\n\t\"\\\u202e").ShouldBe("\"a/torrc.x\\033[31m\\a\\n\\t\\\"\\\\\\342\\200\\256\"");

        var diff = UnifiedDiff.Create("torrc.\u001b]0;x\u0007", "a\u001b[2J\nb\n", "a\u001b[2J\nc\n");
        diff.ShouldBe("--- \"a/torrc.\\033]0;x\\a\"\n+++ \"b/torrc.\\033]0;x\\a\"\n@@ -1,2 +1,2 @@\n a\u001b[2J\n-b\n+c\n");

        var shown = UnifiedDiff.Create("torrc", "a\u001b[2J\r\nb\r\n", "a\u001b[2J\r\nc\r\n", forTerminal: true);
        shown.ShouldBe("--- a/torrc\n+++ b/torrc\n@@ -1,2 +1,2 @@\n a\\x1b[2J\r\n-b\r\n+c\r\n");
    }

    [ToolFact("git", "apt-get install git")]
    public void A_diff_of_a_hostile_name_applies_with_git_apply()
    {
        using var tree = new TempTree();
        var original = "ORPort 9001\nNickname relay1\nContactInfo ops@example.org\nSafeLogging 0\nExitPolicy reject *:*\n";
        tree.Write(HostileName, original);
        var (code, diff, _) = CliRun.In(tree.Root, "fix", "--diff", "--select", "TOR015");
        code.ShouldBe(1);
        diff.ShouldStartWith($"--- \"a/torrc.x\\033[31mred\\a\"\n+++ \"b/torrc.x\\033[31mred\\a\"\n");
        var patch = tree.Write("fix.patch", diff);
        ExternalTool.Run("git", ["init", "-q"], tree.Root).Succeeded.ShouldBeTrue();
        var apply = ExternalTool.Run("git", ["apply", "--verbose", patch], tree.Root);
        apply.Succeeded.ShouldBeTrue(apply.Output);
        File.ReadAllText(Path.Combine(tree.Root, HostileName), Encoding.UTF8).ShouldBe(original.Replace("SafeLogging 0\n", string.Empty, StringComparison.Ordinal));
    }
}

using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>
/// Issue 16: what squid refuses (or ignores) depends on its version, which the deployment shows (a Dockerfile's base
/// image or pinned package, an image tag). With no version shown, the newest squid's rules apply, as for
/// <c>to_linklocal</c>. Expected outcomes were checked against squid 5.7's <c>squid -k parse</c> where 5.7 is named.
/// </summary>
public class SquidBinderTests
{
    /// <summary>The CL0001/CL0002 findings on a squid.conf, run by an image built FROM <paramref name="image"/> (null: no version shown).</summary>
    private static List<(int Line, DiagnosticLevel Level, string Message)> Lint_(string conf, string? image = null)
    {
        using var t = new TempTree();
        var path = t.Write("squid.conf", conf);
        if (image is not null)
        {
            t.Write("Dockerfile", $"FROM {image}\nRUN apt-get update && apt-get install -y squid\nCOPY squid.conf /etc/squid/squid.conf\n");
        }

        return [.. Lint.Run(t.Root, [path], ["CL0001", "CL0002"]).Findings.Select(f => (f.LineSpan.Start.Line + 1, f.Level, f.Message))];
    }

    private static Finding[] Of(string conf, string? image = null)
    {
        using var t = new TempTree();
        var path = t.Write("squid.conf", conf);
        if (image is not null)
        {
            t.Write("Dockerfile", $"FROM {image}\nRUN apt-get update && apt-get install -y squid\nCOPY squid.conf /etc/squid/squid.conf\n");
        }

        return [.. Lint.Run(t.Root, [path], ["CL0001", "CL0002"]).Findings];
    }

    [Theory]
    [InlineData(null, DiagnosticLevel.Warning)]          // the newest squid: obsolete since 5.0.1
    [InlineData("debian:bookworm", DiagnosticLevel.Warning)] // 5.7
    [InlineData("debian:bullseye", null)]                // 4.13 still reads it
    [InlineData("ubuntu:focal", null)]                   // 4.10
    public void Dns_v4_first_is_obsolete_only_from_squid_5(string? image, DiagnosticLevel? expected)
    {
        var findings = Lint_("http_port 3128\ndns_v4_first on\n", image);
        if (expected is null)
        {
            findings.ShouldBeEmpty();
            return;
        }

        var (line, level, message) = findings.ShouldHaveSingleItem();
        (line, level).ShouldBe((2, expected.Value));
        message.ShouldContain("obsolete since squid 5.0.1");
        message.ShouldContain(image is null ? "nothing in the deployment shows" : "this deployment shows squid 5.7");
    }

    [Fact]
    public void Cache_peer_domain_is_live_in_squid_3_and_obsolete_from_4()
    {
        using var t = new TempTree();
        var conf = "http_port 3128\ncache_peer p.example parent 3128 0\ncache_peer_domain p.example .example.org\n";
        var old = t.Write("old/squid.conf", conf);
        t.Write("old/compose.yaml", "services:\n  proxy:\n    image: sameersbn/squid:3.5.27-2\n    volumes:\n      - ./squid.conf:/etc/squid/squid.conf:ro\n");
        var current = t.Write("new/squid.conf", conf);
        t.Write("new/compose.yaml", "services:\n  proxy:\n    image: ubuntu/squid:4.10-20.04_beta\n    volumes:\n      - ./squid.conf:/etc/squid/squid.conf:ro\n");
        Lint.Run(t.Root, [old], ["CL0002"]).Findings.ShouldBeEmpty();
        Lint.Run(t.Root, [current], ["CL0002"]).Findings.ShouldHaveSingleItem().Message.ShouldContain("obsolete since squid 4.0.1 and this deployment shows squid 4.10");
    }

    [Theory]
    [InlineData("http_port __PORT__", 11, "is not a port number")]
    [InlineData("http_port ${SQUID_PORT}", 11, "template placeholder")]
    [InlineData("http_port 0", 11, "not a port squid accepts")]
    [InlineData("http_port 127.0.0.1:0", 11, "Port cannot be 0")]
    [InlineData("http_port 70000", 11, "out of range")]
    [InlineData("http_port :3128", 11, "no address before ':'")]
    [InlineData("http_port ::1:3128", 11, "IPv6 address without brackets")]
    [InlineData("http_port [::1]", 11, "no ':port'")]
    [InlineData("http_port [::1:3128", 11, "no ']'")]
    [InlineData("http_port 3128 transparant", 16, "Did you mean 'transparent'?")]
    [InlineData("http_port 3128 intercept accel", 26, "cannot also intercept")]
    [InlineData("http_port 3128 accel tproxy", 22, "'tproxy' needs its own port")]
    [InlineData("http_port 3128 vport=80", 16, "needs accelerator mode")]
    [InlineData("http_port 3128 accel protocol=gopher", 22, "not a protocol squid serves")]
    [InlineData("http_port 3128 disable-pmtu-discovery=sometimes", 16, "must be off, transparent or always")]
    [InlineData("https_port 443 accel defaultsite=www.example.org", 1, "requires a cert= parameter")]
    [InlineData("http_port 3128 tls-min-version=1.2", 1, "has TLS options but no cert=")]
    [InlineData("http_port 3128 tls-key=/k.pem tls-cert=/c.pem", 16, "comes before any cert=")]
    [InlineData("https_port 443 tls-cert=/c.pem require-proxy-header", 32, "not supported on HTTPS ports")]
    [InlineData("https_port 443 ssl-bump tls-cert=/c.pem", 16, "requires tproxy/intercept")]
    [InlineData("ftp_port 21 ssl-bump", 13, "not supported for ftp_port")]
    public void Port_lines_squid_refuses_are_errors_at_the_word_squid_stops_on(string line, int column, string message)
    {
        var finding = Of(line + "\n").ShouldHaveSingleItem();
        (finding.RuleId, finding.Level, finding.LineSpan.Start.Character + 1).ShouldBe(("CL0001", DiagnosticLevel.Error, column));
        finding.Message.ShouldContain(message);
    }

    [Theory]
    [InlineData("http_port 3128")]
    [InlineData("http_port +3128")]
    [InlineData("http_port 0.0.0.0:3128 name=all")]
    [InlineData("ascii_port 3129")]
    [InlineData("http_port 3128 ssl-bump cert=/etc/squid/ca.pem key=/etc/squid/ca.key generate-host-certificates=on dynamic_cert_mem_cache_size=4MB")]
    [InlineData("http_port 3128 sslBump cert=/ca.pem sslflags=NO_DEFAULT_CA options=NO_SSLv3 cipher=HIGH clientca=/ca.pem")]
    [InlineData("http_port 3129 intercept")]
    [InlineData("http_port 3129 transparent require-proxy-header")]
    [InlineData("http_port 80 accel vhost defaultsite=example.org vport=80 protocol=http allow-direct act-as-origin ignore-cc")]
    [InlineData("http_port 80 vhost defaultsite=example.org")]
    [InlineData("https_port 443 accel protocol=HTTP defaultsite=example.org")]
    [InlineData("https_port 443 accel defaultsite=example.org tls-cert=/c.pem tls-key=/k.pem tls-dh=prime256v1:/dh.pem tls-options=NO_TLSv1")]
    [InlineData("https_port 3130 intercept ssl-bump cert=/ca.pem generate-host-certificates")]
    [InlineData("http_port 3128 worker-queues connection-auth=off tcpkeepalive=60,30,3 ftp-track-dirs")]
    [InlineData("ftp_port 21")]
    public void Port_lines_squid_reads_are_fine(string line) => Of(line + "\n").ShouldBeEmpty();

    [Theory]
    [InlineData("debian:bullseye", true)]  // 4.13: worker-queues came in 5.0.2
    [InlineData("debian:bookworm", false)]
    [InlineData(null, false)]
    public void Port_options_follow_the_squid_version(string? image, bool refused)
    {
        var findings = Of("http_port 3128 worker-queues\n", image);
        if (!refused)
        {
            findings.ShouldBeEmpty();
            return;
        }

        findings.ShouldHaveSingleItem().Message.ShouldContain("It exists from squid 5.0.2 on; this deployment shows squid 4.13.");
    }

    [Theory]
    [InlineData(null, DiagnosticLevel.Error)]
    [InlineData("debian:trixie", DiagnosticLevel.Error)]    // 6.13
    [InlineData("debian:bookworm", DiagnosticLevel.Warning)] // 5.7: "ERROR: ACL cannot match both", the line is dropped
    public void An_acl_key_change_is_fatal_from_squid_6(string? image, DiagnosticLevel level)
    {
        var findings = Lint_("acl h req_header X-1 a\nacl h req_header x-1 b\nacl h req_header X-2 c\nacl n note color green\nacl n note weight heavy\n", image)
            .OrderBy(f => f.Line).ToList();
        findings.Select(f => (f.Line, f.Level)).ShouldBe([(3, level), (5, level)]);
        findings[0].Message.ShouldContain("header-name 'X-1' at line 1");
        findings[1].Message.ShouldContain("annotation name 'color' at line 4");
    }

    [Fact]
    public void Certificate_attributes_could_never_change()
    {
        var (_, level, message) = Lint_("acl c user_cert CN alice\nacl c user_cert O example\n", "debian:bullseye").ShouldHaveSingleItem();
        level.ShouldBe(DiagnosticLevel.Error);
        message.ShouldContain("SSL certificate attribute");
    }

    [Theory]
    [InlineData(null, DiagnosticLevel.Error)]
    [InlineData("debian:trixie", DiagnosticLevel.Error)]
    [InlineData("debian:bookworm", DiagnosticLevel.Warning)]
    public void An_invalid_regex_is_fatal_from_squid_6(string? image, DiagnosticLevel level)
    {
        var (line, actual, message) = Lint_("acl foo browser *\n", image).ShouldHaveSingleItem();
        (line, actual).ShouldBe((1, level));
        message.ShouldContain("Invalid preceding regular expression");
    }

    [Theory]
    [InlineData("acl r url_regex 1)+(")]                    // alone invalid, but squid compiles the line as "(1)+()"
    [InlineData("acl r url_regex .*")]
    [InlineData("acl r url_regex ^.*.*")]                   // squid drops the wildcards: ".*"
    [InlineData("acl r url_regex -i ^http://[a-z]+\\.example\\.com/ +i ^ftp:")]
    [InlineData("acl r browser ^Mozilla/5\\.0\\ \\(X11")]     // an escaped blank does not split the pattern
    [InlineData("acl r req_header X-Forwarded-For -i ^10\\.")]
    [InlineData("acl r dstdomain *.example.com")]           // not a regex ACL
    public void Patterns_squid_compiles_are_fine(string line) => Lint_(line + "\n", "debian:bookworm").ShouldBeEmpty();

    [Theory]
    [InlineData("acl r url_regex a (b", "'(b'")]
    [InlineData("acl r url_regex -i a{2,1}", "'a{2,1}'")]
    [InlineData("acl r url_regex .** x", "'.**'")]          // squid strips ".*", leaving "*"
    [InlineData("acl r req_header X-Foo [[:word:]]", "'[[:word:]]'")]
    public void Patterns_squid_skips_are_reported_on_the_pattern(string line, string quoted) =>
        Lint_(line + "\n", "debian:bookworm").ShouldHaveSingleItem().Message.ShouldStartWith(quoted);

    /// <summary>
    /// squid 5 also compiles one by one when a case flag follows an empty group (its compileRE returned
    /// curlist.empty()); squid 6 does not, and compiles "(1)+()" as one valid group (checked with squid 5.7).
    /// </summary>
    [Fact]
    public void Squid_5_and_6_group_patterns_differently()
    {
        Lint_("acl r urlpath_regex a -i +i 1)+(\n", "debian:bookworm").ShouldHaveSingleItem().Message.ShouldStartWith("'1)+(' is not a valid");
        Lint_("acl r urlpath_regex a -i +i 1)+(\n", "debian:trixie").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("acl d dstdomain .example.com example.com", 30)]
    [InlineData("acl d dstdomain example.com .example.com", 29)]
    [InlineData("acl d dstdomain www.example.com .example.com", 33)]
    [InlineData("acl d dstdomain .a.example.com .example.com", 32)]
    [InlineData("acl d srcdomain host.example.com\nacl d srcdomain .EXAMPLE.com", 17)]
    public void Overlapping_domains_stop_squid_before_7(string lines, int column)
    {
        var finding = Of(lines + "\n", "debian:bookworm").ShouldHaveSingleItem();
        (finding.Level, finding.LineSpan.Start.Character + 1).ShouldBe((DiagnosticLevel.Error, column));
        finding.Message.ShouldContain("is a subdomain of");
        Of(lines + "\n").ShouldBeEmpty("the newest squid (7.0.1 and later) merges them with a warning");
        Of(lines + "\n", "debian:trixie").ShouldHaveSingleItem("squid 6.13 still stops");
    }

    [Fact]
    public void Only_the_first_overlap_of_an_acl_is_reported_because_squid_stops_there()
    {
        var finding = Of("acl d dstdomain a.example.com .example.com\nacl d dstdomain b.example.org .example.org\n", "debian:bookworm").ShouldHaveSingleItem();
        finding.LineSpan.Start.Line.ShouldBe(0);
    }

    [Theory]
    [InlineData("acl d dstdomain .example.com www.example.com")]   // a WARNING: the name is dropped
    [InlineData("acl d dstdomain .example.com .www.example.com .example.com")]
    [InlineData("acl d dstdomain example.com Example.COM")]          // duplicates, case aside
    [InlineData("acl d dstdomain .com x-example.com .org")]
    public void Domains_squid_accepts_are_fine(string line) => Of(line + "\n", "debian:bookworm").ShouldBeEmpty();

    [Fact]
    public void Domain_values_from_a_file_are_read_in_their_place()
    {
        using var t = new TempTree();
        t.Write("domains.txt", "# blocked\nwww.example.com\n");
        var path = t.Write("squid.conf", "acl d dstdomain \"domains.txt\" .example.com\n");
        t.Write("Dockerfile", "FROM debian:bookworm\nCOPY squid.conf /etc/squid/squid.conf\n");
        var finding = Lint.Run(t.Root, [path], ["CL0001"]).Findings.ShouldHaveSingleItem();
        finding.Message.ShouldContain("overlaps 'www.example.com' given from \"domains.txt\" on line 1");
    }

    [Theory]
    [InlineData("*", PosixRegex.BadRepetition)]
    [InlineData("a|*b", PosixRegex.BadRepetition)]
    [InlineData("(*a)", PosixRegex.BadRepetition)]
    [InlineData("^*", PosixRegex.BadRepetition)]
    [InlineData("\\<*", PosixRegex.BadRepetition)]
    [InlineData("{1}", PosixRegex.BadRepetition)]
    [InlineData("a{", PosixRegex.UnmatchedBrace)]
    [InlineData("a{1", PosixRegex.UnmatchedBrace)]
    [InlineData("a{}", PosixRegex.BadInterval)]
    [InlineData("a{x}", PosixRegex.BadInterval)]
    [InlineData("a{2,1}", PosixRegex.BadInterval)]
    [InlineData("a{1,2,3}", PosixRegex.BadInterval)]
    [InlineData("a{32768}", PosixRegex.TooBig)]
    [InlineData("(a", PosixRegex.UnmatchedParen)]
    [InlineData("[", PosixRegex.BadPattern)]
    [InlineData("[a", PosixRegex.UnmatchedBracket)]
    [InlineData("[]", PosixRegex.UnmatchedBracket)]
    [InlineData("[z-a]", PosixRegex.BadRange)]
    [InlineData("[a-z-0]", PosixRegex.BadRange)]
    [InlineData("[[:alpha:]-z]", PosixRegex.BadRange)]
    [InlineData("[?-[:foo:]]", PosixRegex.BadRange)]
    [InlineData("[[:foo:]]", PosixRegex.BadClass)]
    [InlineData("[[.xy.]]", PosixRegex.BadCollation)]
    [InlineData("[\\w1,([..]", PosixRegex.UnmatchedBracket)]
    [InlineData("a\\", PosixRegex.TrailingBackslash)]
    [InlineData("\\1", PosixRegex.BadBackReference)]
    [InlineData("(a)|\\1", PosixRegex.BadBackReference)]
    [InlineData("(a\\1)", PosixRegex.BadBackReference)]
    [InlineData(")\\w{\\0}\\1", PosixRegex.BadBackReference)]
    [InlineData("(?:a)", PosixRegex.BadRepetition)]
    [InlineData("a", null)]
    [InlineData("a**", null)]
    [InlineData("a+?", null)]
    [InlineData("()", null)]
    [InlineData("()*", null)]
    [InlineData("a||b", null)]
    [InlineData("|a", null)]
    [InlineData(")", null)]
    [InlineData("}", null)]
    [InlineData("a{,3}", null)]
    [InlineData("a{,}", null)]
    [InlineData("x{1}{2}", null)]
    [InlineData("a{1\\,2}", null)]
    [InlineData("[]a]", null)]
    [InlineData("[^]]", null)]
    [InlineData("[a-]", null)]
    [InlineData("[--a]", null)]
    [InlineData("[[.-.]-z]", null)]
    [InlineData("[\\]", null)]
    [InlineData("[[:alpha:][:digit:]_]", null)]
    [InlineData("(a)\\1", null)]
    [InlineData("\\w+\\.\\<b", null)]
    [InlineData("$a^b", null)]
    public void Posix_regex_errors_are_glibcs(string pattern, string? error) => PosixRegex.Error(pattern).ShouldBe(error);

    [Fact]
    public void Deeply_nested_patterns_are_not_judged_and_do_not_overflow_the_stack()
    {
        PosixRegex.Error(new string('(', 200_000)).ShouldBeNull();
        PosixRegex.Error(new string('(', 100) + "*" + new string(')', 100)).ShouldBe(PosixRegex.BadRepetition);
        Lint_("acl r url_regex " + new string('(', 100_000) + "\n", "debian:bookworm").ShouldBeEmpty();
    }
}

using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Syntax;

public class TorParserTests
{
    private static TorDocumentSyntax Doc(string text, out SyntaxTree tree)
    {
        tree = Lint.Tor(text);
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
        return (TorDocumentSyntax)tree.Root;
    }

    [Fact]
    public void Keys_are_case_insensitive_and_resolve_to_canonical_names()
    {
        var doc = Doc("SOCKSPORT 9050\nsocksport 9150\n", out var tree);
        doc.Entries.Select(e => e.Name).ShouldBe(["SocksPort", "SocksPort"]);
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Hash_starts_a_comment_anywhere_in_an_unquoted_value()
    {
        var doc = Doc("Nickname World#tomorrow\nContactInfo a # b\n", out _);
        doc.Entries[0].Value.ShouldBe("World");
        doc.Entries[1].Value.ShouldBe("a");
    }

    [Fact]
    public void Quoted_values_are_decoded_as_c_strings()
    {
        var doc = Doc("ContactInfo \"a\\tb\\x41\\101\\\"q\\\\\"  # c\n", out var tree);
        doc.Entries[0].Value.ShouldBe("a\tbAA\"q\\");
        doc.Entries[0].IsQuoted.ShouldBeTrue();
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("ContactInfo \"abc\\q\"\n", "Invalid escape")]
    [InlineData("ContactInfo \"abc\" x\n", "Excess data after quoted string")]
    [InlineData("ContactInfo \"abc\nNickname x\n", "Unterminated")]
    [InlineData("ContactInfo \"a\\\nb\"\n", "Invalid escape")]
    public void Bad_quoted_values_are_located_errors_and_parsing_recovers(string text, string message)
    {
        var doc = Doc(text, out var tree);
        var d = tree.Diagnostics[0];
        d.Id.ShouldBe("CL0001");
        d.Message.ShouldContain(message);
        tree.Text.Lines.GetLinePosition(d.Span.Start).Line.ShouldBe(0);
        doc.Entries.Count(e => e.Name == "Nickname").ShouldBe(text.Contains("Nickname", StringComparison.Ordinal) ? 1 : 0);
    }

    [Fact]
    public void Continuation_joins_lines_and_swallows_comment_lines_like_tor()
    {
        // tor: "Nickname a\\\n# c\n  b" gives 'a  b' (checked with tor --verify-config).
        var doc = Doc("Nickname a\\\n# c\n  b\nSocksPort 0\n", out _);
        doc.Entries.Length.ShouldBe(2);
        doc.Entries[0].Value.ShouldBe("a  b");
        doc.Entries[1].Name.ShouldBe("SocksPort");
    }

    [Fact]
    public void Continued_value_maps_back_to_the_source()
    {
        var text = "ExitPolicy accept *:80,\\\n  reject *:*\n";
        var doc = Doc(text, out var tree);
        doc.Entries[0].Value.ShouldBe("accept *:80,  reject *:*");
        var items = TorPolicy.Parse(doc.Entries[0]);
        items.Count.ShouldBe(2);
        tree.Text.ToString(items[1].Span).ShouldBe("reject *:*");
        tree.Text.Lines.GetLinePosition(items[1].Span.Start).Line.ShouldBe(1);
    }

    [Fact]
    public void Backslash_not_before_newline_is_literal()
    {
        var doc = Doc("HiddenServiceDir C:\\tor\\hs\n", out _);
        doc.Entries[0].Value.ShouldBe("C:\\tor\\hs");
    }

    [Fact]
    public void Plus_and_slash_prefixes_are_kept_apart_from_the_key()
    {
        var doc = Doc("+SocksPort 9150\n/ExitPolicy\n", out var tree);
        doc.Entries[0].Prefix.ShouldBe('+');
        doc.Entries[0].Name.ShouldBe("SocksPort");
        doc.Entries[1].Prefix.ShouldBe('/');
        doc.Entries[1].Name.ShouldBe("ExitPolicy");
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Include_keyword_is_case_sensitive()
    {
        var doc = Doc("%include /etc/tor/torrc.d/*.conf\n%Include x\n", out var tree);
        doc.Entries[0].IsInclude.ShouldBeTrue();
        doc.Entries[1].IsInclude.ShouldBeFalse();
        var d = tree.Diagnostics.ShouldHaveSingleItem();
        d.Id.ShouldBe("CL0002");
        d.Message.ShouldContain("'%Include'");
    }

    [Fact]
    public void Unknown_option_gets_did_you_mean()
    {
        Doc("SocksPolcy reject *\n", out var tree);
        var d = tree.Diagnostics.ShouldHaveSingleItem();
        d.Id.ShouldBe("CL0002");
        d.Level.ShouldBe(DiagnosticLevel.Error);
        d.Message.ShouldContain("Did you mean 'SocksPolicy'?");
        tree.Text.ToString(d.Span).ShouldBe("SocksPolcy");
    }

    [Fact]
    public void Aliases_abbreviations_and_obsolete_options_resolve_as_tor_does()
    {
        TorOptions.Lookup("ExcludeNode").ShouldBe(new TorOptionLookup(TorOptionStatus.Alias, "ExcludeNodes"));
        TorOptions.Lookup("SocksPo").ShouldBe(new TorOptionLookup(TorOptionStatus.Abbreviation, "SocksPolicy"));
        TorOptions.Lookup("AllowDotExit").Status.ShouldBe(TorOptionStatus.Obsolete);
        TorOptions.Lookup("FooBar").Status.ShouldBe(TorOptionStatus.Unknown);
        Doc("AllowDotExit 1\n", out var tree);
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("SafeSocks yes", "takes 0 or 1")]
    [InlineData("ExitRelay maybe", "0, 1 or auto")]
    [InlineData("SocksPort 1.2.3:9050", "Couldn't parse address")]
    [InlineData("ExitPolicy allow *:80", "expected 'accept' or 'reject'")]
    [InlineData("ExitPolicy accept *:99999", "Malformed policy")]
    [InlineData("HiddenServicePort abc", "virtual port")]
    [InlineData("BandwidthRate ${RATE}", "unexpanded variable")]
    [InlineData("BandwidthRate 10 foo", "unknown unit 'foo'")]
    [InlineData("BandwidthRate 10 kb/s", "unknown unit 'kb/s'")]
    [InlineData("RelayBandwidthBurst -1", "cannot be negative")]
    [InlineData("MaxCircuitDirtiness 10 mins", "unknown unit 'mins'")]
    [InlineData("MaxCircuitDirtiness 99999999999", "too long")]
    [InlineData("KISTSchedRunInterval 10 ms", "unknown unit 'ms'")]
    [InlineData("NumEntryGuards 1.5", "whole number from 0")]
    [InlineData("NumEntryGuards -1", "whole number from 0")]
    [InlineData("CircuitPriorityHalflife abc", "decimal number")]
    [InlineData("PublishServerDescriptor bad", "does not know 'bad'")]
    [InlineData("PublishServerDescriptor v3,brigde", "does not know 'brigde'")]
    [InlineData("ServerTransportListenAddr obfs4 [aaaa::bbbb:ccccc]:443", "not an IPv4 address:port")]
    [InlineData("ServerTransportListenAddr obfs4 0.0.0.0", "not an IPv4 address:port")]
    [InlineData("ServerTransportListenAddr obfs4 relay.example:443", "not an IPv4 address:port")]
    [InlineData("ServerTransportListenAddr obfs4 0.0.0.0:0", "out of range")]
    [InlineData("ServerTransportListenAddr obfs4", "needs a transport name")]
    public void Value_syntax_errors_are_located(string line, string message)
    {
        Doc(line + "\n", out var tree);
        var d = tree.Diagnostics.ShouldHaveSingleItem();
        d.Id.ShouldBe("CL0001");
        d.Message.ShouldContain(message);
        d.Span.Start.ShouldBeGreaterThan(line.IndexOf(' ', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("BandwidthRate 10 MB")]
    [InlineData("BandwidthRate 10MB")]
    [InlineData("BandwidthRate 1.5 mbytes")]
    [InlineData("BandwidthRate +5 Mbits")]
    [InlineData("BandwidthRate 1048576")]
    [InlineData("AccountingMax 4 TB")]
    [InlineData("MaxCircuitDirtiness 10 minutes")]
    [InlineData("MaxCircuitDirtiness 0.5 hours")]
    [InlineData("MaxCircuitDirtiness 1 month")]
    [InlineData("KISTSchedRunInterval 10 msec")]
    [InlineData("NumEntryGuards +3")]
    [InlineData("PathBiasCircThreshold -1")]
    [InlineData("CircuitPriorityHalflife 1e3")]
    [InlineData("PublishServerDescriptor 0")]
    [InlineData("PublishServerDescriptor V3, bridge")]
    [InlineData("PublishServerDescriptor v2")]
    [InlineData("ServerTransportListenAddr obfs4 0.0.0.0:443")]
    [InlineData("ServerTransportListenAddr obfs4 [::]:443")]
    [InlineData("BandwidthRate")]
    public void Values_tor_accepts_get_no_diagnostic(string line)
    {
        Doc(line + "\n", out var tree);
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("SocksPort 9050", TorPortKind.Tcp, "127.0.0.1", true, AddressScope.Loopback)]
    [InlineData("SocksPort auto", TorPortKind.Tcp, "127.0.0.1", true, AddressScope.Loopback)]
    [InlineData("SocksPort 0", TorPortKind.Disabled, "127.0.0.1", true, AddressScope.Loopback)]
    [InlineData("ORPort 9001", TorPortKind.Tcp, "0.0.0.0", true, AddressScope.Wildcard)]
    [InlineData("DirPort 9030", TorPortKind.Tcp, "0.0.0.0", true, AddressScope.Wildcard)]
    [InlineData("SocksPort [::]:9050 IPv6Traffic", TorPortKind.Tcp, "[::]", false, AddressScope.Wildcard)]
    [InlineData("SocksPort 10.0.0.2:9050", TorPortKind.Tcp, "10.0.0.2", false, AddressScope.Private)]
    [InlineData("SocksPort tor:9050", TorPortKind.Tcp, "tor", false, AddressScope.Hostname)]
    [InlineData("SocksPort unix:\"/run/tor socks\" WorldWritable", TorPortKind.Unix, "unix", false, AddressScope.Loopback)]
    public void Port_lines_have_typed_views_with_per_option_defaults(string line, TorPortKind kind, string address, bool isDefault, AddressScope scope)
    {
        var doc = Doc(line + "\n", out var tree);
        tree.Diagnostics.ShouldBeEmpty();
        var spec = TorPortSpec.Parse(doc.Entries[0]);
        spec.Kind.ShouldBe(kind);
        spec.Address.ShouldBe(address);
        spec.AddressIsDefault.ShouldBe(isDefault);
        spec.Scope.ShouldBe(scope);
    }

    [Fact]
    public void Policy_items_are_typed()
    {
        var doc = Doc("ExitPolicy reject *4, accept6 [2001:db8::]/32:443, accept private:*, reject 10.0.0.0/255.0.0.0:1-1024\n", out var tree);
        tree.Diagnostics.ShouldBeEmpty();
        var items = TorPolicy.Parse(doc.Entries[0]);
        items.Select(i => i.AddressKind).ShouldBe([PolicyAddressKind.AnyIPv4, PolicyAddressKind.IPv6, PolicyAddressKind.Private, PolicyAddressKind.IPv4]);
        items[0].CoversFamily(false).ShouldBeTrue();
        items[0].CoversFamily(true).ShouldBeFalse();
        items[1].Six.ShouldBeTrue();
        items[1].PortLow.ShouldBe(443);
        items[3].MaskBits.ShouldBe(8);
        items[3].PortHigh.ShouldBe(1024);
        items[2].CoversPrivateRange.ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment")]
    [InlineData("SocksPort 9050")]
    [InlineData("\uFEFFSocksPort 9050\r\n# c\r\n")]
    [InlineData("Nickname a\\")]
    [InlineData("\\\nFoo")]
    [InlineData("   \t SocksPort\t9050   # trailing  \n  ")]
    [InlineData("Log notice stdout\\\n#comment at eof")]
    public void Odd_inputs_round_trip(string text)
    {
        var tree = Lint.Tor(text);
        tree.ToFullString().ShouldBe(text);
        tree.CheckFidelity().ShouldBeNull();
    }

    [Fact]
    public void CRLF_values_are_trimmed_like_tor()
    {
        var doc = Doc("Nickname relay\r\nContactInfo \"x\"\r\n", out var tree);
        doc.Entries[0].Value.ShouldBe("relay");
        doc.Entries[1].Value.ShouldBe("x");
        tree.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void A_ten_megabyte_line_parses_in_linear_time()
    {
        var text = "ContactInfo " + new string('a', 10 * 1024 * 1024) + "\nSocksPort 0\n";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var tree = Lint.Tor(text);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        ((TorDocumentSyntax)tree.Root).Entries.Length.ShouldBe(2);
        tree.ToFullString().Length.ShouldBe(text.Length);
    }
}

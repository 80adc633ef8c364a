using ConfigLint.Semantics.Iptables;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Iptables;
using Microsoft.CodeAnalysis.Text;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>The rule-set model: restore semantics, first-match evaluation with jumps, RETURN and policies, nat queries, Tor classification.</summary>
public class IptablesModelTests
{
    private const string TransparentProxy = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A OUTPUT -m owner --uid-owner debian-tor -j RETURN
        -A OUTPUT -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353
        -A OUTPUT -d 127.0.0.0/9 -j RETURN
        -A OUTPUT -d 127.128.0.0/10 -j RETURN
        -A OUTPUT -d 192.168.1.0/24 -j RETURN
        -A OUTPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j REDIRECT --to-ports 9040
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT DROP [0:0]
        :LAN - [0:0]
        -A OUTPUT -m conntrack --ctstate INVALID -j DROP
        -A OUTPUT -m state --state ESTABLISHED -j ACCEPT
        -A OUTPUT -j LAN
        -A OUTPUT -m owner --uid-owner debian-tor -j ACCEPT
        -A OUTPUT -d 127.0.0.0/8 -j ACCEPT
        -A LAN -d 192.168.1.0/24 -j ACCEPT
        -A LAN -j RETURN
        COMMIT

        """;

    internal static IptablesRuleSet Bind(string text, string name = "rules.v4")
    {
        var tree = IptablesFile.Parse(name, SourceText.From(text));
        tree.Diagnostics.ShouldBeEmpty();
        return IptablesBinder.Bind(tree);
    }

    private static int Line(IptablesRule? rule) => rule!.Location.LineSpan.Start.Line + 1;

    private static IptablesPacket Tcp(string destination, int port = 443, string? uid = null, string? state = null) =>
        new(IptablesFamily.V4, "tcp", Destination: destination, DestinationPort: port, Uid: uid, State: state);

    [Fact]
    public void Nat_output_redirects_tcp_to_the_trans_port_at_the_first_matching_rule()
    {
        var set = Bind(TransparentProxy);
        set.Families.ShouldBe([IptablesFamily.V4]);
        var v = set.Evaluate(Tcp("93.184.216.34"), "nat", "OUTPUT");
        v.Kind.ShouldBe(IptablesVerdictKind.Redirect);
        v.ToPort.ShouldBe(9040);
        Line(v.Rule).ShouldBe(11);
        v.Certain.ShouldBeTrue();
    }

    [Fact]
    public void The_tor_user_returns_and_falls_through_to_the_nat_policy()
    {
        var v = Bind(TransparentProxy).Evaluate(Tcp("93.184.216.34", uid: "debian-tor"), "nat", "OUTPUT");
        v.Kind.ShouldBe(IptablesVerdictKind.Accept);
        v.ByPolicy.ShouldBeTrue();
        v.PolicyIsDefault.ShouldBeFalse();
        Line(v.Matched.Single()).ShouldBe(6);
    }

    [Fact]
    public void Dns_goes_to_the_dns_port_and_other_udp_is_not_redirected_but_dropped_by_the_filter_policy()
    {
        var set = Bind(TransparentProxy);
        var dns = set.Evaluate(new IptablesPacket(IptablesFamily.V4, "udp", Destination: "9.9.9.9", DestinationPort: 53), "nat", "OUTPUT");
        (dns.Kind, dns.ToPort, Line(dns.Rule)).ShouldBe((IptablesVerdictKind.Redirect, 5353, 7));
        var quic = new IptablesPacket(IptablesFamily.V4, "udp", Destination: "9.9.9.9", DestinationPort: 443);
        set.Evaluate(quic, "nat", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
        var filtered = set.Evaluate(quic, "filter", "OUTPUT");
        (filtered.Kind, filtered.ByPolicy, filtered.Chain).ShouldBe((IptablesVerdictKind.Drop, true, "OUTPUT"));
        set.RedirectPorts(IptablesFamily.V4, "tcp").ShouldBe([9040]);
        set.RedirectPorts(IptablesFamily.V4, "udp").ShouldBe([5353]);
    }

    [Fact]
    public void Loopback_carve_outs_leave_the_automap_range_to_tor()
    {
        var set = Bind(TransparentProxy);
        set.Evaluate(Tcp("127.0.0.1"), "nat", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
        set.Evaluate(Tcp("127.191.255.255"), "nat", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
        var automap = set.Evaluate(Tcp("127.192.0.5"), "nat", "OUTPUT");
        (automap.Kind, automap.ToPort).ShouldBe((IptablesVerdictKind.Redirect, 9040));

        var bypass = set.BypassRanges(IptablesFamily.V4);
        bypass.Select(b => b.Range.ToString()).ShouldBe(["127.0.0.0/9", "127.128.0.0/10", "192.168.1.0/24"]);
        bypass.ShouldNotContain(b => b.Range.Overlaps(IpNetwork.Parse("127.192.0.0/10")));
        bypass.ShouldNotContain(b => b.Range.Overlaps(IpNetwork.Parse("10.192.0.0/10")));
        set.BypassRanges(IptablesFamily.V4, "filter", "OUTPUT").Select(b => b.Range.ToString()).ShouldBe(["127.0.0.0/8"]);
    }

    [Fact]
    public void A_broad_bypass_range_swallows_the_automap_network()
    {
        var set = Bind(TransparentProxy.Replace("192.168.1.0/24 -j RETURN", "10.0.0.0/8 -j RETURN", StringComparison.Ordinal));
        set.BypassRanges(IptablesFamily.V4).ShouldContain(b => b.Range.Overlaps(IpNetwork.Parse("10.192.0.0/10")));
        set.Evaluate(Tcp("10.192.0.7"), "nat", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
    }

    [Fact]
    public void Filter_output_follows_jumps_returns_and_first_match()
    {
        var set = Bind(TransparentProxy);
        var lan = set.Evaluate(Tcp("192.168.1.5"), "filter", "OUTPUT");
        (lan.Kind, lan.Chain, Line(lan.Rule)).ShouldBe((IptablesVerdictKind.Accept, "LAN", 23));
        var outside = set.Evaluate(Tcp("8.8.8.8"), "filter", "OUTPUT");
        (outside.Kind, outside.ByPolicy).ShouldBe((IptablesVerdictKind.Drop, true));
        outside.Matched.Select(Line).ShouldBe([20, 24]);
        set.Evaluate(Tcp("8.8.8.8", uid: "debian-tor"), "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
        Line(set.Evaluate(Tcp("8.8.8.8", state: "INVALID", uid: "debian-tor"), "filter", "OUTPUT").Rule).ShouldBe(18);
        Line(set.Evaluate(Tcp("8.8.8.8", state: "ESTABLISHED"), "filter", "OUTPUT").Rule).ShouldBe(19);
        set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.Policy.ShouldBe("DROP");
        set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.PolicyLocation!.LineSpan.Start.Line.ShouldBe(15);
    }

    [Fact]
    public void The_rule_set_counts_as_a_tor_transparent_proxy_per_the_catalog()
    {
        var set = Bind(TransparentProxy);
        set.TorTransparentProxy().ShouldNotBeNull().Rule.Target.ShouldBe("REDIRECT");
        set.TorTransparentProxy([9040], "debian-tor")!.Reason.ShouldContain("9040");
        set.TorTransparentProxy([9999], "debian-tor")!.Reason.ShouldContain("debian-tor");
        set.TorTransparentProxy([9999], "nobody").ShouldBeNull();

        // A shadowsocks transparent proxy and an ordinary server firewall are not Tor proxies.
        Bind("*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp -j REDIRECT --to-ports 1081\nCOMMIT\n").TorTransparentProxy().ShouldBeNull();
        Bind("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n").TorTransparentProxy().ShouldBeNull();
    }

    [Fact]
    public void Jump_loops_end_in_a_loop_verdict_and_goto_returns_to_the_policy()
    {
        var loop = Bind("*filter\n:OUTPUT ACCEPT [0:0]\n:A - [0:0]\n:B - [0:0]\n-A OUTPUT -j A\n-A A -j B\n-A B -j A\nCOMMIT\n");
        loop.Evaluate(Tcp("1.1.1.1"), "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Loop);

        var go = Bind("*filter\n:OUTPUT DROP [0:0]\n:A - [0:0]\n-A OUTPUT -g A\n-A OUTPUT -j ACCEPT\n-A A -p udp -j ACCEPT\nCOMMIT\n");
        var v = go.Evaluate(Tcp("1.1.1.1"), "filter", "OUTPUT");
        (v.Kind, v.ByPolicy).ShouldBe((IptablesVerdictKind.Drop, true));
        go.Evaluate(new IptablesPacket(IptablesFamily.V4, "udp", Destination: "1.1.1.1"), "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
    }

    [Fact]
    public void Undecidable_criteria_make_the_verdict_uncertain_and_comments_and_logs_do_not_stop()
    {
        var set = Bind("*filter\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -m comment --comment x -j LOG --log-prefix \"o \"\n-A OUTPUT -m limit --limit 5/min -j DROP\n-A OUTPUT -d example.org -j DROP\n-A OUTPUT -j REJECT\nCOMMIT\n");
        var v = set.Evaluate(Tcp("1.1.1.1"), "filter", "OUTPUT");
        (v.Kind, Line(v.Rule), v.Certain).ShouldBe((IptablesVerdictKind.Reject, 6, false));
        v.Matched.Select(Line).ShouldBe([3, 6]);
    }

    [Fact]
    public void Restore_flushes_each_table_and_keeps_omitted_policies_default()
    {
        var set = Bind("*filter\n:FORWARD DROP [0:0]\n-A OUTPUT -j ACCEPT\n-A OUTPUT -j DROP\n-D OUTPUT 1\n-I OUTPUT 1 -p icmp -j ACCEPT\nCOMMIT\n");
        var output = set.Chain(IptablesFamily.V4, "filter", "OUTPUT")!;
        output.PolicyIsDefault.ShouldBeTrue();
        output.Rules.Select(r => r.Target).ShouldBe(["ACCEPT", "DROP"]);
        output.Rules[0].Protocol!.Value.ShouldBe("icmp");
        set.Chain(IptablesFamily.V4, "filter", "FORWARD")!.Policy.ShouldBe("DROP");
    }

    [Fact]
    public void Ipv6_files_and_dual_family_files_bind_their_families()
    {
        var v6 = Bind("*filter\n:OUTPUT DROP [0:0]\n-A OUTPUT -d ::1/128 -j ACCEPT\n-A OUTPUT -d fd00::/8 -j ACCEPT\nCOMMIT\n", "rules.v6");
        v6.Families.ShouldBe([IptablesFamily.V6]);
        var lan = new IptablesPacket(IptablesFamily.V6, "tcp", Destination: "fd12:3456::1", DestinationPort: 80);
        v6.Evaluate(lan, "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Accept);
        v6.Evaluate(lan with { Destination = "2001:db8::1" }, "filter", "OUTPUT").Kind.ShouldBe(IptablesVerdictKind.Drop);

        var both = Bind("*filter\n:OUTPUT DROP [0:0]\n-4 -A OUTPUT -d 10.0.0.0/8 -j ACCEPT\n--ipv6 -A OUTPUT -j REJECT\nCOMMIT\n", "iptables.rules");
        both.Families.ShouldBe([IptablesFamily.V4, IptablesFamily.V6]);
        both.Chain(IptablesFamily.V4, "filter", "OUTPUT")!.Rules.Single().Target.ShouldBe("ACCEPT");
        both.Chain(IptablesFamily.V6, "filter", "OUTPUT")!.Rules.Single().Target.ShouldBe("REJECT");
    }

    [Fact]
    public void Cidr_arithmetic_for_both_families()
    {
        IpNetwork.Parse("127.0.0.0/9").Contains(IpNetwork.Parse("127.127.255.255")).ShouldBeTrue();
        IpNetwork.Parse("127.0.0.0/9").Contains(IpNetwork.Parse("127.128.0.0")).ShouldBeFalse();
        IpNetwork.Parse("10.0.0.0/8").Overlaps(IpNetwork.Parse("10.192.0.0/10")).ShouldBeTrue();
        IpNetwork.Parse("10.0.0.0/255.0.0.0").ShouldBe(IpNetwork.Parse("10.0.0.0/8"));
        IpNetwork.TryParse("10.0.0.0/255.0.255.0", out _).ShouldBeFalse();
        IpNetwork.TryParse("10.0.0.0/33", out _).ShouldBeFalse();
        IpNetwork.TryParse("10.1", out _).ShouldBeFalse();
        IpNetwork.Parse("fe80::/10").Contains(IpNetwork.Parse("fe80::1")).ShouldBeTrue();
        IpNetwork.Parse("::/0").Overlaps(IpNetwork.Parse("10.0.0.0/8")).ShouldBeFalse();
        IpNetwork.Parse("10.1.2.3/8").ToString().ShouldBe("10.0.0.0/8");
    }
}

using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>
/// <see cref="FirewallEgress"/>: the probes walk nat then filter as the kernel does (issue 14 item 6), on the two
/// transparent-proxy examples, a gateway, a non-Tor firewall and rules it cannot decide.
/// </summary>
public class FirewallEgressTests
{
    private static Firewall FirewallOf(string root, string path) =>
        Lint.Run(root, [root]).Deployment.Firewalls.Single(f => f.RuleSet.Tree.Path == path);

    private static Dictionary<string, EgressResult> Probes(Firewall firewall, IptablesFamily family = IptablesFamily.V4, EgressTraffic traffic = EgressTraffic.Local) =>
        FirewallEgress.Of(firewall, family).Results.Where(r => r.Probe.Traffic == traffic).ToDictionary(r => r.Probe.Id);

    private static int? Line(EgressResult r) => r.Rule is null ? null : r.Rule.Location.LineSpan.Start.Line + 1;

    [Fact]
    public void The_seed_rules_redirect_tcp_to_the_trans_port_and_dns_to_a_port_tor_does_not_listen_on()
    {
        var probes = Probes(FirewallOf(Path.Combine(Repo.Examples, "transparent-proxy"), "rules.v4"));
        probes.Keys.ShouldBe(["tcp-new", "dns", "udp-443", "icmp", "tcp-invalid", "tor-tcp"]);

        var tcp = probes["tcp-new"];
        (tcp.Outcome, tcp.To, tcp.ToPort, tcp.TorListener, tcp.ViaTor, tcp.Chain, Line(tcp)).ShouldBe((EgressOutcome.Redirected, "127.0.0.1:9040", 9040, "TransPort", true, "nat OUTPUT", 27));

        // The torrc says DNSPort 5353: nothing listens on 6669.
        var dns = probes["dns"];
        (dns.Outcome, dns.To, dns.TorListener, dns.ViaTor, Line(dns)).ShouldBe((EgressOutcome.Redirected, "127.0.0.1:6669", (string?)null, (bool?)false, 21));
        dns.Reason.ShouldContain("no TransPort or DNSPort");
    }

    [Fact]
    public void The_seed_rules_send_udp_to_the_tcp_only_trans_port_and_let_icmp_and_invalid_packets_out_by_the_accept_policy()
    {
        var probes = Probes(FirewallOf(Path.Combine(Repo.Examples, "transparent-proxy"), "rules.v4"));

        // '-A OUTPUT -p udp -j REDIRECT --to-ports 9040' catches QUIC before the filter policy can: it is refused, not leaked.
        var quic = probes["udp-443"];
        (quic.Outcome, quic.To, quic.TorListener, quic.ViaTor, Line(quic)).ShouldBe((EgressOutcome.Redirected, "127.0.0.1:9040", "TransPort", (bool?)false, 28));
        quic.Reason.ShouldContain("takes only TCP");

        var icmp = probes["icmp"];
        (icmp.Outcome, icmp.Chain, icmp.ByPolicy, icmp.Policy).ShouldBe((EgressOutcome.Leaks, "filter OUTPUT", true, "ACCEPT"));
        icmp.PolicyLocation!.LineSpan.Start.Line.ShouldBe(4);

        // conntrack marks it INVALID, so the nat table never sees it.
        var invalid = probes["tcp-invalid"];
        (invalid.Outcome, invalid.Chain, invalid.ByPolicy).ShouldBe((EgressOutcome.Leaks, "filter OUTPUT", true));
        invalid.Reason.ShouldContain("nat never sees it");
    }

    [Fact]
    public void The_tor_users_connections_leave_by_the_uid_rule()
    {
        var tor = Probes(FirewallOf(Path.Combine(Repo.Examples, "transparent-proxy"), "rules.v4"))["tor-tcp"];
        tor.Probe.Packet.Uid.ShouldBe("107");
        (tor.Outcome, tor.Chain, Line(tor)).ShouldBe((EgressOutcome.Direct, "filter OUTPUT", 11));
        tor.Rule!.UidOwner!.Value.ShouldBe("107");
    }

    [Fact]
    public void The_seed_script_gives_the_same_verdicts_as_its_saved_rules()
    {
        var root = Path.Combine(Repo.Examples, "transparent-proxy");
        var script = Probes(FirewallOf(root, "tor-router"));
        var saved = Probes(FirewallOf(root, "rules.v4"));
        script.Keys.ShouldBe(saved.Keys);
        foreach (var id in saved.Keys)
        {
            (script[id].Outcome, script[id].To, script[id].TorListener, script[id].Chain).ShouldBe((saved[id].Outcome, saved[id].To, saved[id].TorListener, saved[id].Chain), id);
        }

        script["tor-tcp"].Probe.Packet.Uid.ShouldBe("$TOR_UID");
    }

    [Fact]
    public void The_hardened_rules_let_nothing_leak_but_tor_and_block_all_ipv6()
    {
        var root = Path.Combine(Repo.Examples, "transparent-proxy-hardened");
        var v4 = FirewallOf(root, "rules.v4");
        var probes = Probes(v4);
        (probes["tcp-new"].Outcome, probes["tcp-new"].TorListener, probes["tcp-new"].ViaTor).ShouldBe((EgressOutcome.Redirected, "TransPort", (bool?)true));
        (probes["dns"].Outcome, probes["dns"].To, probes["dns"].TorListener, probes["dns"].ViaTor).ShouldBe((EgressOutcome.Redirected, "127.0.0.1:5353", "DNSPort", (bool?)true));
        probes["udp-443"].Outcome.ShouldBe(EgressOutcome.Blocked);
        probes["icmp"].Outcome.ShouldBe(EgressOutcome.Blocked);
        (probes["tcp-invalid"].Outcome, Line(probes["tcp-invalid"])).ShouldBe((EgressOutcome.Blocked, 25));
        (probes["tor-tcp"].Outcome, probes["tor-tcp"].Probe.Packet.Uid, Line(probes["tor-tcp"])).ShouldBe((EgressOutcome.Direct, "debian-tor", 33));

        var v6 = FirewallEgress.Of(FirewallOf(root, "rules.v6"));
        v6.Select(e => e.Family).ShouldBe([IptablesFamily.V6]);
        v6[0].Results.Select(r => r.Probe.Id).ShouldBe(["tcp-new", "dns", "udp-443", "icmp", "tcp-invalid"]);
        v6[0].Results.ShouldAllBe(r => r.Outcome == EgressOutcome.Blocked && r.Chain == "filter OUTPUT");
        FirewallEgress.Of(v4).Concat(v6).SelectMany(e => e.Results).ShouldNotContain(r => r.Outcome == EgressOutcome.Leaks);
    }

    private const string Gateway = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        -A PREROUTING -i eth1 -s 192.168.42.0/24 -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353
        -A PREROUTING -i eth1 -s 192.168.42.0/24 -p tcp -m tcp --syn -j REDIRECT --to-ports 9040
        -A POSTROUTING -o eth0 -j MASQUERADE
        COMMIT
        *filter
        :INPUT DROP [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -i lo -j ACCEPT
        -A INPUT -i eth1 -p tcp -m tcp --dport 9040 -j ACCEPT
        -A INPUT -i eth1 -p udp -m udp --dport 5353 -j ACCEPT
        -A FORWARD -i eth1 -p icmp -j DROP
        COMMIT

        """;

    [Fact]
    public void A_gateway_redirects_its_clients_tcp_and_dns_to_tor_and_forwards_the_rest()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Gateway);
        t.Write("torrc", "TransPort 0.0.0.0:9040\nDNSPort 0.0.0.0:5353\n");
        var firewall = FirewallOf(t.Root, "rules.v4");
        var egress = FirewallEgress.Of(firewall, IptablesFamily.V4);
        egress.Gateway.ShouldBeTrue();

        var clients = Probes(firewall, traffic: EgressTraffic.Client);
        clients.Keys.ShouldBe(["tcp-new", "dns", "udp-443", "icmp", "tcp-invalid"]);
        clients["tcp-new"].Probe.Packet.InInterface.ShouldBe("eth1");
        clients["tcp-new"].Probe.Packet.Source.ShouldBe("192.168.42.1");
        (clients["tcp-new"].Outcome, clients["tcp-new"].To, clients["tcp-new"].TorListener, clients["tcp-new"].ViaTor, clients["tcp-new"].Chain)
            .ShouldBe((EgressOutcome.Redirected, "gateway:9040", "TransPort", (bool?)true, "nat PREROUTING"));
        (clients["dns"].Outcome, clients["dns"].TorListener, clients["dns"].ViaTor).ShouldBe((EgressOutcome.Redirected, "DNSPort", (bool?)true));
        (clients["udp-443"].Outcome, clients["udp-443"].Chain, clients["udp-443"].Policy).ShouldBe((EgressOutcome.Leaks, "filter FORWARD", "ACCEPT"));
        (clients["icmp"].Outcome, Line(clients["icmp"])).ShouldBe((EgressOutcome.Blocked, 17));
        (clients["tcp-invalid"].Outcome, clients["tcp-invalid"].Chain).ShouldBe((EgressOutcome.Leaks, "filter FORWARD"));

        // The gateway's own traffic is not meant to go through Tor: it leaves directly, which is not a leak.
        Probes(firewall).Values.ShouldAllBe(r => r.Outcome == EgressOutcome.Direct);
    }

    [Fact]
    public void A_redirect_from_prerouting_does_not_reach_a_loopback_listener_and_input_may_block_it()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Gateway.Replace("-A INPUT -i eth1 -p udp -m udp --dport 5353 -j ACCEPT\n", string.Empty, StringComparison.Ordinal));
        t.Write("torrc", "TransPort 127.0.0.1:9040\nDNSPort 0.0.0.0:5353\n");
        var clients = Probes(FirewallOf(t.Root, "rules.v4"), traffic: EgressTraffic.Client);
        (clients["tcp-new"].Outcome, clients["tcp-new"].TorListener, clients["tcp-new"].ViaTor).ShouldBe((EgressOutcome.Redirected, "TransPort", (bool?)false));
        clients["tcp-new"].Reason.ShouldContain("listens on 127.0.0.1 only");
        (clients["dns"].Outcome, clients["dns"].Chain, clients["dns"].Policy).ShouldBe((EgressOutcome.Blocked, "filter INPUT", "DROP"));
        clients["dns"].Reason.ShouldContain("redirects it to gateway:5353");
    }

    [Fact]
    public void A_local_redirect_to_a_trans_port_on_another_address_fails()
    {
        using var t = new TempTree();
        t.Write("rules.v4", "*nat\n:OUTPUT ACCEPT [0:0]\n-A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040\nCOMMIT\n");
        t.Write("torrc", "TransPort 192.168.1.1:9040\n");
        var tcp = Probes(FirewallOf(t.Root, "rules.v4"))["tcp-new"];
        (tcp.Outcome, tcp.TorListener, tcp.ViaTor).ShouldBe((EgressOutcome.Redirected, "TransPort", (bool?)false));
        tcp.Reason.ShouldContain("not on 127.0.0.1");
    }

    [Fact]
    public void Without_a_torrc_the_listener_is_unknown_and_an_open_ipv6_family_leaks_beside_a_torified_ipv4()
    {
        using var t = new TempTree();
        t.Write("rules", "*nat\n:OUTPUT ACCEPT [0:0]\n-4 -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040\nCOMMIT\n*filter\n:OUTPUT ACCEPT [0:0]\n-4 -A OUTPUT -o lo -j ACCEPT\n-4 -A OUTPUT -j REJECT\nCOMMIT\n");
        var firewall = FirewallOf(t.Root, "rules");
        firewall.RuleSet.Families.ShouldBe([IptablesFamily.V4, IptablesFamily.V6]);
        var v4 = Probes(firewall);
        (v4["tcp-new"].Outcome, v4["tcp-new"].TorListener, v4["tcp-new"].ViaTor).ShouldBe((EgressOutcome.Redirected, (string?)null, (bool?)null));
        v4["tcp-new"].Reason.ShouldContain("no torrc is joined");
        v4["udp-443"].Outcome.ShouldBe(EgressOutcome.Blocked);
        Probes(firewall, IptablesFamily.V6).Values.ShouldAllBe(r => r.Outcome == EgressOutcome.Leaks);
    }

    [Fact]
    public void A_firewall_that_is_not_a_tor_proxy_lets_traffic_out_directly_never_leaking()
    {
        using var t = new TempTree();
        t.Write("rules.v4", "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A OUTPUT -p icmp -j DROP\nCOMMIT\n");
        var firewall = FirewallOf(t.Root, "rules.v4");
        firewall.IsTorTransparentProxy.ShouldBeFalse();
        var probes = Probes(firewall);
        probes.Keys.ShouldNotContain("tor-tcp");
        probes["icmp"].Outcome.ShouldBe(EgressOutcome.Blocked);
        probes.Values.Where(r => r.Probe.Id != "icmp").ShouldAllBe(r => r.Outcome == EgressOutcome.Direct);
        FirewallEgress.Of(firewall).Single().Gateway.ShouldBeFalse();
    }

    [Fact]
    public void What_a_script_leaves_symbolic_or_cannot_follow_is_unknown()
    {
        using var t = new TempTree();
        t.Write("proxy.sh", "#!/bin/sh\niptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040\niptables -A OUTPUT -d \"$LAN\" -j ACCEPT\niptables -A OUTPUT -j REJECT\n");
        t.Write("other.sh", "#!/bin/sh\niptables -F\niptables -X\niptables-restore < /etc/iptables/rules.v4\niptables -A OUTPUT -j DROP\n");
        var proxy = Probes(FirewallOf(t.Root, "proxy.sh"));
        proxy["udp-443"].Outcome.ShouldBe(EgressOutcome.Unknown);
        proxy["udp-443"].Reason.ShouldContain("cannot decide");

        var other = FirewallOf(t.Root, "other.sh");
        other.RuleSet.Understood.ShouldBeFalse();
        Probes(other).Values.ShouldAllBe(r => r.Outcome == EgressOutcome.Unknown);
    }

    [Fact]
    public void Probes_are_fixed_and_the_walk_is_deterministic()
    {
        FirewallEgress.Probes(IptablesFamily.V4, null).Select(p => p.Id).ShouldBe(["tcp-new", "dns", "udp-443", "icmp", "tcp-invalid"]);
        FirewallEgress.Probes(IptablesFamily.V6, "tor").Select(p => (p.Id, p.Packet.Protocol)).ShouldBe(
            [("tcp-new", "tcp"), ("dns", "udp"), ("udp-443", "udp"), ("icmp", "icmpv6"), ("tcp-invalid", "tcp"), ("tor-tcp", "tcp")]);
        var firewall = FirewallOf(Path.Combine(Repo.Examples, "transparent-proxy"), "rules.v4");
        FirewallEgress.Of(firewall).SelectMany(e => e.Results).Select(r => (r.Outcome, r.Reason))
            .ShouldBe(FirewallEgress.Of(firewall).SelectMany(e => e.Results).Select(r => (r.Outcome, r.Reason)));
    }
}

using ConfigLint.Semantics;
using ConfigLint.Semantics.Iptables;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Semantics;

/// <summary>Issue 14: how an iptables rule set is placed on its host and joined to the torrc it must agree with.</summary>
public class FirewallJoinTests
{
    private const string Redirecting = """
        *nat
        :OUTPUT ACCEPT [0:0]
        -A OUTPUT -m owner --uid-owner debian-tor -j RETURN
        -A OUTPUT -p udp -m udp --dport 53 -j REDIRECT --to-ports 5353
        -A OUTPUT -p tcp -m tcp --syn -j REDIRECT --to-ports 9040
        COMMIT

        """;

    private static Firewall Only(TempTree t) => t.Check().Deployment.Firewalls.ShouldHaveSingleItem();

    [Fact]
    public void The_torrc_in_the_same_folder_is_joined_with_its_transparent_proxy_settings()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Redirecting);
        t.Write("torrc", "VirtualAddrNetwork 10.192.0.0/10\nAutomapHostsOnResolve 1\nTransPort 9040\nDNSPort 127.0.0.1:5353\nUser debian-tor\n");
        var firewall = Only(t);
        firewall.TorJoin.ShouldBe("the torrc in the same folder");
        var tor = firewall.Tor.ShouldHaveSingleItem();
        tor.VirtualNetwork.ToString().ShouldBe("10.192.0.0/10");
        tor.Automap.ShouldBeTrue();
        tor.User.ShouldBe("debian-tor");
        firewall.TransPorts.ShouldBe([9040]);
        firewall.DnsPorts.ShouldBe([5353]);
        firewall.IsTorTransparentProxy.ShouldBeTrue();
        firewall.TorUid(IptablesFamily.V4).ShouldBe("debian-tor");
    }

    [Fact]
    public void Defaults_apply_when_the_torrc_does_not_set_them()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Redirecting);
        t.Write("torrc", "SocksPort 9050\n");
        var tor = Only(t).Tor.ShouldHaveSingleItem();
        tor.VirtualNetwork.ShouldBe(TorTransparentSettings.DefaultVirtualNetwork);
        tor.Automap.ShouldBeFalse();
        tor.TransPorts.ShouldBeEmpty();
    }

    [Fact]
    public void A_torrc_in_a_subfolder_of_the_project_is_joined_but_two_candidate_folders_are_not_guessed()
    {
        using var t = new TempTree();
        t.Write(".git/HEAD", "ref: refs/heads/main\n");
        t.Write("scripts/firewall.sh", "#!/bin/sh\niptables -F\niptables -t nat -F\niptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040\n");
        t.Write("data/torrc", "TransPort 9040\n");
        Only(t).TorJoin.ShouldBe("the torrc in the same project (../data)");

        t.Write("other/torrc", "TransPort 9041\n");
        var firewall = Only(t);
        firewall.Tor.ShouldBeEmpty();
        firewall.TorJoin.ShouldBeNull();
        firewall.IsTorTransparentProxy.ShouldBeTrue("9040 is a usual TransPort when no torrc is joined");
    }

    [Fact]
    public void A_torrc_beside_another_rule_set_belongs_to_that_one()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Redirecting);
        t.Write("gateway/rules.v4", Redirecting);
        t.Write("gateway/torrc", "TransPort 9040\n");
        var firewalls = t.Check().Deployment.Firewalls;
        firewalls.Single(f => f.RuleSet.Tree.Path == "rules.v4").Tor.ShouldBeEmpty();
        firewalls.Single(f => f.RuleSet.Tree.Path == "gateway/rules.v4").Tor.ShouldHaveSingleItem();
    }

    [Fact]
    public void A_host_network_firewall_service_is_joined_to_the_host_network_tor_service()
    {
        using var t = new TempTree();
        t.Write("firewall/rules.v4", Redirecting);
        t.Write("tor/torrc", "TransPort 9040\nDNSPort 9053\n");
        t.Write("compose.yaml", """
            services:
              tor:
                image: example/tor:1
                network_mode: host
                volumes:
                  - ./tor/torrc:/etc/tor/torrc:ro
              firewall:
                image: example/fw:1
                network_mode: host
                cap_add: [NET_ADMIN]
                volumes:
                  - ./firewall/rules.v4:/etc/iptables/rules.v4:ro
            """);
        var firewall = Only(t);
        firewall.Carriers.Select(s => s.Name).ShouldBe(["firewall"]);
        firewall.TorJoin.ShouldBe("services 'firewall' and 'tor' share the host's network ('network_mode: host')");
        firewall.DnsPorts.ShouldBe([9053]);
        firewall.Ipv6Disabled.ShouldBeNull("the host's own IPv6 is not known");
    }

    [Fact]
    public void A_service_without_net_admin_does_not_carry_the_rules()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Redirecting);
        t.Write("compose.yaml", """
            services:
              app:
                image: example/app:1
                volumes:
                  - ./rules.v4:/srv/rules.v4:ro
            """);
        Only(t).Carriers.ShouldBeEmpty();
    }

    [Fact]
    public void Ipv6_evidence_comes_from_sysctls_networks_and_the_script()
    {
        using var t = new TempTree();
        t.Write("a/rules.v4", Redirecting);
        t.Write("a/compose.yaml", """
            services:
              gw:
                image: example/gw:1
                cap_add: [NET_ADMIN]
                volumes: ["./rules.v4:/etc/iptables/rules.v4:ro"]
                networks: [lan]
            networks:
              lan:
                enable_ipv6: true
            """);
        t.Write("b/rules.v4", Redirecting);
        t.Write("b/compose.yaml", """
            services:
              gw:
                image: example/gw:1
                cap_add: [NET_ADMIN]
                sysctls:
                  - net.ipv6.conf.all.disable_ipv6=1
                volumes: ["./rules.v4:/etc/iptables/rules.v4:ro"]
            """);
        t.Write("c/tor.sh", "#!/bin/sh\necho 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6\niptables -F\niptables -t nat -F\niptables -t nat -A OUTPUT -p tcp --syn -j REDIRECT --to-ports 9040\n");
        t.Write("d/rules.v4", Redirecting);
        t.Write("d/compose.yaml", """
            services:
              gw:
                image: example/gw:1
                cap_add: [NET_ADMIN]
                volumes: ["./rules.v4:/etc/iptables/rules.v4:ro"]
            """);
        var firewalls = t.Check().Deployment.Firewalls.ToDictionary(f => f.RuleSet.Tree.Path);
        firewalls["a/rules.v4"].Ipv6Disabled.ShouldBeNull();
        firewalls["a/rules.v4"].Ipv6Enabled!.Text.ShouldContain("enable_ipv6: true");
        firewalls["b/rules.v4"].Ipv6Disabled!.Text.ShouldContain("sysctls");
        firewalls["c/tor.sh"].Ipv6Disabled!.Text.ShouldContain("disable_ipv6");
        firewalls["d/rules.v4"].Ipv6Disabled!.Text.ShouldContain("no IPv6 route");
    }

    [Fact]
    public void A_rules_v6_beside_a_rules_v4_is_its_companion()
    {
        using var t = new TempTree();
        t.Write("rules.v4", Redirecting);
        t.Write("rules.v6", "*filter\n:OUTPUT DROP [0:0]\nCOMMIT\n");
        var v4 = t.Check().Deployment.Firewalls.Single(f => f.RuleSet.Tree.Path == "rules.v4");
        v4.Companions.ShouldHaveSingleItem().Tree.Path.ShouldBe("rules.v6");
        t.Check("IPT002").Findings.ShouldBeEmpty();
    }
}

using System.Text.Json;
using ConfigLint.Semantics.Compose;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary><c>configlint compile</c>: the deployment model as the JSON contract, one snapshot per example.</summary>
public class CompileTests
{
    [Theory]
    [InlineData("onion-site")]
    [InlineData("onion-site-hardened")]
    [InlineData("onion-site-exposed")]
    [InlineData("tor-relay")]
    [InlineData("squid-forward-proxy")]
    [InlineData("squid-forward-proxy-hardened")]
    [InlineData("transparent-proxy")]
    [InlineData("transparent-proxy-hardened")]
    public void Compile_json_of_each_example_matches_its_snapshot(string example)
    {
        var (code, output, err) = CliRun.In(Path.Combine(Repo.Examples, example), "compile", "--format", "json", ".");
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldAllBe(l => l.StartsWith("configlint: note: "));
        code.ShouldBe(0);
        var root = JsonDocument.Parse(output).RootElement;
        // The squid and transparent-proxy examples have no compose file: their squid.conf, Dockerfile and torrc are standalone.
        var composeless = example.StartsWith("squid", StringComparison.Ordinal) || example.StartsWith("transparent-proxy", StringComparison.Ordinal);
        root.GetProperty("projects").GetArrayLength().ShouldBe(composeless ? 0 : 1);
        root.GetProperty("firewalls").GetArrayLength().ShouldBe(example.StartsWith("transparent-proxy", StringComparison.Ordinal) ? 2 : 0);
        if (example.StartsWith("squid", StringComparison.Ordinal))
        {
            root.GetProperty("standalone").EnumerateArray().ShouldContain(f => f.GetProperty("path").GetString() == "squid.conf" && f.GetProperty("kind").GetString() == "squid");
        }

        output.ShouldMatchApproved(c => c.SubFolder("../Snapshots").WithDiscriminator("compile-" + example).NoDiff());
    }

    [Fact]
    public void The_onion_site_links_the_hidden_service_to_its_backend_and_marks_the_internal_network()
    {
        var (_, output, _) = CliRun.In(Path.Combine(Repo.Examples, "onion-site"), "compile", ".");
        var project = JsonDocument.Parse(output).RootElement.GetProperty("projects")[0];
        var onion = project.GetProperty("onionServices")[0];
        onion.GetProperty("torConfig").GetString().ShouldBe("tor/settings/torrc");
        var port = onion.GetProperty("ports")[0];
        port.GetProperty("virtualPort").GetInt32().ShouldBe(80);
        port.GetProperty("backend").GetProperty("service").GetString().ShouldBe("nginx");
        project.GetProperty("networks").EnumerateArray().ShouldContain(n => n.GetProperty("name").GetString() == "tor_network" && n.GetProperty("internal").GetBoolean());
        var tor = project.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "tor");
        tor.GetProperty("daemons")[0].GetProperty("configFiles")[0].GetProperty("via").GetString()!.ShouldStartWith("bind mount to ");
    }

    [Theory]
    [InlineData("ports: [\"9050:9050\"]", "all-interfaces")]
    [InlineData("ports: [\"127.0.0.1:9050:9050\"]", "loopback")]
    [InlineData("ports: [\"192.0.2.7:9050:9050\"]", "host-address")]
    [InlineData("ports: [\"9050:9050\"]\n    network_mode: host", "host-network")]
    [InlineData("ports: [\"9050:9050\"]\n    network_mode: \"service:db\"", "not-published")]
    [InlineData("ports: [\"9050:9050\"]\n    networks: [inner]\nnetworks:\n  inner: {internal: true}", "suppressed-internal")]
    [InlineData("ports: [\"9050:9050\"]\n    networks: [lo]\nnetworks:\n  lo:\n    driver_opts: {com.docker.network.bridge.host_binding_ipv4: \"127.0.0.1\"}", "loopback")]
    public void Each_published_port_has_one_exposure(string service, string exposure)
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  tor:\n    image: alpine:3.20\n    " + service + "\n");
        var (_, output, err) = CliRun.In(t.Root, "compile", ".");
        err.ShouldBeEmpty();
        var port = JsonDocument.Parse(output).RootElement.GetProperty("projects")[0].GetProperty("services")[0].GetProperty("ports")[0];
        port.GetProperty("exposure").GetString().ShouldBe(exposure);
    }

    [Fact]
    public void Exposure_names_are_the_contract() =>
        Enum.GetValues<Exposure>().Select(e => e.ToText()).ShouldBe(["not-published", "loopback", "host-address", "all-interfaces", "host-network", "suppressed-internal"]);

    [Fact]
    public void The_seed_rule_sets_egress_is_in_the_json()
    {
        var (code, output, err) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy"), "compile", ".");
        code.ShouldBe(0);
        err.ShouldStartWith("configlint: note: tor-router:8:1: Read the 'start)' arm of the case");
        var firewalls = JsonDocument.Parse(output).RootElement.GetProperty("firewalls");
        firewalls.EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldBe(["rules.v4", "tor-router"]);
        var rules = firewalls[0];
        rules.GetProperty("format").GetString().ShouldBe("iptables-save");
        rules.GetProperty("families").EnumerateArray().Select(f => f.GetString()).ShouldBe(["ipv4"]);
        rules.GetProperty("companions")[0].GetString().ShouldBe("tor-router");
        rules.GetProperty("torProxy").GetProperty("line").GetInt32().ShouldBe(27);
        var tor = rules.GetProperty("tor");
        tor.GetProperty("configs")[0].GetString().ShouldBe("torrc");
        tor.GetProperty("join").GetString().ShouldBe("the torrc in the same folder");
        tor.GetProperty("transPorts")[0].GetInt32().ShouldBe(9040);
        tor.GetProperty("dnsPorts")[0].GetInt32().ShouldBe(5353);
        rules.GetProperty("carriers").GetArrayLength().ShouldBe(0);
        rules.GetProperty("ipv6").ValueKind.ShouldBe(JsonValueKind.Null);

        var egress = rules.GetProperty("egress")[0];
        egress.GetProperty("family").GetString().ShouldBe("ipv4");
        egress.GetProperty("gateway").GetBoolean().ShouldBeFalse();
        var probes = egress.GetProperty("probes").EnumerateArray().ToDictionary(p => p.GetProperty("probe").GetString()!);
        var tcp = probes["tcp-new"];
        (tcp.GetProperty("outcome").GetString(), tcp.GetProperty("to").GetString(), tcp.GetProperty("torListener").GetString(), tcp.GetProperty("viaTor").GetBoolean())
            .ShouldBe(("redirected", "127.0.0.1:9040", "TransPort", true));
        (tcp.GetProperty("chain").GetString(), tcp.GetProperty("decidedBy").GetString(), tcp.GetProperty("path").GetString(), tcp.GetProperty("line").GetInt32())
            .ShouldBe(("nat OUTPUT", "rule", "rules.v4", 27));
        var dns = probes["dns"];
        (dns.GetProperty("outcome").GetString(), dns.GetProperty("to").GetString(), dns.GetProperty("torListener").ValueKind).ShouldBe(("redirected", "127.0.0.1:6669", JsonValueKind.Null));
        var icmp = probes["icmp"];
        (icmp.GetProperty("outcome").GetString(), icmp.GetProperty("decidedBy").GetString(), icmp.GetProperty("policy").GetString(), icmp.GetProperty("line").GetInt32())
            .ShouldBe(("leaks", "policy", "ACCEPT", 5));
        probes["tor-tcp"].GetProperty("outcome").GetString().ShouldBe("direct");
        probes["tor-tcp"].GetProperty("line").GetInt32().ShouldBe(11);
    }

    [Fact]
    public void Text_format_shows_each_rule_sets_verdicts()
    {
        var (_, seed, _) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy"), "compile", "--format", "text", ".");
        seed.ShouldContain("iptables rules.v4 (Tor transparent proxy: nat REDIRECT sends tcp traffic to port 9040, a port the torrc listens on (rules.v4:27); torrc: torrc, the torrc in the same folder)\n");
        seed.ShouldContain("  IPv4 tcp/443 new              → redirected to 127.0.0.1:9040 (TransPort; nat OUTPUT rules.v4:27)\n");
        seed.ShouldContain("  IPv4 dns udp/53               → redirected to 127.0.0.1:6669 (no tor listener; nat OUTPUT rules.v4:21)\n");
        seed.ShouldContain("  IPv4 udp/443                  → redirected to 127.0.0.1:9040 (TransPort, refused; nat OUTPUT rules.v4:28)\n");
        seed.ShouldContain("  IPv4 icmp                     → LEAKS (filter OUTPUT policy ACCEPT)\n");
        seed.ShouldContain("  IPv4 tcp/443 new as tor (107) → leaves directly (filter OUTPUT rules.v4:11)\n");

        var (_, hardened, _) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy-hardened"), "compile", "--format", "text", ".");
        hardened.ShouldContain("iptables rules.v6 (not a Tor transparent proxy; torrc: torrc, the torrc in the same folder)\n  same host: rules.v4\n");
        hardened.ShouldNotContain("LEAKS");
        hardened.ShouldContain("  IPv6 udp/443         → blocked (filter OUTPUT rules.v6:10)\n");
    }

    [Fact]
    public void Text_format_reads_as_a_tree()
    {
        var (code, output, _) = CliRun.In(Path.Combine(Repo.Examples, "tor-relay"), "compile", "--format", "text", ".");
        code.ShouldBe(0);
        output.ShouldContain("  service torrelay: build Dockerfile");
        output.ShouldContain("      ORPort 0.0.0.0:9001 <- 0.0.0.0:9001 (all-interfaces)");
        output.ShouldContain("standalone tor torrc.bridge");
    }
}

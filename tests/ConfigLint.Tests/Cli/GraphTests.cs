using System.Text.RegularExpressions;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary><c>configlint graph</c>: DOT that Graphviz renders for every example, Mermaid, and the README's picture kept current.</summary>
public partial class GraphTests
{
    public static TheoryData<string> Examples => new() { "onion-site", "onion-site-hardened", "onion-site-exposed", "tor-relay", "squid-forward-proxy", "squid-forward-proxy-hardened", "transparent-proxy", "transparent-proxy-hardened" };

    [GraphvizTheory]
    [MemberData(nameof(Examples))]
    public void Dot_of_every_example_renders_with_graphviz(string example)
    {
        var (code, dot, err) = CliRun.In(Path.Combine(Repo.Examples, example), "graph", "--format", "dot", ".");
        code.ShouldBe(0, err);
        using var t = new TempTree();
        var file = t.Write("g.dot", dot);
        var run = ExternalTool.Run("dot", ["-Tsvg", file, "-o", Path.Combine(t.Root, "g.svg")]);
        run.Succeeded.ShouldBeTrue(run.Output);
        run.Stderr.ShouldBeEmpty();
    }

    [Fact]
    public void The_onion_site_picture_shows_the_onion_its_backend_and_the_internal_network()
    {
        var (_, mermaid, _) = CliRun.In(Path.Combine(Repo.Examples, "onion-site"), "graph", ".");
        mermaid.ShouldStartWith("flowchart LR\n");
        mermaid.ShouldContain("HiddenServicePort 80 → nginx:80");
        mermaid.ShouldContain("network tor_network (internal)");
        var (_, dot, _) = CliRun.In(Path.Combine(Repo.Examples, "onion-site"), "graph", "--format", "dot", ".");
        dot.ShouldContain("label=\"network tor_network (internal)\", shape=hexagon, style=dashed");
    }

    [Fact]
    public void A_transparent_proxy_is_drawn_with_what_it_redirects_to_tor_and_what_leaks()
    {
        var (_, mermaid, _) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy"), "graph", ".");
        mermaid.ShouldMatch(@"fw_rules_v4_\d+\[\[""iptables: rules.v4<br/>Tor transparent proxy<br/>\d+ error findings""\]\]");
        mermaid.ShouldMatch(@"host -->\|""egress""\| fw_rules_v4_\d+\n");
        mermaid.ShouldMatch(@"fw_rules_v4_\d+ -->\|""tcp → TransPort 9040<br/>dns → 127.0.0.1:6669 \(nothing listens\)<br/>udp → TransPort 9040 \(refused\)""\| file_torrc_\d+\n");
        mermaid.ShouldMatch(@"file_torrc_\d+ -->\|""Tor network""\| internet\n");
        mermaid.ShouldMatch(@"fw_rules_v4_\d+ -->\|""icmp, invalid tcp leak \(real IP\)""\| internet\n");
        mermaid.ShouldContain("fw_tor_router_");

        var (_, dot, _) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy"), "graph", "--format", "dot", ".");
        dot.ShouldMatch(@"fw_rules_v4_\d+ -> internet \[label=""icmp, invalid tcp leak \(real IP\)"", color=red, fontcolor=red\];");
        dot.ShouldMatch(@"fw_rules_v4_\d+ \[label=""iptables: rules.v4\\nTor transparent proxy\\n\d+ error findings"", shape=component");
    }

    [Fact]
    public void The_hardened_proxy_leaks_nothing_and_a_firewall_that_is_not_tor_is_only_a_node()
    {
        var (_, dot, _) = CliRun.In(Path.Combine(Repo.Examples, "transparent-proxy-hardened"), "graph", "--format", "dot", ".");
        dot.ShouldMatch(@"fw_rules_v4_\d+ -> file_torrc_\d+ \[label=""tcp → TransPort 9040\\ndns → DNSPort 5353""\];");
        dot.ShouldNotContain("leak");
        dot.ShouldMatch(@"fw_rules_v6_\d+ \[label=""iptables: rules.v6"", shape=component\];");
        dot.ShouldNotMatch(@"fw_rules_v6_\d+ ->");
        dot.ShouldNotMatch(@"-> fw_rules_v6_\d+");
    }

    [Fact]
    public void A_gateway_draws_its_clients_traffic_and_a_tor_node_by_port_when_no_torrc_is_joined()
    {
        using var t = new TempTree();
        t.Write("rules.v4", "*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -i eth1 -p tcp --syn -j REDIRECT --to-ports 9040\nCOMMIT\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -i eth1 -p tcp --dport 9040 -j ACCEPT\nCOMMIT\n");
        var (_, mermaid, _) = CliRun.In(t.Root, "graph", ".");
        mermaid.ShouldMatch(@"host -->\|""egress \(host and clients\)""\| fw_rules_v4_\d+\n");
        mermaid.ShouldMatch(@"fw_rules_v4_\d+_tor\[""tor \(no torrc joined\)<br/>port 9040""\]");
        mermaid.ShouldMatch(@"fw_rules_v4_\d+ -->\|""client tcp → gateway:9040""\| fw_rules_v4_\d+_tor\n");
        mermaid.ShouldMatch(@"""client dns, client udp, client icmp, client invalid tcp leak \(real IP\)""\| internet\n");
    }

    [Fact]
    public void Published_ports_and_error_findings_are_marked()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  relay:\n    image: alpine:3.20\n    privileged: true\n    ports: [\"9001:9001\", \"127.0.0.1:9050:9050\"]\n");
        var (_, dot, _) = CliRun.In(t.Root, "graph", "--format", "dot", ".");
        dot.ShouldMatch("internet -> p0_svc_relay_\\d+ \\[label=\"0.0.0.0:9001 → 9001/tcp \\(all-interfaces\\)\", color=red, fontcolor=red\\]");
        dot.ShouldMatch("host -> p0_svc_relay_\\d+ \\[label=\"127.0.0.1:9050 → 9050/tcp \\(loopback\\)\"\\]");
        dot.ShouldContain("1 error finding");
        dot.ShouldContain("color=red, fontcolor=red, penwidth=2");
    }

    [GraphvizFact]
    public void Hostile_names_cannot_break_out_of_labels()
    {
        using var t = new TempTree();
        t.Write("compose.yaml", "services:\n  \"a\\\"];x[label=\\\"\\n\\e\":\n    image: alpine:3.20\n");
        var (code, dot, _) = CliRun.In(t.Root, "graph", "--format", "dot", ".");
        code.ShouldBe(0);
        dot.ShouldNotContain("\u001b");
        dot.ShouldContain("service a\\\"];x[label=\\\"\\n");

        // Graphviz reads it as one node with that label: nothing broke out of the string.
        using var t2 = new TempTree();
        var rendered = ExternalTool.Run("dot", ["-Tplain", t2.Write("g.dot", dot)]);
        rendered.Succeeded.ShouldBeTrue(rendered.Output);
        rendered.Stdout.Split('\n').Count(l => l.StartsWith("node ", StringComparison.Ordinal)).ShouldBe(4);
        var (_, mermaid, _) = CliRun.In(t.Root, "graph", ".");
        mermaid.ShouldNotContain("\u001b");
        mermaid.ShouldContain("#quot;");
    }

    [GraphvizFact]
    public void The_readme_picture_is_current()
    {
        var (_, dot, _) = CliRun.In(Path.Combine(Repo.Examples, "onion-site"), "graph", "--format", "dot", ".");
        using var t = new TempTree();
        var svg = Path.Combine(t.Root, "g.svg");
        ExternalTool.Run("dot", ["-Tsvg", t.Write("g.dot", dot), "-o", svg]).Succeeded.ShouldBeTrue();
        var committed = Path.Combine(Repo.Examples, "onion-site", "deployment.svg");
        Normalise(File.ReadAllText(svg)).ShouldBe(Normalise(File.ReadAllText(committed)),
            $"regenerate it: (cd examples/onion-site && configlint graph --format dot . | dot -Tsvg -o deployment.svg)");
        File.ReadAllText(Path.Combine(Repo.Root, "README.md")).ShouldContain("examples/onion-site/deployment.svg");
    }

    /// <summary>
    /// Graphviz's version comment and its coordinates (which follow the fonts a machine has) may differ between
    /// machines; the drawing's content — every node, edge, label and style — must not.
    /// </summary>
    private static string Normalise(string svg) => Numbers().Replace(GeneratedBy().Replace(svg, string.Empty), "0");

    [GeneratedRegex(@"<!-- Generated by graphviz[^>]*-->")]
    private static partial Regex GeneratedBy();

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Numbers();
}

/// <summary>A fact that needs Graphviz's <c>dot</c> on PATH; skipped with the reason otherwise.</summary>
public sealed class GraphvizFactAttribute : FactAttribute
{
    public GraphvizFactAttribute()
    {
        if (Repo.Which("dot") is null)
        {
            Skip = "needs Graphviz's 'dot' on PATH (CI installs it: apt-get install graphviz)";
        }
    }
}

public sealed class GraphvizTheoryAttribute : TheoryAttribute
{
    public GraphvizTheoryAttribute()
    {
        if (Repo.Which("dot") is null)
        {
            Skip = "needs Graphviz's 'dot' on PATH (CI installs it: apt-get install graphviz)";
        }
    }
}

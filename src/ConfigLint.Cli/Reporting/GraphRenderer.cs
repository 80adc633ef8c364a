using System.Text;
using ConfigLint.Analysis;
using ConfigLint.Analysis.Model;
using ConfigLint.Syntax;

namespace ConfigLint.Cli.Reporting;

/// <summary>
/// <c>configlint graph</c>: the deployment as a picture. The Internet and the host on the left; published ports as
/// edges from them to the services they reach (labelled with the host address and port, and the exposure); services
/// with the daemons they run; networks (internal ones dashed); <c>.onion</c> → HiddenServicePort → backend. A service
/// with error findings in its compose definition, its Dockerfile or its daemon's configuration is drawn in red with
/// the count. An iptables rule set is a node; a Tor transparent proxy's has the host's egress through it: what nat
/// redirects to tor, and what leaks to the Internet with the real address. Mermaid (renders in GitHub markdown) or Graphviz DOT.
/// </summary>
public static class GraphRenderer
{
    private sealed record Node(string Id, string Label, string Shape, bool Error, bool Dashed);

    private sealed record Edge(string From, string To, string Label, bool Dashed, bool Error);

    private sealed record Graph(List<Node> Nodes, List<Edge> Edges, List<(string Title, List<string> Members)> Clusters);

    public static string Dot(CompiledModel model, IReadOnlyList<Finding> findings)
    {
        var g = Build(model, findings);
        var sb = new StringBuilder();
        sb.Append("digraph deployment {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
        var clustered = g.Clusters.SelectMany(c => c.Members).ToHashSet(StringComparer.Ordinal);
        foreach (var node in g.Nodes.Where(n => !clustered.Contains(n.Id)))
        {
            sb.Append("  ").Append(DotNode(node)).Append('\n');
        }

        var i = 0;
        foreach (var (title, members) in g.Clusters)
        {
            sb.Append($"  subgraph cluster_{i++} {{\n    label={DotString(title)};\n    style=rounded;\n");
            foreach (var node in g.Nodes.Where(n => members.Contains(n.Id)))
            {
                sb.Append("    ").Append(DotNode(node)).Append('\n');
            }

            sb.Append("  }\n");
        }

        foreach (var e in g.Edges)
        {
            var attrs = new List<string> { $"label={DotString(e.Label)}" };
            if (e.Dashed)
            {
                attrs.Add("style=dashed");
                attrs.Add("arrowhead=none");
            }

            if (e.Error)
            {
                attrs.Add("color=red");
                attrs.Add("fontcolor=red");
            }

            sb.Append($"  {e.From} -> {e.To} [{string.Join(", ", attrs)}];\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    public static string Mermaid(CompiledModel model, IReadOnlyList<Finding> findings)
    {
        var g = Build(model, findings);
        var sb = new StringBuilder("flowchart LR\n");
        var clustered = g.Clusters.SelectMany(c => c.Members).ToHashSet(StringComparer.Ordinal);
        foreach (var node in g.Nodes.Where(n => !clustered.Contains(n.Id)))
        {
            sb.Append("  ").Append(MermaidNode(node)).Append('\n');
        }

        var i = 0;
        foreach (var (title, members) in g.Clusters)
        {
            sb.Append($"  subgraph project_{i++} [\"{MermaidText(title)}\"]\n");
            foreach (var node in g.Nodes.Where(n => members.Contains(n.Id)))
            {
                sb.Append("    ").Append(MermaidNode(node)).Append('\n');
            }

            sb.Append("  end\n");
        }

        var linkIndex = 0;
        var red = new List<int>();
        foreach (var e in g.Edges)
        {
            var arrow = e.Dashed ? "-.-" : "-->";
            sb.Append($"  {e.From} {arrow}|\"{MermaidText(e.Label).Replace("\n", "<br/>", StringComparison.Ordinal)}\"| {e.To}\n");
            if (e.Error)
            {
                red.Add(linkIndex);
            }

            linkIndex++;
        }

        foreach (var node in g.Nodes.Where(n => n.Error))
        {
            sb.Append($"  style {node.Id} stroke:#d00,stroke-width:2px,color:#d00\n");
        }

        foreach (var n in red)
        {
            sb.Append($"  linkStyle {n} stroke:#d00,color:#d00\n");
        }

        return sb.ToString();
    }

    private static Graph Build(CompiledModel model, IReadOnlyList<Finding> findings)
    {
        var nodes = new List<Node>();
        var edges = new List<Edge>();
        var clusters = new List<(string, List<string>)>();
        var errors = findings.Where(f => f.Level == DiagnosticLevel.Error).ToList();
        nodes.Add(new Node("internet", "Internet", "cloud", false, false));
        nodes.Add(new Node("host", "host", "host", false, false));
        var p = 0;
        foreach (var project in model.Projects)
        {
            var members = new List<string>();
            var prefix = $"p{p++}_";
            foreach (var network in project.Networks)
            {
                var id = prefix + "net_" + Id(network.Name);
                nodes.Add(new Node(id, $"network {network.Name}{(network.Internal ? " (internal)" : string.Empty)}", "network", false, network.Internal));
                members.Add(id);
                if (!network.Internal)
                {
                    // A non-internal network routes out: its containers reach the Internet directly.
                    edges.Add(new Edge(id, "internet", "egress", true, false));
                }
            }

            foreach (var service in project.Services)
            {
                var id = prefix + "svc_" + Id(service.Name);
                var errorCount = errors.Count(f => service.Files.Contains(f.Path)
                    || service.Sources.Any(s => s.Path == f.Path && f.LineSpan.Start.Line + 1 >= s.FirstLine - 1 && f.LineSpan.Start.Line + 1 <= s.LastLine));
                var daemons = service.Daemons.Select(d => $"{d.Kind}: {string.Join(", ", d.ConfigFiles.Take(1).Select(f => f.Path))}");
                var label = string.Join("\n", new[] { $"service {service.Name}", service.Build is { } b ? $"build {b.Dockerfile}" : $"image {service.Image ?? "?"}", $"user {service.User ?? "(image default)"}" }
                    .Concat(daemons).Concat(errorCount > 0 ? [$"{errorCount} error finding{(errorCount == 1 ? "" : "s")}"] : []));
                nodes.Add(new Node(id, label, "service", errorCount > 0, false));
                members.Add(id);
                foreach (var network in service.Networks)
                {
                    edges.Add(new Edge(id, prefix + "net_" + Id(network.Name), string.Empty, true, false));
                }

                foreach (var port in service.Ports)
                {
                    var where = $"{(string.IsNullOrEmpty(port.HostIp) ? "0.0.0.0" : port.HostIp)}:{port.Published ?? "*"} → {port.Target}/{port.Protocol}";
                    switch (port.Exposure)
                    {
                        case "all-interfaces" or "host-network":
                            edges.Add(new Edge("internet", id, $"{where} ({port.Exposure})", false, true));
                            break;
                        case "loopback" or "host-address":
                            edges.Add(new Edge("host", id, $"{where} ({port.Exposure})", false, false));
                            break;
                        default:
                            edges.Add(new Edge("host", id, $"{where} ({port.Exposure})", true, false));
                            break;
                    }
                }

                if (service.NetworkMode == "host")
                {
                    edges.Add(new Edge("internet", id, "host network", false, true));
                }
            }

            var o = 0;
            foreach (var onion in project.OnionServices)
            {
                var onionId = $"{prefix}onion{o++}";
                nodes.Add(new Node(onionId, $".onion\n{onion.HiddenServiceDir}", "onion", false, false));
                members.Add(onionId);
                var torService = project.Services.FirstOrDefault(s => s.Daemons.Any(d => d.Kind == "tor" && d.ConfigFiles.Any(f => f.Path == onion.TorConfig)));
                if (torService is not null)
                {
                    edges.Add(new Edge(onionId, prefix + "svc_" + Id(torService.Name), "Tor network", false, false));
                }

                foreach (var port in onion.Ports)
                {
                    var from = torService is null ? onionId : prefix + "svc_" + Id(torService.Name);
                    if (port.Backend is { } backend && (torService is null || backend.Service != torService.Name))
                    {
                        edges.Add(new Edge(from, prefix + "svc_" + Id(backend.Service), $"HiddenServicePort {port.VirtualPort} → {port.Target}", false, false));
                    }
                }
            }

            clusters.Add(($"project {project.Root}", members));
        }

        foreach (var file in model.Standalone)
        {
            var count = errors.Count(f => f.Path == file.Path);
            nodes.Add(new Node("file_" + Id(file.Path), $"{file.Kind}: {file.Path}{(count > 0 ? $"\n{count} error finding{(count == 1 ? "" : "s")}" : string.Empty)}", "file", count > 0, false));
        }

        Firewalls(model, errors, nodes, edges);

        return new Graph(nodes, edges, clusters);
    }

    /// <summary>
    /// Each iptables rule set as a node; for a Tor transparent proxy, the host's (or its carriers') egress through it:
    /// an edge to the joined tor (its service or standalone torrc, else a tor node named by port) labelled with what nat
    /// redirects where, tor's own edge to the Internet, and a red edge to the Internet with what leaks. Blocked traffic is not drawn.
    /// </summary>
    private static void Firewalls(CompiledModel model, List<Finding> errors, List<Node> nodes, List<Edge> edges)
    {
        var torToInternet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var firewall in model.Firewalls)
        {
            var id = "fw_" + Id(firewall.Path);
            var count = errors.Count(f => f.Path == firewall.Path);
            var kind = firewall.TorProxy is null ? string.Empty : "\nTor transparent proxy";
            nodes.Add(new Node(id, $"iptables: {firewall.Path}{kind}{(count > 0 ? $"\n{count} error finding{(count == 1 ? "" : "s")}" : string.Empty)}", "firewall", count > 0, false));
            if (firewall.TorProxy is null)
            {
                continue;
            }

            // The carriers' service nodes (p{project index}_svc_…), else the host.
            var carriers = firewall.CarrierServices
                .Select(c => (Index: model.Projects.ToList().FindIndex(p => p.Root == c.Project && p.Services.Any(s => s.Name == c.Service)), c.Service))
                .Where(c => c.Index >= 0)
                .Select(c => $"p{c.Index}_svc_{Id(c.Service)}")
                .ToList();
            foreach (var from in carriers.Count > 0 ? carriers : ["host"])
            {
                edges.Add(new Edge(from, id, firewall.Egress.Any(e => e.Gateway) ? "egress (host and clients)" : "egress", false, false));
            }

            var several = firewall.Egress.Length > 1;
            var probes = firewall.Egress.SelectMany(e => e.Probes.Select(p => (Family: e.Family == "ipv4" ? "IPv4 " : "IPv6 ", Probe: p)))
                .Where(x => x.Probe.Probe != "tor-tcp")
                .Select(x => (What: (several ? x.Family : string.Empty) + (x.Probe.Traffic == "client" ? "client " : string.Empty) + What(x.Probe.Probe), x.Probe))
                .ToList();

            var redirected = probes.Where(x => x.Probe.Outcome == "redirected").ToList();
            if (redirected.Count > 0)
            {
                var tor = TorNode(model, firewall);
                if (tor is null)
                {
                    tor = id + "_tor";
                    var ports = redirected.Select(x => x.Probe.ToPort).OfType<int>().Distinct().Order().Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    nodes.Add(new Node(tor, $"tor (no torrc joined)\nport {string.Join(", ", ports)}", "service", false, true));
                }

                var lines = redirected
                    .GroupBy(x => (x.Probe.TorListener, x.Probe.ToPort, x.Probe.ViaTor))
                    .Select(g => $"{string.Join(", ", g.Select(x => x.What).Distinct())} → {Where(g.First().Probe)}");
                edges.Add(new Edge(id, tor, string.Join("\n", lines), false, false));
                if (redirected.Any(x => x.Probe.ViaTor != false) && torToInternet.Add(tor)
                    && !firewall.Egress.SelectMany(e => e.Probes).Any(p => p.Probe == "tor-tcp" && p.Outcome == "blocked"))
                {
                    edges.Add(new Edge(tor, "internet", "Tor network", false, false));
                }
            }

            var leaks = probes.Where(x => x.Probe.Outcome == "leaks").Select(x => x.What).Distinct().ToList();
            if (leaks.Count > 0)
            {
                edges.Add(new Edge(id, "internet", $"{string.Join(", ", leaks)} leak{(leaks.Count == 1 ? "s" : string.Empty)} (real IP)", false, true));
            }
        }

        static string What(string probe) => probe switch
        {
            "tcp-new" => "tcp",
            "udp-443" => "udp",
            "tcp-invalid" => "invalid tcp",
            var other => other,
        };

        static string Where(CompiledProbe p)
        {
            var port = p.ToPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?";
            return p.TorListener is { } listener
                ? $"{listener} {port}{(p.ViaTor == false ? " (refused)" : string.Empty)}"
                : $"{p.To}{(p.ViaTor == false ? " (nothing listens)" : string.Empty)}";
        }
    }

    /// <summary>The node of the tor a rule set was joined to: the service running that torrc, else the standalone torrc; null when neither is drawn.</summary>
    private static string? TorNode(CompiledModel model, CompiledFirewall firewall)
    {
        foreach (var config in firewall.Tor?.Configs ?? [])
        {
            for (var i = 0; i < model.Projects.Length; i++)
            {
                if (model.Projects[i].Services.FirstOrDefault(s => s.Daemons.Any(d => d.Kind == "tor" && d.ConfigFiles.Any(f => f.Path == config))) is { } service)
                {
                    return $"p{i}_svc_{Id(service.Name)}";
                }
            }

            if (model.Standalone.Any(f => f.Path == config))
            {
                return "file_" + Id(config);
            }
        }

        return null;
    }

    private static string DotNode(Node node)
    {
        var shape = node.Shape switch
        {
            "cloud" => "ellipse",
            "host" => "box3d",
            "network" => "hexagon",
            "onion" => "doublecircle",
            "file" => "note",
            "firewall" => "component",
            _ => "box",
        };
        var attrs = new List<string> { $"label={DotString(node.Label)}", $"shape={shape}" };
        if (node.Dashed)
        {
            attrs.Add("style=dashed");
        }

        if (node.Error)
        {
            attrs.Add("color=red");
            attrs.Add("fontcolor=red");
            attrs.Add("penwidth=2");
        }

        return $"{node.Id} [{string.Join(", ", attrs)}];";
    }

    private static string MermaidNode(Node node)
    {
        var text = MermaidText(node.Label).Replace("\n", "<br/>", StringComparison.Ordinal);
        return node.Shape switch
        {
            "cloud" => $"{node.Id}((\"{text}\"))",
            "network" => $"{node.Id}{{{{\"{text}\"}}}}",
            "onion" => $"{node.Id}(((\"{text}\")))",
            "file" => $"{node.Id}[/\"{text}\"/]",
            "firewall" => $"{node.Id}[[\"{text}\"]]",
            _ => $"{node.Id}[\"{text}\"]",
        };
    }

    /// <summary>A DOT string literal: quotes and backslashes escaped, newlines as \n, control characters dropped.</summary>
    private static string DotString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Mermaid label text: quotes as #quot;, no control characters, no markup.</summary>
    private static string MermaidText(string s)
    {
        var sb = new StringBuilder();
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '"' => "#quot;",
                '<' => "#lt;",
                '>' => "#gt;",
                _ => char.IsControl(c) && c != '\n' ? string.Empty : c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>A node identifier from any name: letters, digits and '_' only, and never empty.</summary>
    private static string Id(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        // Two names that sanitise alike ('a-b', 'a.b') stay apart: a stable hash of the name (FNV-1a; output is deterministic).
        var hash = 2166136261u;
        foreach (var c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return sb.Append('_').Append(hash % 100000).ToString();
    }
}

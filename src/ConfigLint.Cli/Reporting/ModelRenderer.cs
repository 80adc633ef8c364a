using System.Text;
using System.Text.Json;
using ConfigLint.Analysis.Model;

namespace ConfigLint.Cli.Reporting;

/// <summary><c>configlint compile</c>: the deployment model as JSON (the contract of issue 12) or as indented text.</summary>
public static class ModelRenderer
{
    public static string Json(CompiledModel model)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("projects");
            foreach (var p in model.Projects)
            {
                w.WriteStartObject();
                w.WriteString("root", p.Root);
                Strings(w, "composeFiles", p.ComposeFiles);
                w.WriteStartArray("services");
                foreach (var s in p.Services)
                {
                    w.WriteStartObject();
                    w.WriteString("name", s.Name);
                    w.WriteString("image", s.Image);
                    if (s.Build is { } b)
                    {
                        w.WriteStartObject("build");
                        w.WriteString("dockerfile", b.Dockerfile);
                        w.WriteString("target", b.Target);
                        w.WriteString("runtimeStage", b.RuntimeStage);
                        w.WriteEndObject();
                    }
                    else
                    {
                        w.WriteNull("build");
                    }

                    w.WriteString("user", s.User);
                    w.WriteStartArray("networks");
                    foreach (var n in s.Networks)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", n.Name);
                        w.WriteBoolean("internal", n.Internal);
                        w.WriteStartArray("aliases");
                        foreach (var alias in n.Aliases)
                        {
                            w.WriteStringValue(alias);
                        }

                        w.WriteEndArray();
                        w.WriteString("ipv4Address", n.Ipv4Address);
                        w.WriteString("ipv6Address", n.Ipv6Address);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteString("networkMode", s.NetworkMode);
                    w.WriteStartArray("ports");
                    foreach (var port in s.Ports)
                    {
                        w.WriteStartObject();
                        w.WriteString("hostIp", port.HostIp);
                        w.WriteString("published", port.Published);
                        w.WriteString("target", port.Target);
                        w.WriteString("protocol", port.Protocol);
                        w.WriteString("exposure", port.Exposure);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("daemons");
                    foreach (var d in s.Daemons)
                    {
                        w.WriteStartObject();
                        w.WriteString("kind", d.Kind);
                        w.WriteStartArray("configFiles");
                        foreach (var f in d.ConfigFiles)
                        {
                            w.WriteStartObject();
                            w.WriteString("path", f.Path);
                            w.WriteString("via", f.Via);
                            w.WriteString("mechanism", f.Mechanism);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                        Strings(w, "commandLine", d.CommandLine);
                        Strings(w, "commandLineNotes", d.Notes);
                        w.WriteStartArray("listeners");
                        foreach (var l in d.Listeners)
                        {
                            w.WriteStartObject();
                            w.WriteString("option", l.Option);
                            w.WriteString("address", l.Address);
                            w.WriteString("port", l.Port);
                            Strings(w, "published", l.Published);
                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("networks");
                foreach (var n in p.Networks)
                {
                    w.WriteStartObject();
                    w.WriteString("name", n.Name);
                    w.WriteBoolean("internal", n.Internal);
                    w.WriteBoolean("external", n.External);
                    w.WriteString("driver", n.Driver);
                    w.WriteString("hostBindingIpv4", n.HostBindingIpv4);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("onionServices");
                foreach (var o in p.OnionServices)
                {
                    w.WriteStartObject();
                    w.WriteString("torConfig", o.TorConfig);
                    w.WriteString("hiddenServiceDir", o.HiddenServiceDir);
                    w.WriteStartArray("ports");
                    foreach (var port in o.Ports)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("virtualPort", port.VirtualPort);
                        w.WriteString("target", port.Target);
                        if (port.Backend is { } backend)
                        {
                            w.WriteStartObject("backend");
                            w.WriteString("service", backend.Service);
                            w.WriteString("path", backend.Path);
                            w.WriteNumber("line", backend.Line);
                            w.WriteEndObject();
                        }
                        else
                        {
                            w.WriteNull("backend");
                        }

                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("standalone");
            foreach (var f in model.Standalone)
            {
                w.WriteStartObject();
                w.WriteString("path", f.Path);
                w.WriteString("kind", f.Kind);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("firewalls");
            foreach (var f in model.Firewalls)
            {
                Firewall(w, f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Firewall(Utf8JsonWriter w, CompiledFirewall f)
    {
        w.WriteStartObject();
        w.WriteString("path", f.Path);
        w.WriteString("format", f.Format);
        Strings(w, "families", f.Families);
        Strings(w, "companions", f.Companions);
        if (f.TorProxy is { } proxy)
        {
            w.WriteStartObject("torProxy");
            w.WriteString("reason", proxy.Reason);
            w.WriteString("path", proxy.Path);
            w.WriteNumber("line", proxy.Line);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("torProxy");
        }

        if (f.Tor is { } tor)
        {
            w.WriteStartObject("tor");
            Strings(w, "configs", tor.Configs);
            w.WriteString("join", tor.Join);
            Numbers(w, "transPorts", tor.TransPorts);
            Numbers(w, "dnsPorts", tor.DnsPorts);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("tor");
        }

        Strings(w, "carriers", f.Carriers);
        w.WriteString("ipv6", f.Ipv6);
        w.WriteStartArray("egress");
        foreach (var e in f.Egress)
        {
            w.WriteStartObject();
            w.WriteString("family", e.Family);
            w.WriteBoolean("gateway", e.Gateway);
            w.WriteStartArray("probes");
            foreach (var p in e.Probes)
            {
                w.WriteStartObject();
                w.WriteString("probe", p.Probe);
                w.WriteString("label", p.Label);
                w.WriteString("traffic", p.Traffic);
                w.WriteString("packet", p.Packet);
                w.WriteString("outcome", p.Outcome);
                w.WriteString("to", p.To);
                NumberOrNull(w, "toPort", p.ToPort);
                w.WriteString("torListener", p.TorListener);
                if (p.ViaTor is { } via)
                {
                    w.WriteBoolean("viaTor", via);
                }
                else
                {
                    w.WriteNull("viaTor");
                }

                w.WriteString("chain", p.Chain);
                w.WriteString("decidedBy", p.DecidedBy);
                w.WriteString("policy", p.Policy);
                w.WriteString("path", p.Path);
                NumberOrNull(w, "line", p.Line);
                w.WriteString("reason", p.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The same model for a reader: one line per thing, indented by what it belongs to.</summary>
    public static string Text(CompiledModel model)
    {
        var sb = new StringBuilder();
        foreach (var p in model.Projects)
        {
            sb.Append($"project {p.Root} ({string.Join(", ", p.ComposeFiles)})\n");
            foreach (var s in p.Services)
            {
                var from = s.Build is { } b ? $"build {b.Dockerfile}{(b.RuntimeStage is null ? "" : $" stage {b.RuntimeStage}")}" : $"image {s.Image ?? "?"}";
                sb.Append($"  service {s.Name}: {from}, user {s.User ?? "(image default)"}, networks {string.Join(", ", s.Networks.Select(n => n.Internal ? n.Name + " (internal)" : n.Name))}{(s.NetworkMode is null ? "" : $", network_mode {s.NetworkMode}")}\n");
                foreach (var port in s.Ports)
                {
                    sb.Append($"    port {(port.HostIp is null ? "" : port.HostIp + ":")}{(port.Published is null ? "" : port.Published + ":")}{port.Target}/{port.Protocol}: {port.Exposure}\n");
                }

                foreach (var d in s.Daemons)
                {
                    sb.Append($"    {d.Kind}: {string.Join(", ", d.ConfigFiles.Select(f => $"{f.Path} ({f.Via})"))}\n");
                    foreach (var l in d.Listeners)
                    {
                        sb.Append($"      {l.Option} {l.Address}{(l.Port.Length == 0 ? "" : ":" + l.Port)}{(l.Published.Length == 0 ? "" : " <- " + string.Join(", ", l.Published))}\n");
                    }
                }
            }

            foreach (var n in p.Networks)
            {
                sb.Append($"  network {n.Name}{(n.Internal ? " (internal)" : "")}{(n.External ? " (external)" : "")}\n");
            }

            foreach (var o in p.OnionServices)
            {
                sb.Append($"  onion service {o.HiddenServiceDir} ({o.TorConfig})\n");
                foreach (var port in o.Ports)
                {
                    sb.Append($"    {port.VirtualPort} -> {port.Target}{(port.Backend is { } be ? $" = service {be.Service} ({be.Path}:{be.Line})" : "")}\n");
                }
            }
        }

        foreach (var f in model.Standalone)
        {
            sb.Append($"standalone {f.Kind} {f.Path}\n");
        }

        foreach (var f in model.Firewalls)
        {
            Firewall(sb, f);
        }

        // Names and paths come from the repository: shown escaped, line by line.
        return string.Join('\n', sb.ToString().Split('\n').Select(Escape.ForTerminal));
    }

    /// <summary>A rule set's block: what it is and what it is joined to, then one line per probe and family.</summary>
    private static void Firewall(StringBuilder sb, CompiledFirewall f)
    {
        var what = f.TorProxy is { } proxy ? $"Tor transparent proxy: {proxy.Reason.TrimEnd('.')} ({proxy.Path}:{proxy.Line})" : "not a Tor transparent proxy";
        var torrc = f.Tor is { } tor ? $"; torrc: {string.Join(", ", tor.Configs)}, {tor.Join}" : "; no torrc joined";
        sb.Append($"iptables {f.Path} ({what}{torrc})\n");
        if (f.Companions.Length > 0)
        {
            sb.Append($"  same host: {string.Join(", ", f.Companions)}\n");
        }

        if (f.Carriers.Length > 0)
        {
            sb.Append($"  carried by: {string.Join(", ", f.Carriers)}\n");
        }

        if (f.Ipv6 is not null)
        {
            sb.Append($"  IPv6: {f.Ipv6}\n");
        }

        var width = f.Egress.SelectMany(e => e.Probes).Select(p => p.Label.Length).DefaultIfEmpty(0).Max();
        foreach (var e in f.Egress)
        {
            var family = e.Family == "ipv4" ? "IPv4" : "IPv6";
            foreach (var p in e.Probes)
            {
                sb.Append($"  {family} {p.Label.PadRight(width)} → {Verdict(p)}\n");
            }
        }
    }

    /// <summary>A probe's outcome in a few words, with where it was decided.</summary>
    private static string Verdict(CompiledProbe p)
    {
        var where = p.DecidedBy switch
        {
            "rule" => $"{p.Chain} {p.Path}:{p.Line}",
            "policy" => $"{p.Chain} policy {p.Policy}",
            _ => p.Chain,
        };
        return p.Outcome switch
        {
            "redirected" => $"redirected to {p.To} ({(p.TorListener ?? (p.ViaTor is null ? "no torrc joined" : "no tor listener"))}{(p.ViaTor == false && p.TorListener is not null ? ", refused" : string.Empty)}; {where})",
            "leaks" => $"LEAKS ({where})",
            "direct" => $"leaves directly ({where})",
            "blocked" => $"blocked ({where})",
            _ => $"unknown ({p.Reason})",
        };
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<int> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    private static void NumberOrNull(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}

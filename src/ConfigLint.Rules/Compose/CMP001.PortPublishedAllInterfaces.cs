using ConfigLint.Analysis;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP001. Docs: rules/compose/CMP001.port-published-all-interfaces/README.md</summary>
public sealed class PortPublishedAllInterfaces : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP001", "port-published-all-interfaces",
        "Publish ports on a specific host address, not on every interface.", Language.Compose, DiagnosticLevel.Note, 3.0, FixClass.None, "security", "CWE-668");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        var service = ctx.Service;
        if (service.IsHostNetwork || service.Ports.Length == 0)
        {
            return;
        }

        var torConfigs = ctx.Deployment.TorConfigsOf(service);
        var onionBackend = ctx.Deployment.IsOnionBackend(service);
        foreach (var port in service.Ports)
        {
            // Loopback, one host address, an internal-only service: not every interface (Semantics.Compose.PortExposure).
            if (PortExposure.Of(service, port) != Exposure.AllInterfaces)
            {
                continue;
            }

            var targets = port.TargetPorts.ToList();
            if (targets.Count == 0)
            {
                continue;
            }

            var target = targets[0];
            var role = RelayRole(torConfigs, target);
            if (role == "ORPort")
            {
                continue;
            }

            var where = port.Published is null ? port.Target : $"{port.Published}:{port.Target}";
            if (role == "DirPort")
            {
                ctx.Report(port.Location,
                    $"Port '{where}' publishes tor's DirPort; relays other than directory authorities no longer publish their DirPort (since 0.4.6.1-alpha), so this open port only adds surface; remove the DirPort and this publish.",
                    DiagnosticLevel.Note, 2.0);
                continue;
            }

            // Clearnet web ports are the point of a web service, unless the service is an onion backend.
            if (role == "transport" || (ComposeFacts.WebPorts.Contains(target) && !onionBackend))
            {
                continue;
            }

            var bind = port.Published is null ? $"127.0.0.1::{port.Target}" : $"127.0.0.1:{port.Published}:{port.Target}";
            if (ComposeFacts.SensitivePorts.TryGetValue(target, out var what) && !ComposeFacts.OwnsPort(service, target))
            {
                // Only the number suggests what listens: say so, at note level.
                ctx.Report(port.Location,
                    $"Port '{where}' is published on every host interface (0.0.0.0), and Docker's published ports bypass host firewalls such as UFW; {target} is the usual {what} port, so if that is what listens here, bind it to loopback ('{bind}'), otherwise to a specific address unless it must be public.",
                    DiagnosticLevel.Note, 3.0);
            }
            else if (what is not null && ComposeFacts.SensitivePorts.ContainsKey(target))
            {
                ctx.Report(port.Location,
                    $"Port '{where}' ({what}) is published on every host interface, and Docker's published ports bypass host firewalls such as UFW; bind it to loopback ('{bind}') or remove the publish.",
                    DiagnosticLevel.Warning, 5.3);
            }
            else
            {
                var backend = onionBackend ? " This service is an onion-service backend, so a clearnet publish can link the onion to this host." : string.Empty;
                ctx.Report(port.Location,
                    $"Port '{where}' is published on every host interface (0.0.0.0), and Docker's published ports bypass host firewalls such as UFW; bind it to a specific address ('{bind}') unless it must be public.{backend}",
                    onionBackend ? DiagnosticLevel.Warning : DiagnosticLevel.Note, onionBackend ? 5.3 : 3.0);
            }
        }
    }

    /// <summary>Whether a container port is the linked torrc's ORPort, DirPort or a pluggable-transport port.</summary>
    private static string? RelayRole(IEnumerable<Semantics.Tor.TorConfig> configs, int port)
    {
        foreach (var config in configs)
        {
            if (config.Ports("ORPort").Any(p => p.Spec.Kind == TorPortKind.Tcp && p.Spec.PortNumber == port))
            {
                return "ORPort";
            }

            if (config.Ports("DirPort").Any(p => p.Spec.Kind == TorPortKind.Tcp && p.Spec.PortNumber == port))
            {
                return "DirPort";
            }

            if (config.All("ServerTransportListenAddr").Any(l => l.Value.TrimEnd().EndsWith($":{port}", StringComparison.Ordinal)))
            {
                return "transport";
            }
        }

        return null;
    }
}

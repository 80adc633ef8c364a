using ConfigLint.Analysis;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR001. Docs: rules/torrc/TOR001.tor-client-listener-exposed/README.md</summary>
public sealed class TorClientListenerExposed : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR001", "tor-client-listener-exposed",
        "Bind Tor client listeners to loopback or a unix socket.", Language.Tor, DiagnosticLevel.Warning, 7.5, FixClass.None, "security", "CWE-284");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorLineAction(Check, TorFacts.ClientPortOptions);

    private static void Check(TorLineContext ctx)
    {
        if (ctx.Line.Entry.Prefix == '/' || ctx.Line.Value.Length == 0)
        {
            return;
        }

        var spec = TorPortSpec.Parse(ctx.Line.Entry);
        if (spec.Error is not null || spec.Kind == TorPortKind.Disabled)
        {
            return;
        }

        var name = ctx.Line.Name;
        var where = TorFacts.Describe(new TorPortLine(ctx.Line, spec));
        if (spec.Kind == TorPortKind.Unix)
        {
            if (spec.HasFlag("WorldWritable"))
            {
                ctx.Report(ctx.Line.At(spec.AddressSpan),
                    $"{name} '{where}' is WorldWritable, so any local user can use this Tor proxy; drop WorldWritable or use GroupWritable with a dedicated group.",
                    DiagnosticLevel.Note, 4.0);
            }

            return;
        }

        if (spec.Scope == AddressScope.Loopback)
        {
            return;
        }

        var (level, score, what) = spec.Scope switch
        {
            AddressScope.Wildcard => (DiagnosticLevel.Warning, 7.5, "every interface (tor itself counts a wildcard bind as public)"),
            AddressScope.Public => (DiagnosticLevel.Warning, 7.5, "a public address"),
            AddressScope.Hostname => (DiagnosticLevel.Warning, 5.3, "the address the host name resolves to when tor starts (the container's network address)"),
            _ => (DiagnosticLevel.Warning, 5.3, "a private or container address"),
        };

        var service = ctx.Deployment.ServiceOf(ctx.Config);
        var advice = name == "SocksPort" && !ctx.Config.IsTrue("SafeSocks")
            ? " With SafeSocks 0 (the default) it also accepts SOCKS4 and SOCKS5-with-IP requests that leak DNS: set SafeSocks 1."
            : string.Empty;
        var open = name == "DNSPort" ? "an open resolver (UDP amplification) and Tor proxy" : "an open Tor proxy";

        // Never advise what the file already does.
        var guarded = TorFacts.SocksPolicyRejectsTheRest(ctx.Config);
        var policy = guarded ? string.Empty : " and add a SocksPolicy that ends with 'reject *'";
        var keepPolicy = guarded ? string.Empty : "; add a SocksPolicy that ends with 'reject *'";

        // In a container, who reaches the listener is what compose publishes: the model joined the listener to its published ports.
        if (service is not null && !service.IsHostNetwork)
        {
            var listener = ctx.Deployment.DaemonOf(ctx.Config)?.Listeners.FirstOrDefault(l => l.Location == ctx.Line.Location);
            var publishes = listener?.Published.ToList() ?? [];
            var everywhere = publishes.Where(p => p.Exposure == Exposure.AllInterfaces).ToList();
            if (everywhere.Count > 0)
            {
                // XF001 reports the publish (the exposure) where it must change; this is the listener's side of it.
                var publish = everywhere[0].Port;
                ctx.Report(ctx.Line.At(spec.AddressSpan),
                    $"{name} '{where}' listens on {what}, and service '{service.Name}' publishes it on every host interface ({publish.Location.Tree.Path} line {publish.Location.LineSpan.Start.Line + 1}, XF001), so it is {open} for anyone who can reach the host; bind the listener to 127.0.0.1 unless other containers need it{policy}.{advice}",
                    level, score, [new RelatedLocation(publish.Location, $"Service '{service.Name}' publishes {name} on every host interface here (XF001).")]);
                return;
            }

            var reachable = publishes.Where(p => p.Exposure is Exposure.Loopback or Exposure.HostAddress).ToList();
            if (reachable.Count > 0)
            {
                var publish = reachable[0].Port;
                ctx.Report(ctx.Line.At(spec.AddressSpan),
                    $"{name} '{where}' listens on {what}; service '{service.Name}' publishes it only on {publish.HostIp} ('{publish.Raw}' in {Path.GetFileName(publish.Location.Path)}), so the host and containers on the service's networks can use it{keepPolicy}.{advice}",
                    DiagnosticLevel.Note, 3.0, [new RelatedLocation(publish.Location, $"Service '{service.Name}' publishes {name} on {publish.HostIp} here.")]);
                return;
            }

            if (!service.HasNonInternalNetwork && service.Ports.Length == 0)
            {
                ctx.Report(ctx.Line.At(spec.AddressSpan),
                    $"{name} '{where}' listens on {what}; service '{service.Name}' is only on internal networks and publishes nothing, so only sibling containers can use it.{advice}",
                    DiagnosticLevel.Note, 3.0);
                return;
            }

            var networks = string.Join(", ", service.EffectiveNetworks.Select(n => $"'{n.Name}'{(n.Internal ? " (internal)" : string.Empty)}"));
            ctx.Report(ctx.Line.At(spec.AddressSpan),
                $"{name} '{where}' listens on {what}; service '{service.Name}' publishes nothing for it, so only containers on its networks ({networks}) can use it{keepPolicy}.{advice}",
                DiagnosticLevel.Note, 3.0);
            return;
        }

        if (spec.Scope == AddressScope.Private)
        {
            // Catalog §0.2 (2026-12): a specific private address is a LAN or internal-network listener (a
            // Whonix-Gateway, a Tor router's LAN side); never advise binding to what it already binds to.
            if (AdmitsOnlyPrivateRanges(ctx.Config))
            {
                ctx.Report(ctx.Line.At(spec.AddressSpan),
                    $"{name} '{where}' listens on a private address and the SocksPolicy admits only private ranges before rejecting the rest: an intended LAN or internal-network listener; keep that network to trusted clients.{advice}",
                    DiagnosticLevel.Note, 3.0);
                return;
            }

            ctx.Report(ctx.Line.At(spec.AddressSpan),
                $"{name} '{where}' listens on a private or internal-network address, so every client on that network can use this tor as {open}; {(guarded ? "the SocksPolicy rejects the rest, but admits more than private ranges" : "add a SocksPolicy that accepts that network's range and ends with 'reject *'")} unless every client there is trusted.{advice}",
                level, score);
            return;
        }

        ctx.Report(ctx.Line.At(spec.AddressSpan),
            $"{name} '{where}' listens on {what}, so anyone who can reach it can use this tor as {open}; bind it to 127.0.0.1, a unix socket, or an internal-network address{policy}.{advice}",
            level, score);
    }

    /// <summary>The SocksPolicy rejects every address it does not accept, and everything it accepts before that is private (tor's 'private', RFC 1918, link-local, unique-local, loopback).</summary>
    private static bool AdmitsOnlyPrivateRanges(ConfigLint.Semantics.Tor.TorConfig config)
    {
        var policy = config.Policy("SocksPolicy");
        var (v4, v6, _, dead) = TorFacts.EvaluateSocksPolicy(policy);
        if (v4 != false || v6 != false)
        {
            return false;
        }

        return policy.Where(e => e.Item.Accept && !dead.Contains(e)).All(e =>
            e.Item.AddressKind == PolicyAddressKind.Private
            || (e.Item.AddressKind is PolicyAddressKind.IPv4 or PolicyAddressKind.IPv6 && (e.Item.MaskBits ?? 128) >= 8
                && NetAddress.Classify(e.Item.Address) is AddressScope.Private or AddressScope.Loopback));
    }
}

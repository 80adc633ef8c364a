using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;
using static ConfigLint.Rules.CrossFile.OnionFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF004. Docs: rules/crossfile/XF004.onion-vhost-on-clearnet/README.md</summary>
public sealed class OnionVhostOnClearnet : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF004", "onion-vhost-on-clearnet",
        "Serve the onion site only on a listener that is not published.", null, DiagnosticLevel.Error, 8.2, FixClass.None, "security", "CWE-200", "cross-file");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        // One finding per server and published port (listen 80 and listen [::]:80 are one exposure, reported on the
        // first); several HiddenServicePort lines reaching the same server are related locations of it.
        var found = new Dictionary<(NginxNode Server, string Port), (OnionSite Site, List<OnionForward> Forwards, ServerSocket Socket, Listener Listener, List<ServerSocket> Others)>();
        foreach (var site in Sites(ctx.Deployment))
        {
            foreach (var server in site.OnionServers)
            {
                foreach (var socket in site.Sockets.Where(s => s.Server == server))
                {
                    if (ListenerOf(site.Daemon, socket) is not { } listener || listener.Scope == AddressScope.Loopback || PortExposure.Reach(listener.Exposure) < 2)
                    {
                        continue;
                    }

                    if (found.TryGetValue((server, socket.Port), out var seen))
                    {
                        if (!seen.Forwards.Any(f => f.Line == site.Forward.Line))
                        {
                            seen.Forwards.Add(site.Forward);
                        }

                        if (seen.Socket.Listen != socket.Listen && !seen.Others.Any(o => o.Listen == socket.Listen))
                        {
                            seen.Others.Add(socket);
                        }

                        continue;
                    }

                    found[(server, socket.Port)] = (site, [site.Forward], socket, listener, []);
                }
            }
        }

        foreach (var (site, forwards, socket, listener, others) in found.Values.OrderBy(f => f.Socket.Listen!.Node.Location.Tree.Path, StringComparer.Ordinal).ThenBy(f => f.Socket.Listen!.Node.Location.Span.Start))
        {
            var server = socket.Server;
            var backend = site.Forward.Backend!;
            var hs = string.Join(", ", forwards.Select(Describe));
            var name = server.Directives("server_name").SelectMany(n => n.Args).FirstOrDefault(n => n.Length > 0 && n != "_");
            var which = IsOnionNamed(server) ? $"The onion server '{name}'" : $"Server {(name is null ? string.Empty : $"'{name}' ")}(the default server of {site.SocketKey}, which onion visitors get)";
            var isDefault = DefaultServer(site.Sockets, socket.Key) == server;
            var how = isDefault
                ? $"it is the default server there, so a request to the host's address returns the onion site whatever the Host header, and scanners of the IPv4 space find it"
                : $"a request to the host's address with the onion name in the Host header returns the onion site, so anyone who knows the onion address can confirm the server's real IP";
            var location = socket.Listen!.Node.Location;
            var related = forwards.Select(HsRelated).ToList();
            related.AddRange(others.Select(o => new RelatedLocation(o.Listen!.Node.Location, $"'{o.Listen.Node.Text}' puts the same server on port {o.Port} too.")));
            string exposure;
            if (listener.OnHostNetwork && backend.NetworkMode is { } mode)
            {
                exposure = $"service '{backend.Name}' uses the host's network ('network_mode: host', {At(mode.Location)}), so the listener is on the host's own interfaces";
                related.Add(new RelatedLocation(mode.Location, $"Service '{backend.Name}' shares the host's network stack."));
            }
            else
            {
                var published = listener.Published.Where(p => PortExposure.Reach(p.Exposure) >= 2).ToList();
                exposure = $"service '{backend.Name}' publishes it {Where(published[0])} as '{published[0].Port.Text}' ({At(published[0].Port.Location)})";
                related.AddRange(published.Select(p => new RelatedLocation(p.Port.Location, $"'{p.Port.Text}' publishes {Describe(listener)} {Where(p)}.")));
            }

            ctx.Report(location,
                $"{which} answers {hs}{(socket.Key == site.SocketKey ? $" on {socket.Key}" : $" and also listens on {socket.Key}")}, and {exposure}: {how}. Serve the onion site on a port nothing publishes and give the published port a default server of its own (one that returns 444).",
                related: related);
        }
    }
}

using System.Net;
using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.CrossFile;

/// <summary>
/// What the onion-service rules (XF003–XF005) share: the resolved forwards, the nginx servers that answer one, and the
/// addresses onion visitors arrive from. Everything is read from the deployment model; nothing here computes exposure.
/// </summary>
internal static class OnionFacts
{
    /// <summary>The forwards the model resolved to a backend service (a <c>unix:</c> target is not resolved yet).</summary>
    public static IEnumerable<OnionForward> Resolved(Deployment deployment) =>
        deployment.OnionForwards.Where(f => f.Backend is not null && f.TorService is not null && f.Port.Error is null && f.Port.UnixPath is null);

    /// <summary>The backend runs in tor's own network stack: tor's container itself, or a service with <c>network_mode: service:tor</c>.</summary>
    public static bool InTorStack(OnionForward forward) =>
        forward.Backend == forward.TorService || (forward.Backend!.SharesNetworkWith is { } owner && forward.TorService!.HostNames.Contains(owner, StringComparer.Ordinal));

    public static int TargetPort(OnionForward forward) => forward.Port.TargetPort ?? forward.Port.VirtualPort;

    /// <summary>"'HiddenServicePort 80 nginx:80' (tor/torrc line 3)".</summary>
    public static string Describe(OnionForward forward) => $"'{forward.Line.Name} {forward.Line.Value}' ({CrossFileFacts.At(forward.Line.Location)})";

    public static RelatedLocation HsRelated(OnionForward forward) =>
        new(forward.Line.Location, $"'{forward.Line.Name} {forward.Line.Value}' forwards onion visitors to service '{forward.Backend!.Name}'.");

    /// <summary>One listen socket of a server (a server without <c>listen</c> listens on *:80).</summary>
    public sealed record ServerSocket(NginxNode Server, NginxListen? Listen, string Address, string Port, bool DefaultServer)
    {
        public bool IsWildcard => Address is "*" or "0.0.0.0" or "[::]";

        /// <summary>*:80 and 0.0.0.0:80 are one socket.</summary>
        public string Key => $"{(Address == "0.0.0.0" ? "*" : Address)}:{Port}";
    }

    /// <summary>Every listen socket of every server of a configuration, in configuration order.</summary>
    public static IReadOnlyList<ServerSocket> Sockets(NginxConfig config)
    {
        var sockets = new List<ServerSocket>();
        foreach (var server in config.Servers)
        {
            var listens = NginxConfig.Listens(server);
            if (listens.Count == 0)
            {
                sockets.Add(new ServerSocket(server, null, "*", "80", false));
            }

            sockets.AddRange(listens.Where(l => l.Port.Length > 0).Select(l => new ServerSocket(server, l, l.Address, l.Port, l.DefaultServer)));
        }

        return sockets;
    }

    /// <summary>The server nginx picks for a socket when no server_name matches: the explicit default_server, else the first.</summary>
    public static NginxNode? DefaultServer(IReadOnlyList<ServerSocket> sockets, string key) =>
        (sockets.FirstOrDefault(s => s.Key == key && s.DefaultServer) ?? sockets.FirstOrDefault(s => s.Key == key))?.Server;

    /// <summary>A server named for an onion address: a <c>server_name</c> ending in <c>.onion</c>, or a regex that mentions onion.</summary>
    public static bool IsOnionNamed(NginxNode server) =>
        server.Directives("server_name").SelectMany(n => n.Args).Any(name =>
            name.TrimEnd('.').EndsWith(".onion", StringComparison.OrdinalIgnoreCase) || (name.StartsWith('~') && name.Contains("onion", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The nginx of a backend that answers a forward, the socket tor connects to, and the servers on it.</summary>
    public sealed record OnionSite(OnionForward Forward, DaemonInstance Daemon, NginxConfig Config, IReadOnlyList<ServerSocket> Sockets, string SocketKey,
        IReadOnlyList<NginxNode> Reached, IReadOnlyList<NginxNode> OnionServers);

    /// <summary>
    /// For every resolved forward whose backend runs nginx: the socket that receives tor's connection (loopback in tor's
    /// own stack, the container address otherwise; a specific address wins over the wildcard as nginx picks it), every
    /// server on that socket (a visitor chooses the Host header, so each is reachable), and the onion server: those named
    /// <c>*.onion</c>, else the socket's default server.
    /// </summary>
    public static IEnumerable<OnionSite> Sites(Deployment deployment)
    {
        foreach (var forward in Resolved(deployment))
        {
            var port = TargetPort(forward).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var loopback = InTorStack(forward) || forward.Port.TargetScope == AddressScope.Loopback;
            var target = forward.Port.TargetAddress.Trim('[', ']');
            var v6 = target.Contains(':', StringComparison.Ordinal);
            foreach (var daemon in deployment.DaemonsOf(forward.Backend!).Where(d => d.Nginx is not null))
            {
                var sockets = Sockets(daemon.Nginx!);
                var candidates = sockets.Where(s => s.Port == port && Accepts(s, loopback, v6, target)).ToList();
                if (candidates.Count == 0)
                {
                    continue;
                }

                // nginx routes a connection to the servers of the most specific address that matches it.
                var specific = candidates.Where(s => !s.IsWildcard).ToList();
                var wildcard = candidates.Where(s => s.IsWildcard).ToList();
                var chosen = loopback && specific.Count > 0 ? specific : wildcard.Count > 0 ? wildcard : candidates;
                var key = chosen[0].Key;
                var reached = chosen.Where(s => s.Key == key).Select(s => s.Server).Distinct().ToList();
                var named = reached.Where(IsOnionNamed).ToList();
                var onion = named.Count > 0 ? named : DefaultServer(sockets, key) is { } d ? [d] : [];
                yield return new OnionSite(forward, daemon, daemon.Nginx!, sockets, key, reached, onion);
            }
        }
    }

    private static bool Accepts(ServerSocket socket, bool loopback, bool v6, string target)
    {
        var address = socket.Address.Trim('[', ']');
        var isV6 = socket.Address.StartsWith('[');
        if (isV6 != v6)
        {
            // listen [::]:80 is IPv6-only (ipv6only=on since nginx 1.3.4); tor connects over the target's family.
            return false;
        }

        if (socket.IsWildcard)
        {
            return true;
        }

        var scope = NetAddress.Classify(address);
        return loopback ? scope == AddressScope.Loopback && (address == target || !IPAddress.TryParse(target, out _)) : scope != AddressScope.Loopback;
    }

    /// <summary>The daemon listener (with its published ports) of a server's listen socket, when the model has it.</summary>
    public static Listener? ListenerOf(DaemonInstance daemon, ServerSocket socket) =>
        socket.Listen is null ? null : daemon.Listeners.FirstOrDefault(l => l.Option == "listen" && l.Address == socket.Address && l.Port == socket.Port);

    /// <summary>
    /// The addresses onion visitors arrive from at the backend: tor's loopback when the backend shares tor's network stack,
    /// else tor's container address: its static address on a shared network when compose gives one, otherwise somewhere
    /// in Docker's default address pools (172.17.0.0/16–172.31.0.0/16, 192.168.0.0/16).
    /// </summary>
    public static IReadOnlyList<IPNetwork> VisitorSources(OnionForward forward)
    {
        if (InTorStack(forward) || forward.Port.TargetScope == AddressScope.Loopback)
        {
            return forward.Port.TargetAddress.Contains(':', StringComparison.Ordinal) ? [IPNetwork.Parse("::1/128")] : [IPNetwork.Parse("127.0.0.1/32")];
        }

        var backendNetworks = (forward.Backend!.Networks ?? []).Select(n => n.Name).DefaultIfEmpty("default").ToHashSet(StringComparer.Ordinal);
        var statics = (forward.TorService!.Networks ?? []).Where(n => backendNetworks.Contains(n.Name)).SelectMany(n => new[] { n.Ipv4Address, n.Ipv6Address })
            .OfType<string>().Select(a => IPAddress.TryParse(a.Trim('[', ']'), out var ip) ? new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) : (IPNetwork?)null)
            .OfType<IPNetwork>().ToList();
        return statics.Count > 0 ? statics : [IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.168.0.0/16")];
    }

    /// <summary>Describes the visitor source for messages: "127.0.0.1", "tor's container address (private)".</summary>
    public static string DescribeSources(OnionForward forward, IReadOnlyList<IPNetwork> sources) =>
        InTorStack(forward) || forward.Port.TargetScope == AddressScope.Loopback
            ? $"{sources[0].BaseAddress} (tor shares the backend's network stack)"
            : sources.All(s => s.PrefixLength is 32 or 128) ? $"tor's address {string.Join(", ", sources.Select(s => s.BaseAddress))}"
            : $"tor's container address on the shared Docker network (a private address, by default in 172.16.0.0/12 or 192.168.0.0/16)";

    /// <summary>An nginx address argument (an IP or CIDR; <c>all</c>) as a network, or null (<c>unix:</c>, names).</summary>
    public static IPNetwork? Network(string text)
    {
        if (text == "all")
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var address = (slash < 0 ? text : text[..slash]).Trim('[', ']');
        if (!IPAddress.TryParse(address, out var ip) || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.Count(c => c == '.') != 3))
        {
            return null;
        }

        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (slash >= 0 && !(int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix) && prefix <= max))
        {
            return null;
        }

        var length = slash < 0 ? max : int.Parse(text[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        // nginx masks the host bits of "10.1.2.3/8" (with a warning); IPNetwork insists on a clean base.
        var bytes = ip.GetAddressBytes();
        for (var bit = length; bit < max; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPNetwork(new IPAddress(bytes), length);
    }

    /// <summary>Two networks share at least one address.</summary>
    public static bool Overlaps(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));
}

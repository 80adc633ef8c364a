using System.Text.RegularExpressions;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Compose;

namespace ConfigLint.Rules.Compose;

internal static partial class ComposeFacts
{
    /// <summary>Admin, database and proxy ports that should never face the network by accident.</summary>
    public static readonly IReadOnlyDictionary<int, string> SensitivePorts = new Dictionary<int, string>
    {
        [22] = "SSH", [23] = "telnet", [1080] = "SOCKS proxy", [2375] = "Docker API", [2376] = "Docker API", [3128] = "squid proxy",
        [3306] = "MySQL", [5432] = "PostgreSQL", [5984] = "CouchDB", [6379] = "Redis", [8118] = "Privoxy", [8500] = "Consul",
        [9050] = "Tor SOCKS", [9051] = "Tor control", [9150] = "Tor SOCKS", [9151] = "Tor control", [9035] = "Tor metrics",
        [9040] = "Tor TransPort", [9200] = "Elasticsearch", [9300] = "Elasticsearch", [10250] = "kubelet", [11211] = "memcached",
        [15672] = "RabbitMQ admin", [27017] = "MongoDB", [5353] = "Tor DNSPort",
        [53] = "DNS",
    };

    public static readonly HashSet<int> WebPorts = [80, 443, 8080, 8443];

    /// <summary>
    /// Words in an image, build folder or service name that say the service is the daemon a sensitive port belongs to.
    /// Without one, the port number is only a guess (maildev's web UI listens on 1080, not a SOCKS proxy).
    /// </summary>
    private static readonly IReadOnlyDictionary<int, string[]> PortOwners = new Dictionary<int, string[]>
    {
        [22] = ["ssh", "sftp", "git", "gitea", "gogs", "gitlab"], [23] = ["telnet"], [1080] = ["socks", "dante", "shadowsocks", "microsocks", "3proxy", "tor", "proxy"],
        [2375] = ["docker", "dind"], [2376] = ["docker", "dind"], [3128] = ["squid", "proxy"], [3306] = ["mysql", "mariadb", "percona", "db"],
        [5432] = ["postgres", "postgis", "timescale", "db"], [5984] = ["couch"], [6379] = ["redis", "valkey", "keydb", "dragonfly", "cache"],
        [8118] = ["privoxy", "proxy"], [8500] = ["consul"], [9050] = ["tor"], [9051] = ["tor"], [9150] = ["tor"], [9151] = ["tor"], [9035] = ["tor"],
        [9040] = ["tor"], [9200] = ["elastic", "opensearch", "search"], [9300] = ["elastic", "opensearch", "search"], [10250] = ["kube"],
        [11211] = ["memcache"], [15672] = ["rabbit"], [27017] = ["mongo"], [5353] = ["tor", "dns", "mdns", "avahi"],
        [53] = ["dns", "bind", "named", "unbound", "dnsmasq", "coredns", "pihole", "pi-hole", "adguard", "knot", "powerdns", "pdns"],
    };

    /// <summary>Whether the service's names (image, build folder, service, container) show it is the daemon the port belongs to.</summary>
    public static bool OwnsPort(ComposeService service, int port)
    {
        if (!PortOwners.TryGetValue(port, out var words))
        {
            return true;
        }

        var names = string.Join(' ', new[] { service.Image?.Value, service.Build?.ContextPath is { } c ? Path.GetFileName(c.TrimEnd('/')) : null, service.Name, service.ContainerName?.Value }
            .OfType<string>()).ToLowerInvariant();
        return words.Any(w => names.Contains(w, StringComparison.Ordinal));
    }

    /// <summary>The service's location for absence findings: where its name is written.</summary>
    public static SourceLocation Anchor(ComposeService service) => service.NameLocation;

    /// <summary>BuildKit's SecretsUsedInArgOrEnv test: a secret-like word in the name, unless it says "public".</summary>
    public static bool IsSecretName(string name) => SecretWord().IsMatch(name) && !PublicWord().IsMatch(name);

    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWord();

    [GeneratedRegex("(?:_|^)public(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex PublicWord();
}

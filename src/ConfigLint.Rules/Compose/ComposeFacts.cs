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

    /// <summary>The service's location for absence findings: where its name is written.</summary>
    public static SourceLocation Anchor(ComposeService service) => service.NameLocation;

    /// <summary>BuildKit's SecretsUsedInArgOrEnv test: a secret-like word in the name, unless it says "public".</summary>
    public static bool IsSecretName(string name) => SecretWord().IsMatch(name) && !PublicWord().IsMatch(name);

    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWord();

    [GeneratedRegex("(?:_|^)public(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex PublicWord();
}

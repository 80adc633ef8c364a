using System.Net;
using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Rules.Nginx;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;
using static ConfigLint.Rules.CrossFile.OnionFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF005. Docs: rules/crossfile/XF005.onion-backend-trusts-local-source/README.md</summary>
public sealed class OnionBackendTrustsLocalSource : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF005", "onion-backend-trusts-local-source",
        "Do not grant access by source address on a server tor forwards to: every onion visitor arrives from tor's address.", null, DiagnosticLevel.Error, 8.1, FixClass.None, "security", "CWE-290", "cross-file");

    private static readonly HashSet<string> DataKeywords = new(StringComparer.Ordinal) { "default", "include", "proxy", "proxy_recursive", "ranges", "delete", "hostnames", "volatile" };

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        var reported = new HashSet<SourceLocation>();
        CheckSquid(ctx, reported);
        foreach (var site in Sites(ctx.Deployment))
        {
            var sources = VisitorSources(site.Forward);
            var from = DescribeSources(site.Forward, sources);
            var hs = Describe(site.Forward);
            var related = new[]
            {
                HsRelated(site.Forward),
                new RelatedLocation(site.Forward.Backend!.NameLocation, $"Compose service '{site.Forward.Backend!.Name}' runs this nginx configuration."),
            };
            foreach (var server in site.Reached)
            {
                var onion = site.OnionServers.Contains(server);
                var reach = onion ? "every onion visitor" : $"every onion visitor who sends its name in the Host header (it shares {site.SocketKey} with the onion site)";
                foreach (var block in server.Descendants().Where(n => n.Name == "location" && n.IsBlock).Prepend(server))
                {
                    CheckBlock(ctx, block, server, site.SocketKey, sources, from, hs, reach, related, reported);
                }

                CheckAddressVariables(ctx, site.Config, server, site.SocketKey, sources, from, hs, reach, related, reported);
            }
        }
    }

    private static void CheckBlock(DeploymentContext ctx, NginxNode block, NginxNode server, string socket, IReadOnlyList<IPNetwork> sources, string from, string hs, string reach,
        RelatedLocation[] related, HashSet<SourceLocation> reported)
    {
        var rules = AccessRules(block);
        var first = rules.FirstOrDefault(r => r.Arg(0) == "all" || (Network(r.Arg(0)) is { } net && sources.Any(s => Overlaps(s, net))));
        var stub = block.Own("stub_status");
        var what = stub is not null ? "the status page (stub_status)" : block == server ? $"server {ServerName(server, socket)}" : $"location '{string.Join(' ', block.Args)}' of server {ServerName(server, socket)}";
        var auth = HasAuth(block);
        var satisfyAny = NginxConfig.Effective(block, "satisfy")?.Arg(0).Equals("any", StringComparison.OrdinalIgnoreCase) == true;
        if (first is { Name: "allow" } && first.Arg(0) != "all" && rules.Any(r => r.Name == "deny"))
        {
            if (auth && !satisfyAny)
            {
                // 'satisfy all' (the default): the password is still asked for.
                return;
            }

            if (reported.Add(first.Location))
            {
                var bypass = auth ? " without the password ('satisfy any' lets the address alone in)" : string.Empty;
                ctx.Report(first.Location,
                    $"'{first.Text}' admits {from}, the address {reach} arrives from through {hs}: {what} is open to them{bypass}. Require authentication under 'satisfy all', or serve it on a socket tor does not forward to.",
                    related: related);
            }

            return;
        }

        if (stub is not null && (first is null || (first.Name == "allow" && first.Arg(0) == "all")) && reported.Add(stub.Location))
        {
            ctx.Report(stub.Location,
                $"'{stub.Text}' serves the status page to {reach}, who reach this server through {hs}: connection counts reveal activity and timing that help correlate the onion service with its host. Remove it from the server tor forwards to, or serve it on a socket tor does not reach.",
                related: related);
        }
    }

    /// <summary>
    /// A squid that answers a forward (its <c>http_port</c> is the target port): the first <c>http_access</c> line that
    /// decides for tor's address on source ACLs alone. An allow there (<c>allow localhost</c>) opens the proxy to every
    /// onion visitor.
    /// </summary>
    private static void CheckSquid(DeploymentContext ctx, HashSet<SourceLocation> reported)
    {
        foreach (var forward in Resolved(ctx.Deployment))
        {
            if (forward.Answering is not { Option: "http_port" } listener)
            {
                continue;
            }

            var sources = VisitorSources(forward);
            foreach (var daemon in ctx.Deployment.DaemonsOf(forward.Backend!).Where(d => d.Squid is not null && d.Listeners.Contains(listener)))
            {
                var config = daemon.Squid!;
                foreach (var rule in config.AccessList("http_access"))
                {
                    var decides = rule.Acls.Length > 0 && rule.Acls.All(r => !r.Negated && config.Acl(r.Name) is { Type: "src", HasUnknownValues: false } acl
                        && acl.Values.Any(v => v == "all" || (Network(v) is { } net && sources.Any(src => Overlaps(src, net)))));
                    if (!decides)
                    {
                        continue;
                    }

                    if (rule.Allow && rule.Acls.All(r => r.Name != "all") && reported.Add(rule.Line.Location))
                    {
                        ctx.Report(rule.Line.Location,
                            $"'{rule.Line.Text}' admits {DescribeSources(forward, sources)}, the address every onion visitor arrives from through {Describe(forward)}: the proxy is open to the whole Tor network. Require proxy authentication, or do not forward an onion port to this squid.",
                            related: [HsRelated(forward), new RelatedLocation(forward.Backend!.NameLocation, $"Compose service '{forward.Backend!.Name}' runs this squid.")]);
                    }

                    break;
                }
            }
        }
    }

    /// <summary>
    /// A <c>geo</c> or <c>map</c> of <c>$remote_addr</c> that gives tor's address its own value, when the onion-reached
    /// server uses the variable: the flag is set for every visitor.
    /// </summary>
    private static void CheckAddressVariables(DeploymentContext ctx, NginxConfig config, NginxNode server, string socket, IReadOnlyList<IPNetwork> sources, string from, string hs, string reach,
        RelatedLocation[] related, HashSet<SourceLocation> reported)
    {
        var used = server.Descendants().Prepend(server).SelectMany(n => n.Args.SelectMany(NginxFacts.Variables).Select(v => (Variable: v, Node: n)))
            .GroupBy(u => u.Variable).ToDictionary(g => g.Key, g => g.First().Node, StringComparer.Ordinal);
        foreach (var block in config.All.Where(n => n.Name is "geo" or "map" && n.IsBlock && n.Directive?.Block is not null))
        {
            var (source, variable) = block.Name == "geo"
                ? block.Args.Count == 1 ? ("$remote_addr", block.Arg(0)) : (block.Arg(0), block.Arg(1))
                : (block.Arg(0), block.Arg(1));
            if (source is not ("$remote_addr" or "$binary_remote_addr" or "$realip_remote_addr") || !used.TryGetValue(variable.TrimStart('$'), out var use))
            {
                continue;
            }

            if (block.Name == "geo" && block.Children.Any(c => c.Name == "ranges"))
            {
                continue;
            }

            var fallback = block.Directives("default").LastOrDefault()?.Arg(0) ?? string.Empty;
            foreach (var entry in block.Children.Where(c => !DataKeywords.Contains(c.Name) && c.Arg(0) != fallback))
            {
                if (!EntryMatches(block.Name, entry.Name, sources) || !reported.Add(entry.NameLocation))
                {
                    continue;
                }

                ctx.Report(entry.NameLocation,
                    $"'{block.Text}' sets {variable} to '{entry.Arg(0)}' for {entry.Name}, which covers {from}, the address {reach} arrives from through {hs}; server {ServerName(server, socket)} uses {variable} ('{use.Text}', {At(use.Location)}), so every onion visitor gets the trusted value. Key the decision on something tor does not supply for every visitor (authentication).",
                    related: [.. related, new RelatedLocation(use.Location, $"'{use.Text}' uses {variable}.")]);
            }
        }
    }

    private static bool EntryMatches(string kind, string key, IReadOnlyList<IPNetwork> sources)
    {
        if (kind == "map" && key.StartsWith('~'))
        {
            var pattern = key.StartsWith("~*", StringComparison.Ordinal) ? key[2..] : key[1..];
            try
            {
                var regex = new Regex(pattern, RegexOptions.CultureInvariant | (key.StartsWith("~*", StringComparison.Ordinal) ? RegexOptions.IgnoreCase : RegexOptions.None), TimeSpan.FromMilliseconds(100));
                return Samples(sources).Any(regex.IsMatch);
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (RegexMatchTimeoutException)
            {
                return false;
            }
        }

        return Network(key) is { } net && sources.Any(s => Overlaps(s, net) && (kind == "geo" || net.PrefixLength == (net.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)));
    }

    /// <summary>Addresses tor's connections can come from, as text for a map regex: the exact one, or typical Docker ones.</summary>
    private static IEnumerable<string> Samples(IReadOnlyList<IPNetwork> sources) =>
        sources.All(s => s.PrefixLength is 32 or 128) ? sources.Select(s => s.BaseAddress.ToString()) : ["172.17.0.2", "172.18.0.3", "172.20.0.2", "192.168.0.2"];

    /// <summary>The allow/deny rules in effect at a block: its own, else the nearest enclosing level's (all or nothing, as ngx_http_access_module merges).</summary>
    private static IReadOnlyList<NginxNode> AccessRules(NginxNode block)
    {
        for (NginxNode? n = block; n is not null; n = n.Parent ?? n.Outer)
        {
            var own = n.Children.Where(c => c.Name is "allow" or "deny").ToList();
            if (own.Count > 0)
            {
                return own;
            }
        }

        return [];
    }

    private static bool HasAuth(NginxNode block) =>
        new[] { "auth_basic", "auth_request", "auth_jwt" }.Any(name => NginxConfig.Effective(block, name) is { } d && !d.Arg(0).Equals("off", StringComparison.OrdinalIgnoreCase));

    private static string ServerName(NginxNode server, string socket) =>
        server.Directives("server_name").SelectMany(n => n.Args).FirstOrDefault(n => n.Length > 0 && n != "_") is { } name ? $"'{name}'" : $"on {socket}";
}

using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Squid;

namespace ConfigLint.Rules.Squid;

/// <summary>Shared reasoning for the SQD rules: the clients to evaluate, allow paths, header stripping, cloud evidence.</summary>
internal static class SquidFacts
{
    /// <summary>One abstract Internet client per forward-proxy port and address family (squid's default 3128 when no port line exists).</summary>
    public static IEnumerable<SquidClient> InternetClients(SquidConfig config)
    {
        var ports = config.Ports.Length == 0 ? [null] : config.ForwardPorts.Select(p => (SquidPort?)p).ToList();
        foreach (var port in ports)
        {
            yield return new SquidClient(Ipv6: false, port);
            yield return new SquidClient(Ipv6: true, port);
        }
    }

    /// <summary>The first Internet client the http_access list lets through, with the outcome; null when the proxy is closed.</summary>
    public static (SquidClient Client, SquidAccessOutcome Outcome)? OpenProxy(SquidConfig config)
    {
        if (!config.IsForwardProxy)
        {
            return null;
        }

        var rules = config.AccessList("http_access");
        if (rules.Count == 0)
        {
            return null;
        }

        foreach (var client in InternetClients(config))
        {
            var outcome = SquidAccess.Evaluate(config, rules, client);
            if (outcome.Allowed)
            {
                return (client, outcome);
            }
        }

        return null;
    }

    /// <summary>The http_access lines that can still run (not after an <c>… all</c> line).</summary>
    public static List<SquidAccessRule> LiveRules(SquidConfig config)
    {
        var rules = config.AccessList("http_access");
        var dead = SquidAccess.DeadRules(config, rules).ToHashSet();
        return [.. rules.Where(r => !dead.Contains(r))];
    }

    /// <summary>
    /// Where requests can be allowed: the first live allow line (null <c>Rule</c> for an implicit allow, when the
    /// list ends with a deny that does not match everything). Null when nothing is ever allowed.
    /// </summary>
    public static (bool Exists, SquidAccessRule? FirstAllow, int Index) AllowPath(SquidConfig config, Func<SquidAccessRule, bool>? exempt = null)
    {
        var live = LiveRules(config);
        for (var i = 0; i < live.Count; i++)
        {
            if (live[i].Allow && (exempt is null || !exempt(live[i])))
            {
                return (true, live[i], i);
            }
        }

        var all = config.AccessList("http_access");
        if (all.Count > 0 && !all[^1].Allow && !SquidAccess.IsUniversal(config, all[^1]) && live.Count == all.Count)
        {
            return (true, null, live.Count);
        }

        return (false, null, -1);
    }

    /// <summary>The cache manager's own line: <c>http_access allow localhost manager</c>.</summary>
    public static bool IsLocalManagerAllow(SquidAccessRule rule) =>
        rule.Allow && rule.Acls.Any(a => a.Name == "manager" && !a.Negated) && rule.Acls.Any(a => a.Name == "localhost" && !a.Negated);

    /// <summary>Whether an access line names an ACL of one of the given types (not negated).</summary>
    public static bool Uses(SquidConfig config, SquidAccessRule rule, params string[] types) =>
        rule.Acls.Any(a => !a.Negated && config.Acl(a.Name) is { } acl && types.Contains(acl.Type));

    public static readonly string[] DestinationListTypes = ["dstdomain", "dstdom_regex", "dst", "url_regex", "ssl::server_name", "ssl::server_name_regex"];

    /// <summary>Whether a header is removed for every request (or reply): <c>…_header_access Header deny all</c> (or <c>All</c>).</summary>
    public static SquidHeaderAccess? StripLine(SquidConfig config, string header, bool request) =>
        config.HeaderAccess.FirstOrDefault(h => h.Request == request && !h.Allow
            && (h.Header.Equals(header, StringComparison.OrdinalIgnoreCase) || h.Header == "All")
            && h.Acls.Length > 0 && h.Acls.All(a => !a.Negated && config.Acl(a.Name) is { } acl && acl.Values.Any(v => v == "all" || SquidAccess.CoversFamily(v, false))));

    /// <summary>A scalar directive's effective value (last one wins) or its documented default.</summary>
    public static (string Value, SquidLine? Line) Scalar(SquidConfig config, string name, string defaultValue) =>
        config.Last(name) is { } line ? (line.Arg(0), line) : (defaultValue, null);

    /// <summary>Evidence that squid runs on a cloud host with a metadata endpoint at 169.254.169.254 / 169.254.170.2.</summary>
    public static string? CloudEvidence(Deployment deployment, SquidConfig config)
    {
        if (config.Ports.FirstOrDefault(p => p.Has("require-proxy-header")) is { } proxied)
        {
            return $"'{proxied.Line.Text}' takes connections through a PROXY-protocol load balancer (a cloud NLB, as on ECS)";
        }

        foreach (var model in deployment.Dockerfiles)
        {
            foreach (var stage in model.Stages)
            {
                var image = stage.BaseImage.ToLowerInvariant();
                if (image.StartsWith("public.ecr.aws/", StringComparison.Ordinal) || image.Contains(".dkr.ecr.", StringComparison.Ordinal) || image.StartsWith("amazonlinux", StringComparison.Ordinal))
                {
                    return $"the image builds on '{stage.BaseImage}' (AWS)";
                }
            }
        }

        return null;
    }

    public static string Describe(SquidClient client) =>
        $"{(client.Ipv6 ? "IPv6" : "IPv4")} clients on {(client.Port is null ? "the default port 3128" : $"'{client.Port.Line.Text}'")}";
}

/// <summary>Fixes on squid.conf lines: whole lines inserted next to a directive, or a directive's value replaced.</summary>
internal static class SquidFixes
{
    public static TextEdit Before(SquidLine line, params string[] lines) => Edits.InsertLinesBefore(line.Tree, line.Directive.Span.Start, lines);

    public static TextEdit After(SquidLine line, params string[] lines) => Edits.InsertLinesAfter(line.Tree, line.Directive.Span, lines);

    /// <summary>Appends lines to the main squid.conf (the last word on a directive whose last line wins).</summary>
    public static TextEdit Append(SquidConfig config, params string[] lines) => Edits.AppendLines(config.Main, lines);

    /// <summary>Replaces the arguments of a one-value directive (<c>via on</c> → <c>via off</c>).</summary>
    public static TextEdit? SetValue(SquidLine line, string value) =>
        line.Args.Length == 1 && !line.QuotedValues ? Edits.Replace(line.Tree, line.Args[0].Span, value) : null;

    /// <summary>Sets a one-value directive: rewrites its last line, or appends one.</summary>
    public static TextEdit Set(SquidConfig config, SquidLine? line, string name, string value) =>
        line is null ? Append(config, $"{name} {value}") : SetValue(line, value) ?? After(line, $"{name} {value}");
}

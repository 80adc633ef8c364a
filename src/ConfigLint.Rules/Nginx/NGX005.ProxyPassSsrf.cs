using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX005. Docs: rules/nginx/NGX005.proxy-pass-ssrf/README.md</summary>
public sealed class ProxyPassSsrf : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX005", "proxy-pass-ssrf",
        "Do not build proxy_pass's scheme or host from request data.", Language.Nginx, DiagnosticLevel.Error, 8.6, FixClass.None, "security", "CWE-918");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var pass in ctx.Config.All.Where(n => n.Name is "proxy_pass" or "grpc_pass" or "uwsgi_pass" or "fastcgi_pass" && n.Args.Count == 1))
        {
            if (pass.Ancestors().Any(a => a.Name == "location" && a.Own("internal") is not null))
            {
                continue;
            }

            var url = pass.Arg(0);
            var scheme = url.IndexOf("://", StringComparison.Ordinal);
            var hostStart = scheme < 0 ? 0 : scheme + 3;
            var slash = url.IndexOf('/', hostStart);
            var hostPart = slash < 0 ? url : url[..slash];
            foreach (var variable in NginxFacts.Variables(hostPart))
            {
                if (Taint(pass, variable, 0) is { } source)
                {
                    ctx.Report(pass.Location,
                        $"'{pass.Text}' takes its upstream {(hostStart > 0 ? "host" : "scheme and host")} from ${variable}, which {source}: a client can make nginx connect to any host, internal services and cloud metadata included. Proxy to fixed upstreams (a map with a default) instead.");
                    break;
                }
            }
        }
    }

    /// <summary>Where a variable's value comes from when a client controls it, or null.</summary>
    /// <remarks>
    /// <paramref name="visited"/> holds the (level, variable) pairs already followed, all of which led nowhere: a
    /// <c>set</c> naming the same variable many times over several levels is followed once, not once per path.
    /// </remarks>
    internal static string? Taint(NginxNode at, string variable, int depth, HashSet<(NginxNode, string)>? visited = null)
    {
        visited ??= [];
        if (depth > 8 || !visited.Add((at, variable)))
        {
            return null;
        }

        if (variable.StartsWith("arg_", StringComparison.Ordinal) || variable is "args" or "query_string")
        {
            return "comes from the query string";
        }

        if (variable.StartsWith("http_", StringComparison.Ordinal) || variable.StartsWith("cookie_", StringComparison.Ordinal))
        {
            return "comes from a request header";
        }

        // $uri, $document_uri and $request_uri always start with '/', so they cannot change the host.
        if (NginxFacts.CaptureOf(at, variable) is { } group)
        {
            return !group.StartsWith('/') ? $"is captured from the request path by '{NginxFacts.GoverningRegex(at)}'" : null;
        }

        if (NginxFacts.SetOf(at, variable) is { } set)
        {
            foreach (var inner in NginxFacts.Variables(set.Arg(1)))
            {
                if (Taint(set, inner, depth + 1, visited) is { } source)
                {
                    return $"is set from ${inner}, which {source}";
                }
            }
        }

        return null;
    }
}

using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX007. Docs: rules/nginx/NGX007.http-splitting/README.md</summary>
public sealed class HttpSplitting : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX007", "http-splitting",
        "Do not put decoded URI parts into headers, redirects or upstream requests.", Language.Nginx, DiagnosticLevel.Error, 7.2, FixClass.None, "security", "CWE-113");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var node in ctx.Config.All.Where(n => n.Name is "rewrite" or "return" or "add_header" or "proxy_set_header" or "proxy_pass"))
        {
            // The value that ends up in a header or request line.
            var values = node.Name switch
            {
                "rewrite" => node.Args.Skip(1).Take(1),
                "return" => node.Args.Count >= 2 ? node.Args.Skip(1).Take(1) : node.Args.Where(a => !a.All(char.IsAsciiDigit)),
                "add_header" or "proxy_set_header" => node.Args.Skip(1).Take(1),
                _ => node.Args.Take(1),
            };
            foreach (var value in values)
            {
                var bad = NginxFacts.Variables(value).FirstOrDefault(v => CanCarryNewline(node, v));
                if (bad is not null)
                {
                    ctx.Report(node.Location,
                        $"'{node.Text}' uses ${bad}, which is decoded from the request and can contain a line break (%0d%0a): a client can inject headers or split the {(node.Name.StartsWith("proxy_", StringComparison.Ordinal) ? "request to the upstream" : "response")}. Use $request_uri (not decoded) or a capture that excludes line breaks.");
                    break;
                }
            }
        }
    }

    /// <remarks>Each (level, variable) pair is followed once (<paramref name="visited"/>), however many paths lead to it.</remarks>
    private static bool CanCarryNewline(Semantics.Nginx.NginxNode node, string variable, int depth = 0, HashSet<(Semantics.Nginx.NginxNode, string)>? visited = null)
    {
        visited ??= [];
        if (!visited.Add((node, variable)))
        {
            return false;
        }

        if (variable is "uri" or "document_uri")
        {
            return true;
        }

        // nginx escapes captures it substitutes into a rewrite target, so only $uri-like variables matter there.
        var carriageReturn = !node.Name.StartsWith("proxy_", StringComparison.Ordinal);
        if (node.Name != "rewrite" && NginxFacts.CaptureOf(node, variable) is { } group)
        {
            return NginxFacts.CanMatchNewline(group, carriageReturn);
        }

        return depth < 8 && NginxFacts.SetOf(node, variable) is { } set
            && NginxFacts.Variables(set.Arg(1)).Any(inner => CanCarryNewline(set, inner, depth + 1, visited));
    }
}

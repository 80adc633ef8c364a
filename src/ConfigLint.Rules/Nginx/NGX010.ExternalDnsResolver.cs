using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX010. Docs: rules/nginx/NGX010.external-dns-resolver/README.md</summary>
public sealed class ExternalDnsResolver : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX010", "external-dns-resolver",
        "Resolve through a local or private resolver, not a public one.", Language.Nginx, DiagnosticLevel.Warning, 5.9, FixClass.None, "security", "CWE-350");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        var onion = NginxFacts.OnionBackend(ctx.Deployment, ctx.Config);
        foreach (var line in ctx.Config.Named("resolver"))
        {
            var addresses = line.Args.Where(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => a.StartsWith('[') ? a[..(a.IndexOf(']') + 1)] : a.Split(':')[0]);
            var external = addresses.FirstOrDefault(a => NetAddress.Classify(a) == AddressScope.Public);
            if (external is null)
            {
                continue;
            }

            if (onion is not null)
            {
                ctx.Report(line.Location,
                    $"'{line.Text}' sends DNS queries to the public resolver {external}: spoofed answers can redirect proxied requests, and this nginx is the onion backend '{onion.Name}', so the queries reveal which hosts the hidden server contacts, from its real address. Use Docker's resolver 'resolver 127.0.0.11 valid=30s;' or a local one.",
                    DiagnosticLevel.Error, 7.5, NginxFacts.OnionEvidence(ctx.Deployment, onion));
            }
            else
            {
                ctx.Report(line.Location,
                    $"'{line.Text}' sends DNS queries to the public resolver {external} over the Internet: spoofed answers can redirect proxied requests to arbitrary upstreams. Use a local or private resolver ('resolver 127.0.0.11 valid=30s;' inside Docker).");
            }
        }
    }
}

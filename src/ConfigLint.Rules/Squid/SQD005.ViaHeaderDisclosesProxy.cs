using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD005. Docs: rules/squid/SQD005.via-header-discloses-proxy/README.md</summary>
public sealed class ViaHeaderDisclosesProxy : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD005", "via-header-discloses-proxy",
        "Turn the Via header off, or strip it from requests and replies.", Language.Squid, DiagnosticLevel.Warning, 5.3, FixClass.Conditional, "security", "privacy", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var (via, viaLine) = SquidFacts.Scalar(config, "via", "on");
        if (via == "off")
        {
            return;
        }

        var location = viaLine?.Location ?? config.FileStart;
        var obsolete = config["header_access"].FirstOrDefault();
        var obsoleteHint = obsolete is null ? string.Empty : $" '{obsolete.Text}' does not help: header_access was removed in squid 3.0, and squid ignores it.";
        var request = SquidFacts.StripLine(config, "Via", request: true);
        if (request is null)
        {
            ctx.Report(location,
                $"{(viaLine is null ? "'via' is not set, so it is on:" : $"'{viaLine.Text}':")} every forwarded request and every reply carries 'Via: 1.1 <hostname> (squid/<version>)', telling sites a proxy is in the way and which one. Set 'via off' (or strip Via with request_header_access and reply_header_access).{obsoleteHint}",
                fix: config.CachePeers.Length == 0
                    ? Fix.Safe("set 'via off'", SquidFixes.Set(config, viaLine, "via", "off"))
                    : Fix.Safe("strip Via from requests and replies (via stays on: it detects forwarding loops between cache peers)",
                        SquidFixes.Append(config, "request_header_access Via deny all", "reply_header_access Via deny all", "reply_header_access X-Cache deny all", "reply_header_access X-Cache-Lookup deny all")));
            return;
        }

        var missing = new[] { "Via", "X-Cache", "X-Cache-Lookup" }.Where(h => SquidFacts.StripLine(config, h, request: false) is null).ToList();
        if (missing.Count > 0)
        {
            ctx.Report(request.Line.Location,
                $"'{request.Line.Text}' strips Via from requests only: replies still carry {string.Join(", ", missing)} headers naming this proxy and its hostname. Add {string.Join(" and ", missing.Select(h => $"'reply_header_access {h} deny all'"))}, or set 'via off'.",
                DiagnosticLevel.Note, 2.5,
                fix: Fix.Safe($"add {string.Join(" and ", missing.Select(h => $"'reply_header_access {h} deny all'"))}",
                    SquidFixes.After(request.Line, [.. missing.Select(h => $"reply_header_access {h} deny all")])));
        }
    }
}

using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD011. Docs: rules/squid/SQD011.anonymizing-parent-without-never-direct/README.md</summary>
public sealed partial class AnonymizingParentWithoutNeverDirect : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD011", "anonymizing-parent-without-never-direct",
        "Add 'never_direct allow all' when the parent is Tor or another anonymizer.", Language.Squid, DiagnosticLevel.Error, 7.5, FixClass.Conditional, "security", "privacy", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var parents = config.CachePeers.Where(p => p.IsParent && !p.Options.Contains("originserver")).ToList();
        if (parents.Count == 0 || config.AccessList("never_direct").Any(r => r.Allow && SquidAccess.IsUniversal(config, r)))
        {
            return;
        }

        var anonymizer = parents.Select(p => (Peer: p, Why: Anonymizer(ctx, p))).FirstOrDefault(x => x.Why is not null);
        if (anonymizer.Why is null)
        {
            ctx.Report(parents[0].Line.Location,
                $"'{parents[0].Line.Text}' is a parent, but without 'never_direct allow all' squid goes DIRECT whenever the parent is down or not selected. If the parent is meant to carry all traffic, add 'never_direct allow all'.",
                DiagnosticLevel.Note, 2.0, fix: Fix.Unsafe("append 'never_direct allow all'", SquidFixes.Append(config, "never_direct allow all")));
            return;
        }

        ctx.Report(anonymizer.Peer.Line.Location,
            $"'{anonymizer.Peer.Line.Text}' sends traffic through {anonymizer.Why}, but there is no 'never_direct allow all': when the parent is down or not selected, squid fetches DIRECT from the real IP address. Add 'never_direct allow all'.",
            fix: Fix.Safe("append 'never_direct allow all'", SquidFixes.Append(config, "never_direct allow all")));

        foreach (var acl in config.Acls.Values.Where(a => a.Type == "dst" && !a.Predefined))
        {
            var line = acl.FirstLine!;
            ctx.Report(line.Location,
                $"'{line.Text}' is a dst ACL: to match it squid resolves destination names itself, so DNS queries leave outside the anonymizer. Prefer dstdomain.",
                DiagnosticLevel.Note, 3.1);
        }
    }

    /// <summary>Why a parent is an anonymizer: a tor HTTPTunnelPort, Privoxy's port, a tor service name.</summary>
    private static string? Anonymizer(SquidConfigContext ctx, SquidCachePeer peer)
    {
        if (peer.HttpPort is { } port)
        {
            foreach (var config in ctx.Deployment.TorConfigs)
            {
                foreach (var line in config.Lines.Where(l => l.Name == "HTTPTunnelPort"))
                {
                    if (line.Value.Split(' ')[0].EndsWith(port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))
                    {
                        return $"tor's HTTPTunnelPort ({line.Tree.Path})";
                    }
                }
            }

            if (port == 8118)
            {
                return "Privoxy (port 8118), usually chained to Tor";
            }
        }

        foreach (var service in ctx.Deployment.ComposeProjects.SelectMany(p => p.Services))
        {
            if (service.HostNames.Contains(peer.Host, StringComparer.OrdinalIgnoreCase) && ctx.Deployment.TorConfigsOf(service).Length > 0)
            {
                return $"the tor service '{service.Name}'";
            }
        }

        if (TorName().IsMatch(peer.Host) || TorName().IsMatch(peer.Name))
        {
            return $"'{peer.Host}', by its name a Tor proxy";
        }

        return peer.Host.Contains("privoxy", StringComparison.OrdinalIgnoreCase) ? $"'{peer.Host}', by its name Privoxy" : null;
    }

    [GeneratedRegex(@"(^|[^a-z])tor([^a-z]|proxy|$)", RegexOptions.IgnoreCase)]
    private static partial Regex TorName();
}

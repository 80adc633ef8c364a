using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD004. Docs: rules/squid/SQD004.cache-manager-exposed/README.md</summary>
public sealed class CacheManagerExposed : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD004", "cache-manager-exposed",
        "Keep the cache manager and the SNMP/ICP/HTCP ports to trusted hosts.", Language.Squid, DiagnosticLevel.Warning, 6.5, FixClass.Safe, "security", "CWE-200");

    /// <summary>cachemgr actions that change squid or reveal its configuration (marked with * in the manager menu).</summary>
    private static readonly HashSet<string> ProtectedActions = new(StringComparer.Ordinal) { "all", "config", "reconfigure", "shutdown", "offline_toggle", "rotate" };

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var live = SquidFacts.LiveRules(config);
        var reported = false;
        foreach (var rule in live.Where(r => r.Allow && r.Acls.Any(a => a.Name == "manager" && !a.Negated) && !r.Acls.Any(a => a.Name == "localhost" && !a.Negated)))
        {
            ctx.Report(rule.Line.Location,
                $"'{rule.Line.Text}' opens the cache manager to clients other than localhost: its reports list client addresses (client_list), the configuration and internal state, most without a password. Allow 'localhost manager' only.");
            reported = true;
        }

        if (!reported && config.IsForwardProxy)
        {
            // Manager URLs travel through ordinary allows until 'http_access deny manager'.
            foreach (var rule in live)
            {
                if (!rule.Allow && rule.Acls.Length == 1 && rule.Acls[0] is { Name: "manager", Negated: false })
                {
                    break;
                }

                if (!rule.Allow || rule.Acls.Any(a => a.Name is "localhost" or "manager")
                    || SquidFacts.Uses(config, rule, SquidFacts.DestinationListTypes) || SquidFacts.Uses(config, rule, "myportname", "myport", "localport"))
                {
                    continue;
                }

                ctx.Report(rule.Line.Location,
                    $"'{rule.Line.Text}' comes before any 'http_access deny manager', so the clients it allows can also open the cache manager (client list, configuration, internal state). Add 'http_access deny manager' before it.",
                    fix: DenyManagerBefore(live, rule));
                break;
            }
        }

        foreach (var line in config["cachemgr_passwd"])
        {
            if (line.Arg(0) != "none")
            {
                continue;
            }

            var action = line.Args.Skip(1).FirstOrDefault(a => ProtectedActions.Contains(a.Value));
            if (action is not null)
            {
                ctx.Report(line.At(action),
                    $"'cachemgr_passwd none {action.Value}' lets anyone who reaches the cache manager run '{action.Value}' without a password; set a password for the protected actions or 'disable' them.");
            }
        }

        foreach (var (port, access, what) in new[] { ("snmp_port", "snmp_access", "SNMP"), ("icp_port", "icp_access", "ICP"), ("htcp_port", "htcp_access", "HTCP") })
        {
            if (config.Last(port) is not { } portLine || portLine.Arg(0) is "0" or "")
            {
                continue;
            }

            var open = config.AccessList(access).FirstOrDefault(r => r.Allow && SquidAccess.IsUniversal(config, r));
            if (open is not null)
            {
                ctx.Report(open.Line.Location,
                    $"'{open.Line.Text}' answers {what} queries on {port} {portLine.Arg(0)} from any address: cache contents and statistics can be probed. Allow only the peers or monitoring hosts that need it.",
                    DiagnosticLevel.Warning, 5.3);
            }
        }
    }

    /// <summary>
    /// 'http_access deny manager' before the broad allow. When a localhost-manager allow comes later, the deny would cut
    /// it off, so that allow is repeated above the deny; moving an allow up could let through what a deny between them
    /// refused, so that variant is unsafe.
    /// </summary>
    private static Fix DenyManagerBefore(List<SquidAccessRule> live, SquidAccessRule broad)
    {
        var laterManagerAllows = live.SkipWhile(r => r != broad).Where(r => r.Allow && r.Acls.Any(a => a is { Name: "manager", Negated: false })).ToList();
        if (laterManagerAllows.Count == 0)
        {
            return Fix.Safe($"insert 'http_access deny manager' before '{broad.Line.Text}'", SquidFixes.Before(broad.Line, "http_access deny manager"));
        }

        return Fix.Unsafe($"insert '{laterManagerAllows[0].Line.Text}' and 'http_access deny manager' before '{broad.Line.Text}'",
            SquidFixes.Before(broad.Line, [.. laterManagerAllows.Select(r => r.Line.Text), "http_access deny manager"]));
    }
}

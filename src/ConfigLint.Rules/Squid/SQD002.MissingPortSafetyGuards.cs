using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD002. Docs: rules/squid/SQD002.missing-port-safety-guards/README.md</summary>
public sealed class MissingPortSafetyGuards : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD002", "missing-port-safety-guards",
        "Deny unsafe ports and CONNECT to non-SSL ports before any allow.", Language.Squid, DiagnosticLevel.Warning, 6.5, FixClass.Conditional, "security", "CWE-441");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.IsForwardProxy)
        {
            return;
        }

        var (level, score, open) = SquidFacts.OpenProxy(config) is null
            ? (DiagnosticLevel.Warning, 6.5, string.Empty)
            : (DiagnosticLevel.Error, 8.2, " The proxy is also open (SQD001), so anyone can tunnel through it.");

        var live = SquidFacts.LiveRules(config);
        var safePorts = false;
        var sslPorts = false;
        string? connectPortsAcl = null;
        SquidAccessRule? offender = null;
        foreach (var rule in live)
        {
            if (!rule.Allow)
            {
                safePorts |= IsSafePortsGuard(config, rule);
                if (ConnectGuardPortAcl(config, rule) is { } acl)
                {
                    sslPorts = true;
                    connectPortsAcl ??= acl;
                }

                continue;
            }

            if (safePorts && sslPorts)
            {
                break;
            }

            if (SquidFacts.IsLocalManagerAllow(rule)
                || (SquidFacts.Uses(config, rule, SquidFacts.DestinationListTypes) && SquidFacts.Uses(config, rule, "port")))
            {
                continue;
            }

            offender = rule;
            break;
        }

        var missing = (safePorts, sslPorts) switch
        {
            (false, false) => "'http_access deny !Safe_ports' and 'http_access deny CONNECT !SSL_ports'",
            (false, true) => "'http_access deny !Safe_ports'",
            (true, false) => "'http_access deny CONNECT !SSL_ports'",
            _ => null,
        };
        if (missing is not null)
        {
            if (offender is not null)
            {
                // An ACL the guards need that is defined only after this allow: no fix (see DefinedTooLate); the
                // related location says why and where.
                var late = DefinedTooLate(config, offender, safePorts, sslPorts);
                var related = late.Select(acl => new RelatedLocation(acl.FirstLine!.Location,
                    $"'{acl.Name}' is first defined here, after the allow; squid refuses an ACL used before its definition, so move the definition above the first allow, then add the guards.")).ToList();
                ctx.Report(offender.Line.Location,
                    $"'{offender.Line.Text}' allows requests before {missing}: clients can reach any port through this proxy, and CONNECT tunnels to SSH, SMTP and other TCP services. Put the two guards before the first allow.{open}",
                    level, score, related: related, fix: late.Count == 0 ? GuardsFix(config, offender, safePorts, sslPorts) : null);
            }
            else if (SquidFacts.AllowPath(config) is { Exists: true, FirstAllow: null })
            {
                var last = config.AccessList("http_access")[^1];
                ctx.Report(last.Line.Location,
                    $"The list ends with a deny, so everything else is allowed, and {missing} is missing: clients can reach any port and CONNECT to any TCP service.{open}",
                    level, score);
            }
        }

        // SSL_ports widened to SSH/SMTP or to every port.
        foreach (var name in new[] { connectPortsAcl, "SSL_ports" }.OfType<string>().Distinct())
        {
            if (config.Acl(name) is not { Type: "port" } acl)
            {
                continue;
            }

            foreach (var (line, values) in acl.Definitions)
            {
                var wide = values.FirstOrDefault(v => SquidAccess.PortRangeContains(v.Value, 22) || SquidAccess.PortRangeContains(v.Value, 25));
                if (wide is not null)
                {
                    ctx.Report(line.At(wide),
                        $"'{line.Text}' lets CONNECT tunnel to port {(SquidAccess.PortRangeContains(wide.Value, 22) ? 22 : 25)} ({(SquidAccess.PortRangeContains(wide.Value, 22) ? "SSH" : "SMTP")}) and other non-TLS services; keep '{name}' to 443 and the TLS ports you need.",
                        level, score);
                }
            }
        }
    }

    /// <summary><c>http_access deny !Safe_ports</c>: a deny whose only ACL is a negated port list.</summary>
    private static bool IsSafePortsGuard(SquidConfig config, SquidAccessRule rule) =>
        rule.Acls.Length == 1 && rule.Acls[0].Negated && config.Acl(rule.Acls[0].Name) is { Type: "port" };

    /// <summary><c>http_access deny CONNECT !SSL_ports</c>: returns the port ACL's name.</summary>
    private static string? ConnectGuardPortAcl(SquidConfig config, SquidAccessRule rule)
    {
        if (rule.Acls.Length != 2)
        {
            return null;
        }

        var method = rule.Acls.FirstOrDefault(a => !a.Negated && config.Acl(a.Name) is { Type: "method" } m && m.Values.Contains("CONNECT"));
        var ports = rule.Acls.FirstOrDefault(a => a.Negated && config.Acl(a.Name) is { Type: "port" });
        return method is not null && ports is not null ? ports.Name : null;
    }

    /// <summary>
    /// The ACLs the missing guards need that the configuration defines only after the first allow: squid stops with
    /// "Bungled … line" on an ACL used before its first definition, so the guards cannot go before the allow, and
    /// defining the ACL there too would add squid's default ports to the operator's own list (same-type
    /// definitions append). No fix is offered then.
    /// </summary>
    private static List<SquidAcl> DefinedTooLate(SquidConfig config, SquidAccessRule firstAllow, bool safePorts, bool sslPorts)
    {
        var needed = new List<string>();
        if (!safePorts)
        {
            needed.Add("Safe_ports");
        }

        if (!sslPorts)
        {
            needed.AddRange(["SSL_ports", "CONNECT"]);
        }

        return needed.Select(config.Acl)
            .Where(acl => acl is { Predefined: false, FirstLine: { } first } && first.Index > firstAllow.Line.Index)
            .Select(acl => acl!)
            .OrderBy(acl => acl.FirstLine!.Index)
            .ToList();
    }

    /// <summary>
    /// The missing guards (and squid's default Safe_ports/SSL_ports/CONNECT ACLs when the configuration does not define
    /// them) before the first allow. Unsafe: a rule may intentionally CONNECT to ports other than 443, which ConfigLint
    /// cannot know.
    /// </summary>
    private static Fix GuardsFix(SquidConfig config, SquidAccessRule firstAllow, bool safePorts, bool sslPorts)
    {
        // Defined by the configuration, or predefined by squid (CONNECT) and also written out before the allow: a
        // second 'acl CONNECT method CONNECT' would only repeat the operator's own line.
        bool Defined(SquidConfig config, string name) => config.Acl(name) is { } acl
            && (!acl.Predefined || acl.Definitions.Any(d => d.Line.Index < firstAllow.Line.Index));
        var lines = new List<string>();
        if (!safePorts && !Defined(config, "Safe_ports"))
        {
            lines.Add("acl Safe_ports port 80 21 443 70 210 1025-65535 280 488 591 777");
        }

        if (!sslPorts && !Defined(config, "SSL_ports"))
        {
            lines.Add("acl SSL_ports port 443");
        }

        if (!sslPorts && !Defined(config, "CONNECT"))
        {
            lines.Add("acl CONNECT method CONNECT");
        }

        if (!safePorts)
        {
            lines.Add("http_access deny !Safe_ports");
        }

        if (!sslPorts)
        {
            lines.Add("http_access deny CONNECT !SSL_ports");
        }

        return Fix.Unsafe($"insert {string.Join(" and ", lines.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).Select(l => $"'{l}'"))} before '{firstAllow.Line.Text}'",
            SquidFixes.Before(firstAllow.Line, [.. lines]));
    }
}

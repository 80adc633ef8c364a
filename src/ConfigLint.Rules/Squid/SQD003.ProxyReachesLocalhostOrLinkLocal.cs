using System.Net;
using ConfigLint.Analysis;
using ConfigLint.Semantics.Squid;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Squid;

/// <summary>SQD003. Docs: rules/squid/SQD003.proxy-reaches-localhost-or-link-local/README.md</summary>
public sealed class ProxyReachesLocalhostOrLinkLocal : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("SQD003", "proxy-reaches-localhost-or-link-local",
        "Deny to_localhost and to_linklocal before the first allow.", Language.Squid, DiagnosticLevel.Warning, 7.1, FixClass.Safe, "security", "CWE-918");

    private static readonly IPAddress Loopback = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Metadata = IPAddress.Parse("169.254.169.254");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterSquidConfigAction(Check);

    private static void Check(SquidConfigContext ctx)
    {
        var config = ctx.Config;
        var (exists, firstAllow, index) = SquidFacts.AllowPath(config, SquidFacts.IsLocalManagerAllow);
        if (!exists)
        {
            return;
        }

        var before = SquidFacts.LiveRules(config).Take(index).Where(r => !r.Allow).ToList();
        var localhost = before.Any(r => Denies(config, r, Loopback));
        var linkLocal = before.Any(r => Denies(config, r, Metadata));
        if (localhost && linkLocal)
        {
            return;
        }

        var missing = (localhost, linkLocal) switch
        {
            (false, false) => "'http_access deny to_localhost' and 'http_access deny to_linklocal'",
            (false, true) => "'http_access deny to_localhost'",
            _ => "'http_access deny to_linklocal'",
        };
        var version = config.SquidVersion is { Major: < 6 } v && !linkLocal
            ? $" squid {v.ToString(2)} has no predefined to_linklocal: add 'acl to_linklocal dst 169.254.0.0/16 fe80::/10' first."
            : string.Empty;
        var allows = SquidFacts.LiveRules(config).Where(r => r.Allow && !SquidFacts.IsLocalManagerAllow(r)).ToList();
        var location = firstAllow?.Line.Location ?? config.AccessList("http_access")[^1].Line.Location;
        var what = firstAllow is null ? "The list ends with a deny, so requests are allowed by default," : $"'{firstAllow.Line.Text}' allows requests";

        var fix = firstAllow is null ? null : Fix.Safe($"insert {missing} before '{firstAllow.Line.Text}'",
            SquidFixes.Before(firstAllow.Line, [
                .. linkLocal || config.Acl("to_linklocal") is { Predefined: false } ? Array.Empty<string>() : ["acl to_linklocal dst 169.254.0.0/16 fe80::/10"],
                .. localhost ? Array.Empty<string>() : ["http_access deny to_localhost"],
                .. linkLocal ? Array.Empty<string>() : ["http_access deny to_linklocal"]]));
        if (firstAllow is not null && allows.All(r => SquidFacts.Uses(ctx.Config, r, SquidFacts.DestinationListTypes)))
        {
            ctx.Report(location,
                $"{what} without {missing} before it. Every allow is limited to a destination list, but a listed name can still resolve to 127.0.0.1 or 169.254.169.254; add the denies.{version}",
                DiagnosticLevel.Note, 3.1, fix: fix);
            return;
        }

        var cloud = SquidFacts.CloudEvidence(ctx.Deployment, config);
        var message = $"{what} without {missing} before it: clients can make squid fetch services on its own loopback and link-local addresses — the cloud metadata endpoints 169.254.169.254 (instance credentials) and 169.254.170.2 (ECS task credentials).{version}";
        if (cloud is not null)
        {
            ctx.Report(location, $"{message} This squid runs on a cloud host: {cloud}.", DiagnosticLevel.Error, 8.5, fix: fix);
        }
        else
        {
            ctx.Report(location, message, fix: fix);
        }
    }

    /// <summary>A deny whose only ACL is a destination-address list containing the address.</summary>
    private static bool Denies(SquidConfig config, SquidAccessRule rule, IPAddress address) =>
        rule.Acls.Length == 1 && !rule.Acls[0].Negated && config.Acl(rule.Acls[0].Name) is { Type: "dst" } acl
        && acl.Values.Any(v => SquidAccess.Contains(v, address));
}

using ConfigLint.Analysis;
using ConfigLint.Semantics.Tor;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR003. Docs: rules/torrc/TOR003.control-port-unprotected/README.md</summary>
public sealed class ControlPortUnprotected : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR003", "control-port-unprotected",
        "Keep the control port local and authenticated.", Language.Tor, DiagnosticLevel.Error, 8.8, FixClass.Conditional, "security", "CWE-306");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        var auth = TorFacts.HasControlAuth(config);
        foreach (var port in config.Ports("ControlPort"))
        {
            var spec = port.Spec;
            if (spec.Kind == TorPortKind.Disabled)
            {
                continue;
            }

            var where = TorFacts.Describe(port);
            var at = port.Line.At(spec.AddressSpan);
            if (spec.Kind == TorPortKind.Unix && spec.HasFlag("WorldWritable"))
            {
                ctx.Report(at, $"ControlPort '{where}' is WorldWritable: every local user can connect to tor's control socket{(auth ? string.Empty : ", and no authentication is configured")}; remove WorldWritable.",
                    DiagnosticLevel.Warning, 7.0);
            }
            else if (spec.Kind == TorPortKind.Tcp && spec.Scope != AddressScope.Loopback)
            {
                if (auth)
                {
                    ctx.Report(at, $"ControlPort '{where}' listens beyond loopback; the control protocol is unencrypted, so its password can be sniffed or guessed, and a controller can read the host's real address ('GETINFO address') and rewrite the configuration; bind it to 127.0.0.1 or use a unix socket.",
                        DiagnosticLevel.Error, 8.8);
                }
                else
                {
                    ctx.Report(at, $"ControlPort '{where}' listens beyond loopback without authentication; tor closes such a port itself, so this configuration is both broken and dangerous; bind it to 127.0.0.1 and set CookieAuthentication 1.",
                        DiagnosticLevel.Warning, 5.0);
                }
            }
            else if (!auth)
            {
                ctx.Report(at, $"ControlPort '{where}' has no authentication, so any process in this container (or sharing its network namespace) can control tor; set CookieAuthentication 1 or HashedControlPassword.",
                    DiagnosticLevel.Warning, 6.7, fix: CookieFix(ctx, port.Line));
            }
        }

        foreach (var line in config.All("ControlSocket"))
        {
            if (line.Value is "" or "0" || auth)
            {
                continue;
            }

            ctx.Report(line.ValueLocation, $"ControlSocket '{line.Value}' has no authentication, so any local process that can open the socket controls tor; set CookieAuthentication 1.",
                DiagnosticLevel.Warning, 6.7, fix: CookieFix(ctx, line));
        }

        if (config.IsTrue("ControlSocketsGroupWritable") && config.IsTrue("CookieAuthFileGroupReadable") && config.Last("ControlSocketsGroupWritable") is { } gw)
        {
            ctx.Report(gw.Location, "ControlSocketsGroupWritable 1 with CookieAuthFileGroupReadable 1 lets every member of the socket's group read the cookie and control tor; keep that group to the controller alone.",
                DiagnosticLevel.Warning, 7.0);
        }
    }

    /// <summary>
    /// 'CookieAuthentication 1' after the listener's line. Safe only when the deployment shows that no other compose
    /// service talks to this tor's control port (none names the service or the port in its environment, command or
    /// depends_on); a controller the deployment does not show would lose access, so otherwise the fix is unsafe.
    /// </summary>
    private static Fix? CookieFix(TorConfigContext ctx, TorLine line)
    {
        var service = ctx.Service;
        var safe = service is not null && !service.Project.Services.Where(s => s != service).Any(other => MentionsControl(other, service, ctx.Config));
        var applicability = safe ? FixApplicability.Safe : FixApplicability.Unsafe;

        // The last CookieAuthentication line wins: rewrite it rather than add one it would override.
        return ctx.Config.Last("CookieAuthentication") is { } cookie
            ? TorFixes.SetValue(cookie, applicability, "set 'CookieAuthentication 1'", "1")
            : TorFixes.InsertAfter(line, applicability, "add 'CookieAuthentication 1'", "CookieAuthentication 1");
    }

    private static bool MentionsControl(ComposeService other, ComposeService tor, TorConfig config)
    {
        var names = tor.HostNames.Append(tor.Name).ToList();
        var ports = config.Ports("ControlPort").Select(p => p.Spec.PortNumber).OfType<int>().Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var words = other.Environment.Select(e => e.Value ?? string.Empty).Concat(other.Command.Select(c => c.Value)).Concat(other.Entrypoint.Select(c => c.Value));
        return other.DependsOn.Contains(tor.Name) || words.Any(w => names.Any(n => w.Contains(n, StringComparison.OrdinalIgnoreCase)) || ports.Any(p => w.Contains(p, StringComparison.Ordinal)));
    }
}

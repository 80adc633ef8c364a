using ConfigLint.Analysis;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX009. Docs: rules/nginx/NGX009.legacy-tls-protocols/README.md</summary>
public sealed class LegacyTlsProtocols : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX009", "legacy-tls-protocols",
        "Set 'ssl_protocols TLSv1.2 TLSv1.3;'.", Language.Nginx, DiagnosticLevel.Warning, 5.9, FixClass.Safe, "security", "CWE-327");

    private static readonly string[] Legacy = ["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

    /// <summary>nginx 1.27.3 dropped TLSv1 and TLSv1.1 from the default.</summary>
    private static readonly Version ModernDefault = new(1, 27, 3);

    /// <summary>From 1.29.2 a non-default server's ssl_protocols applies (before, the default server's decides).</summary>
    private static readonly Version PerServer = new(1, 29, 2);

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        var config = ctx.Config;
        foreach (var line in config.Named("ssl_protocols"))
        {
            var weak = line.Args.Where(a => Legacy.Contains(a)).ToList();
            if (weak.Count > 0)
            {
                ctx.Report(line.Location, $"'{line.Text}' enables {string.Join(", ", weak)}, which have known attacks (POODLE, BEAST) and are deprecated (RFC 8996). Use 'ssl_protocols TLSv1.2 TLSv1.3;'.",
                    fix: Narrow(line, weak));
            }
        }

        // Absent ssl_protocols on a TLS listener: the version decides the default. Per listen socket, the default server decides (before 1.29.2).
        var version = config.NginxVersion;
        if (version is not null && version >= ModernDefault)
        {
            return;
        }

        var servers = config.Servers.ToList();
        var sockets = servers.SelectMany(s => NginxConfig.Listens(s).Where(l => l.Ssl || NginxFacts.IsOn(NginxConfig.Effective(s, "ssl"))).Select(l => (Server: s, Listen: l)))
            .GroupBy(x => x.Listen.Socket);
        foreach (var socket in sockets)
        {
            var deciding = version is not null && version >= PerServer
                ? socket.ToList()
                : [socket.FirstOrDefault(x => x.Listen.DefaultServer) is { Server: not null } d ? d : socket.First()];
            foreach (var (server, listen) in deciding)
            {
                if (NginxConfig.Effective(server, "ssl_protocols") is not null)
                {
                    continue;
                }

                var others = socket.Where(x => x.Server != server && x.Server.Own("ssl_protocols") is not null).ToList();
                var trap = others.Count > 0 && (version is null || version < PerServer)
                    ? $" The ssl_protocols of other servers on {listen.Socket} are ignored: before nginx 1.29.2 the default server's setting applies to the whole socket."
                    : string.Empty;
                if (version is null)
                {
                    ctx.Report(listen.Node.Location,
                        $"'{listen.Node.Text}' has no ssl_protocols, so the nginx default applies; before 1.27.3 that default includes TLSv1 and TLSv1.1, and the nginx version is not known here. Set 'ssl_protocols TLSv1.2 TLSv1.3;' in http{{}}.{trap}",
                        DiagnosticLevel.Note, 3.0, fix: InHttp(config));
                }
                else
                {
                    ctx.Report(listen.Node.Location,
                        $"'{listen.Node.Text}' has no ssl_protocols, and nginx {version} enables TLSv1 and TLSv1.1 by default (until 1.27.3). Set 'ssl_protocols TLSv1.2 TLSv1.3;' in http{{}}.{trap}",
                        fix: InHttp(config));
                }
            }
        }
    }

    /// <summary>Drops the legacy protocols from the line; when none is left, the modern pair.</summary>
    private static Fix? Narrow(NginxNode line, List<string> weak)
    {
        var kept = line.Args.Where(a => !weak.Contains(a)).ToList();
        var args = kept.Count == 0 ? "TLSv1.2 TLSv1.3" : string.Join(' ', kept);
        return line.ArgWords.Any(w => w.Quoted) || NginxFixes.SetArgs(line, args) is not { } edit ? null : Fix.Safe($"set 'ssl_protocols {args};'", edit);
    }

    /// <summary>'ssl_protocols TLSv1.2 TLSv1.3;' at the top of http{} (servers without their own setting inherit it).</summary>
    private static Fix? InHttp(NginxConfig config) =>
        config.Http is { } http && NginxFixes.AtBlockStart(config, http, "ssl_protocols TLSv1.2 TLSv1.3;") is { } edit
            ? Fix.Safe("add 'ssl_protocols TLSv1.2 TLSv1.3;' to http{}", edit)
            : null;
}

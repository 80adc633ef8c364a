using ConfigLint.Analysis;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR007. Docs: rules/dockerfile/DKR007.expose-of-control-port/README.md</summary>
public sealed class ExposeOfControlPort : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR007", "expose-of-control-port",
        "Do not EXPOSE control, metrics or Tor client ports.", Language.Dockerfile, DiagnosticLevel.Note, 3.1, FixClass.Safe, "security", "CWE-668");

    private static readonly string[] Listeners = ["ControlPort", "MetricsPort", "SocksPort", "TransPort", "DNSPort", "NATDPort", "HTTPTunnelPort"];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    private static void Check(DockerfileContext ctx)
    {
        var listeners = new Dictionary<int, string>();
        foreach (var config in ctx.Deployment.TorConfigsOf(ctx.Model))
        {
            foreach (var option in Listeners)
            {
                foreach (var port in config.Ports(option).Where(p => p.Spec.Kind == TorPortKind.Tcp && p.Spec.Scope != AddressScope.Loopback))
                {
                    if (port.Spec.PortNumber is { } number)
                    {
                        listeners.TryAdd(number, option);
                    }
                }
            }
        }

        if (listeners.Count == 0)
        {
            return;
        }

        foreach (var stage in ctx.RuntimeStages)
        {
            foreach (var expose in stage.Instructions.Where(i => i.Command.Keyword == "expose"))
            {
                foreach (var word in expose.Command.Args)
                {
                    var expanded = ctx.Model.Expand(word, expose) ?? word;
                    if (int.TryParse(expanded.Split('/')[0], out var number) && listeners.TryGetValue(number, out var option))
                    {
                        ctx.Report(DockerFacts.Locate(ctx.Model, expose, word),
                            $"EXPOSE {word} documents tor's {option}, which listens beyond loopback; 'docker run -P' would publish it on every interface; remove it from EXPOSE.");
                    }
                }
            }
        }
    }
}

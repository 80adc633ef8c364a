using ConfigLint.Analysis;
using ConfigLint.Semantics.Compose;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Compose;

/// <summary>CMP005. Docs: rules/compose/CMP005.host-namespaces-shared/README.md</summary>
public sealed class HostNamespacesShared : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("CMP005", "host-namespaces-shared",
        "Do not share the host's namespaces with a container.", Language.Compose, DiagnosticLevel.Error, 7.5, FixClass.None, "security", "CWE-653");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterComposeServiceAction(Check);

    private static void Check(ComposeServiceContext ctx)
    {
        var s = ctx.Service;
        Flag(ctx, s.NetworkMode, "network_mode", "every listener is on the host's interfaces, and compose networks (internal: true included) no longer isolate it", DiagnosticLevel.Error, 7.5);
        Flag(ctx, s.Pid, "pid", "it sees and can signal every process on the host", DiagnosticLevel.Warning, 6.5);
        Flag(ctx, s.Ipc, "ipc", "it shares the host's shared memory and semaphores", DiagnosticLevel.Warning, 6.0);
        Flag(ctx, s.Uts, "uts", "it can change the host's hostname", DiagnosticLevel.Note, 3.0);
        Flag(ctx, s.UsernsMode, "userns_mode", "it opts out of user-namespace remapping, so root in the container is root on the host", DiagnosticLevel.Note, 4.0);
    }

    private static void Flag(ComposeServiceContext ctx, ComposeValue? value, string key, string why, DiagnosticLevel level, double score)
    {
        if (value?.Value == "host")
        {
            ctx.Report(value.Location, $"Service '{ctx.Service.Name}' sets {key}: host, so {why}; remove it.", level, score);
        }
    }
}

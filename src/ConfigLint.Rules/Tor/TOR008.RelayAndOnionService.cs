using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR008. Docs: rules/torrc/TOR008.relay-and-onion-service/README.md</summary>
public sealed class RelayAndOnionService : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR008", "relay-and-onion-service",
        "Run relays and onion services in separate tor instances.", Language.Tor, DiagnosticLevel.Error, 8.2, FixClass.None, "security", "CWE-200");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.HasOnionServices || config.IsTrue("ClientOnly") || config.IsTrue("HiddenServiceNonAnonymousMode"))
        {
            return;
        }

        var role = config.PortEnabled("ORPort") ? "ORPort" : config.PortEnabled("DirPort") ? "DirPort" : config.IsTrue("BridgeRelay") ? "BridgeRelay 1" : null;
        if (role is null)
        {
            return;
        }

        var accounting = config.Has("AccountingMax")
            ? " AccountingMax makes it worse: hibernation takes the onion service down at times an observer can see in the consensus."
            : string.Empty;
        ctx.Report(config.HiddenServices[0].Dir.Location,
            $"This tor runs an onion service and is also a relay ({role}); the relay's public address and its up/down history can be correlated with the onion service's availability. Run the onion service in its own tor instance.{accounting}");
    }
}

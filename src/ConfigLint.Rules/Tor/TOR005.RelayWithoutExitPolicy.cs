using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR005. Docs: rules/torrc/TOR005.relay-without-exit-policy/README.md</summary>
public sealed class RelayWithoutExitPolicy : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR005", "relay-without-exit-policy",
        "Make a relay's exit decision explicit.", Language.Tor, DiagnosticLevel.Warning, 5.0, FixClass.Safe, "security");

    private static readonly Version ExitDefaultChanged = new(0, 3, 5, 1);

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.IsPublicRelay || config.Has("ExitRelay") || config.Has("ExitPolicy") || config.Has("ReducedExitPolicy") || config.Has("IPv6Exit"))
        {
            return;
        }

        const string fix = "add 'ExitRelay 0' and 'ExitPolicy reject *:*'";

        // Appended to the main torrc: no line anywhere sets these options, so the end of the file is where they last.
        var edit = Fix.Safe(fix, Edits.AppendLines(config.Main, "ExitRelay 0", "ExitPolicy reject *:*"));
        switch (config.TorVersion)
        {
            case { } v when v >= ExitDefaultChanged:
                ctx.Report(ctx.FileStart, $"This relay sets no exit policy; tor {v} already defaults to non-exit, but saying so protects against older versions: {fix}.",
                    DiagnosticLevel.Note, 3.0, fix: edit);
                break;
            case { } v:
                ctx.Report(ctx.FileStart, $"This relay sets no exit policy, and tor {v} (before 0.3.5.1-alpha) then runs as an exit with the default exit policy; {fix}.",
                    DiagnosticLevel.Error, 8.1, fix: edit);
                break;
            default:
                ctx.Report(ctx.FileStart, $"This relay sets none of ExitRelay, ExitPolicy, ReducedExitPolicy or IPv6Exit; tor before 0.3.5.1-alpha runs such a relay as an exit with the default policy, and the version here is unknown; {fix}.",
                    DiagnosticLevel.Warning, 5.0, fix: edit);
                break;
        }
    }
}

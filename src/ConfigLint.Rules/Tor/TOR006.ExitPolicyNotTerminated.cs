using ConfigLint.Analysis;
using ConfigLint.Semantics.Tor;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR006. Docs: rules/torrc/TOR006.exit-policy-not-terminated/README.md</summary>
public sealed class ExitPolicyNotTerminated : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR006", "exit-policy-not-terminated",
        "End ExitPolicy with 'reject *:*' (or 'accept *:*').", Language.Tor, DiagnosticLevel.Error, 8.1, FixClass.Safe, "security");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (!config.IsPublicRelay || config.Is("ExitRelay", "0"))
        {
            return;
        }

        var policy = config.Policy("ExitPolicy");
        var reported = new HashSet<TorLine>();

        // (d) accept6/reject6 with an IPv4 address: tor ignores the entry.
        foreach (var entry in policy.Where(e => e.Item.Six && e.Item.AddressKind is PolicyAddressKind.IPv4 or PolicyAddressKind.AnyIPv4))
        {
            if (reported.Add(entry.Line))
            {
                ctx.Report(entry.Location, $"ExitPolicy entry '{entry.Item.Text}' uses {(entry.Item.Accept ? "accept6" : "reject6")} with an IPv4 address, which tor ignores with a warning; use accept/reject.",
                    DiagnosticLevel.Note, 2.0);
            }
        }

        if (policy.Count == 0)
        {
            // (b) An explicit exit with no policy runs the full default exit policy.
            if (!config.IsTrue("ReducedExitPolicy"))
            {
                TorLine? trigger = null;
                if (config.Is("ExitRelay", "1"))
                {
                    trigger = config.Last("ExitRelay");
                }
                else if (config.IsTrue("IPv6Exit") && (!config.Has("ExitRelay") || config.Is("ExitRelay", "auto")))
                {
                    trigger = config.Last("IPv6Exit");
                }

                if (trigger is not null)
                {
                    ctx.Report(trigger.Location, $"'{trigger.Entry.RawKey} {trigger.Value}' with no ExitPolicy or ReducedExitPolicy runs tor's full default exit policy (everything except a few ports); write the exit policy you intend, ending with 'reject *:*'.",
                        DiagnosticLevel.Warning, 6.5);
                }
            }

            return;
        }

        // Find the first terminal entry (*:* for both families).
        var terminalIndex = -1;
        bool v4 = false, v6 = false;
        for (var i = 0; i < policy.Count; i++)
        {
            var item = policy[i].Item;
            if (!item.Six || item.AddressKind != PolicyAddressKind.IPv4)
            {
                v4 |= item.CoversFamily(ipv6: false);
            }

            v6 |= item.CoversFamily(ipv6: true);
            if (v4 && v6)
            {
                terminalIndex = i;
                break;
            }
        }

        if (terminalIndex < 0)
        {
            if (config.IsTrue("ReducedExitPolicy"))
            {
                return;
            }

            var last = policy[^1];
            ctx.Report(last.Line.ValueLocation,
                $"ExitPolicy ends with '{last.Item.Text}', not 'reject *:*' or 'accept *:*', so tor appends its default exit policy and this relay exits to almost every port; add 'ExitPolicy reject *:*' as the last entry.",
                DiagnosticLevel.Error, 8.1,
                fix: TorFixes.InsertAfter(last.Line, FixApplicability.Safe, "add 'ExitPolicy reject *:*' after the last ExitPolicy line", "ExitPolicy reject *:*"));
            return;
        }

        // (c) entries after the terminal entry never match.
        foreach (var entry in policy.Skip(terminalIndex + 1))
        {
            if (entry.Line != policy[terminalIndex].Line && reported.Add(entry.Line))
            {
                ctx.Report(entry.Location, $"ExitPolicy entry '{entry.Item.Text}' comes after '{policy[terminalIndex].Item.Text}', which already decides every address and port, so it never matches.",
                    DiagnosticLevel.Note, 2.0);
            }
        }
    }
}

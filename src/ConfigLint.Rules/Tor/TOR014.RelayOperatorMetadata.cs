using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR014. Docs: rules/torrc/TOR014.relay-operator-metadata/README.md</summary>
public sealed partial class RelayOperatorMetadata : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR014", "relay-operator-metadata",
        "Give relays a valid Nickname and a working ContactInfo.", Language.Tor, DiagnosticLevel.Warning, 3.1, FixClass.None, "security");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterTorConfigAction(Check);

    private static void Check(TorConfigContext ctx)
    {
        var config = ctx.Config;
        if (config.Last("Nickname") is { } nick && !ValidNickname().IsMatch(nick.Value))
        {
            ctx.Report(nick.ValueLocation, $"Nickname '{nick.Value}' is invalid: tor requires 1 to 19 letters or digits and refuses to start.",
                DiagnosticLevel.Error, 4.0);
        }

        if (config.Last("ContactInfo") is { } contact && contact.Value.Any(c => c is >= '\uDC80' and <= '\uDCFF'))
        {
            ctx.Report(contact.ValueLocation, "ContactInfo is not valid UTF-8; tor refuses to start with it.",
                DiagnosticLevel.Error, 4.0);
        }

        if (!config.IsServer)
        {
            return;
        }

        var noContact = !config.All("ContactInfo").Any(l => l.Value.Length > 0);
        var noNick = !config.Has("Nickname");
        if (noContact)
        {
            var nickToo = noNick ? " It has no Nickname either, so it is published as 'Unnamed'." : string.Empty;
            ctx.Report(ctx.FileStart,
                $"This relay has no ContactInfo, so the Tor network cannot reach its operator and may reject it; add a purpose-made, obfuscated address (ContactInfo is archived and published).{nickToo}",
                DiagnosticLevel.Warning, 3.1);

            foreach (var family in config.All("MyFamily"))
            {
                ctx.Report(family.Location, "MyFamily is set but ContactInfo is not; operators of relay families must publish a working ContactInfo.",
                    DiagnosticLevel.Warning, 3.1);
            }
        }
        else if (noNick)
        {
            ctx.Report(ctx.FileStart, "This relay has no Nickname, so it is published as 'Unnamed'; set a Nickname of 1 to 19 letters or digits.",
                DiagnosticLevel.Note, 1.0);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]{1,19}$")]
    private static partial Regex ValidNickname();
}

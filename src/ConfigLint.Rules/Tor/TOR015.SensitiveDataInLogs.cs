using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Tor;

/// <summary>TOR015. Docs: rules/torrc/TOR015.sensitive-data-in-logs/README.md</summary>
public sealed partial class SensitiveDataInLogs : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("TOR015", "sensitive-data-in-logs",
        "Keep SafeLogging on and log at notice or above.", Language.Tor, DiagnosticLevel.Warning, 5.9, FixClass.Safe, "security", "CWE-532");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context)
    {
        context.RegisterTorLineAction(CheckSafeLogging, "SafeLogging");
        context.RegisterTorLineAction(CheckLog, "Log");
    }

    private static void CheckSafeLogging(TorLineContext ctx)
    {
        if (ctx.Line != ctx.Config.Last("SafeLogging"))
        {
            return;
        }

        if (ctx.Line.Value == "0")
        {
            ctx.Report(ctx.Line.Location, "SafeLogging 0 writes client addresses and destinations to the logs unscrubbed (and Docker keeps stdout logs); remove the line, the default is 1.",
                fix: TorFixes.Delete(ctx.Line, "remove 'SafeLogging 0' (the default is 1)"));
        }
        else if (ctx.Line.Value.Equals("relay", StringComparison.OrdinalIgnoreCase) && (ctx.Config.HasClientPorts || ctx.Config.HasOnionServices))
        {
            ctx.Report(ctx.Line.Location, "SafeLogging relay scrubs only relay traffic, but this tor also has client or onion functions whose addresses are logged; use SafeLogging 1.");
        }
    }

    private static void CheckLog(TorLineContext ctx)
    {
        var level = ctx.Line.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => DomainPrefix().Replace(w, string.Empty))
            .FirstOrDefault(w => VerboseLevel().IsMatch(w));
        if (level is not null)
        {
            ctx.Report(ctx.Line.Location,
                $"'Log {ctx.Line.Value}' logs at '{level}'; tor may not honour SafeLogging below notice, so addresses and destinations can reach the logs; log at notice for production.",
                DiagnosticLevel.Note, 4.0);
        }
    }

    [GeneratedRegex(@"^(\[[^\]]*\])+")]
    private static partial Regex DomainPrefix();

    [GeneratedRegex("^(debug|info)(-[a-z]+)?$", RegexOptions.IgnoreCase)]
    private static partial Regex VerboseLevel();
}

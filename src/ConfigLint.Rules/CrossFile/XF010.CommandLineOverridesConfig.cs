using ConfigLint.Analysis;
using ConfigLint.Semantics;
using ConfigLint.Syntax;
using static ConfigLint.Rules.CrossFile.CrossFileFacts;

namespace ConfigLint.Rules.CrossFile;

/// <summary>XF010. Docs: rules/crossfile/XF010.command-line-overrides-config/README.md</summary>
public sealed class CommandLineOverridesConfig : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("XF010", "command-line-overrides-config",
        "Keep security settings in the configuration file, not on the daemon's command line.", null, DiagnosticLevel.Note, 2.0, FixClass.None, "security", "cross-file");

    /// <summary>Options whose value, set only on the command line, decides who can reach tor, what it lets out, or what it reveals (any option the file sets and the command line changes is reported too).</summary>
    private static readonly HashSet<string> SecurityOptions = new(StringComparer.OrdinalIgnoreCase)
    {
        "SocksPort", "HTTPTunnelPort", "TransPort", "NATDPort", "DNSPort", "ControlPort", "MetricsPort", "ORPort", "DirPort", "ExtORPort",
        "SocksPolicy", "MetricsPortPolicy", "ExitPolicy", "ExitRelay", "ReducedExitPolicy", "IPv6Exit", "ExitPolicyRejectPrivate",
        "CookieAuthentication", "HashedControlPassword", "SafeSocks", "SafeLogging", "HiddenServicePort", "HiddenServiceNonAnonymousMode",
        "HiddenServiceSingleHopMode", "BridgeRelay", "PublishServerDescriptor", "ClientOnly", "VirtualAddrNetworkIPv4", "AutomapHostsOnResolve",
    };

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDeploymentAction(Check);

    private static void Check(DeploymentContext ctx)
    {
        foreach (var daemon in ctx.Deployment.Daemons.Where(d => d.Tor is { CommandLineLines.Length: > 0 } && d.TorFiles is not null))
        {
            var files = daemon.TorFiles!;
            var who = daemon.Service is { } s ? $"service '{s.Name}'" : $"the image of {daemon.Image?.Tree.Path}";
            foreach (var group in daemon.Tor!.CommandLineLines.GroupBy(l => l.Name, StringComparer.OrdinalIgnoreCase))
            {
                var name = group.Key;
                var given = group.ToList();
                var inFile = files.All(name);
                var fileValues = inFile.Select(l => l.Value).ToList();
                var lineValues = given.Where(l => l.Entry.Prefix != '/').Select(l => l.Value).ToList();
                var clears = given.Any(l => l.Entry.Prefix == '/');
                var appends = given.All(l => l.Entry.Prefix == '+');
                if (inFile.Count == 0 && !SecurityOptions.Contains(name))
                {
                    continue;
                }

                if (!clears && !appends && fileValues.SequenceEqual(lineValues, StringComparer.Ordinal))
                {
                    // The command line repeats what the file says: nothing is overridden.
                    continue;
                }

                var first = given[0];
                var what = string.Join(", ", given.Select(l => $"'{l.Entry.RawKey} {l.Value}'".Replace(" '", "'", StringComparison.Ordinal)));
                var related = inFile.Select(l => new RelatedLocation(l.Location, $"'{l.Name} {l.Value}' in the torrc, which the command line {(appends ? "adds to" : "replaces")}.")).ToList();
                var effect = clears
                    ? $"clears every {name} line of the torrc"
                    : appends
                        ? inFile.Count == 0 ? $"adds {name}, which the torrc does not set" : $"adds to the torrc's {name} ({string.Join(", ", fileValues.Select(v => $"'{v}'"))})"
                        : inFile.Count == 0 ? $"sets {name}, which the torrc does not set" : $"replaces the torrc's {name} ({string.Join(", ", fileValues.Select(v => $"'{v}'"))}, {At(inFile[0].Location)})";
                ctx.Report(first.Location,
                    $"The command line of {who} {effect}: tor uses {(lineValues.Count == 0 ? "none" : string.Join(", ", lineValues.Select(v => $"'{v}'")))}. The other rules judge the merged value; move the setting into {files.Main.Path} so the file says what runs.",
                    related: related.Count > 0 ? related : [new RelatedLocation(new SourceLocation(files.Main, files.Main.Text.Lines.Count > 0 ? files.Main.Text.Lines[0].Span : default), $"The torrc {who} runs.")]);
            }
        }
    }
}

using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;
using ConfigLint.Syntax.Dockerfile;
using ConfigLint.Semantics;
using Microsoft.CodeAnalysis.Text;

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
                var flagged = expose.Command.Args.Select(word => (Word: word, Option: Listener(ctx, listeners, expose, word))).Where(x => x.Option is not null).ToList();
                foreach (var (word, option) in flagged)
                {
                    var location = DockerFacts.Locate(ctx.Model, expose, word);
                    ctx.Report(location,
                        $"EXPOSE {word} documents tor's {option}, which listens beyond loopback; 'docker run -P' would publish it on every interface; remove it from EXPOSE.",
                        fix: RemoveFix(ctx.Model.Tree, expose, location, word, flagged.Count == expose.Command.Args.Length));
                }
            }
        }
    }

    private static string? Listener(DockerfileContext ctx, Dictionary<int, string> listeners, DockerInstructionSyntax expose, string word)
    {
        var expanded = ctx.Model.Expand(word, expose) ?? word;
        return int.TryParse(expanded.Split('/')[0], out var number) && listeners.TryGetValue(number, out var option) ? option : null;
    }

    /// <summary>
    /// Removes the port (and the blanks before it) from a one-line EXPOSE, or the whole instruction when every port
    /// it lists goes. A multi-line EXPOSE is left to the user: removing a word next to a line continuation could join lines.
    /// </summary>
    private static Fix? RemoveFix(SyntaxTree tree, DockerInstructionSyntax expose, SourceLocation location, string word, bool all)
    {
        var text = tree.Text;
        if (text.Lines.GetLineFromPosition(expose.Span.Start).LineNumber != text.Lines.GetLineFromPosition(expose.Span.End).LineNumber)
        {
            return null;
        }

        if (all)
        {
            return Fix.Safe("remove the EXPOSE instruction", Edits.DeleteStatement(tree, expose.Span));
        }

        if (text.ToString(location.Span) != word)
        {
            return null;
        }

        var start = location.Span.Start;
        while (start > expose.Span.Start && text[start - 1] is ' ' or '\t')
        {
            start--;
        }

        return Fix.Safe($"remove {word} from EXPOSE", Edits.Replace(tree, TextSpan.FromBounds(start, location.Span.End), string.Empty));
    }
}

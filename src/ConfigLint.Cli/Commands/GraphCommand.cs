using System.CommandLine;
using ConfigLint.Cli.Reporting;

namespace ConfigLint.Cli.Commands;

/// <summary><c>graph</c>: draw the deployment model, with the findings on it, as Mermaid or Graphviz DOT.</summary>
internal static class GraphCommand
{
    public static Command Create(CliEnvironment env) => ModelCommand.Create(env,
        "graph",
        "Draw the deployment: Internet and host, published ports and their exposure, services, networks, daemons, onion services, a Tor transparent proxy's egress; error findings in red.",
        CommonOptions.Choice("--format", "Output format: mermaid (renders in GitHub markdown) or dot (Graphviz).", "mermaid", "mermaid", "dot"),
        format => format == "dot" ? (model, run) => GraphRenderer.Dot(model, run.Findings) : (model, run) => GraphRenderer.Mermaid(model, run.Findings));
}

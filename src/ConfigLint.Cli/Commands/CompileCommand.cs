using System.CommandLine;
using ConfigLint.Cli.Reporting;

namespace ConfigLint.Cli.Commands;

/// <summary><c>compile</c>: print the resolved deployment model as JSON (the contract) or text.</summary>
internal static class CompileCommand
{
    public static Command Create(CliEnvironment env) => ModelCommand.Create(env,
        "compile",
        "Print the resolved deployment model: projects, services, daemons and their config files, listeners and exposure, onion services, iptables rule sets and what their probes leak or redirect.",
        CommonOptions.Choice("--format", "Output format: json (the contract) or text.", "json", "json", "text"),
        format => format == "text" ? (model, _) => ModelRenderer.Text(model) : (model, _) => ModelRenderer.Json(model));
}

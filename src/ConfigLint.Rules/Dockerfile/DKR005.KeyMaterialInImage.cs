using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR005. Docs: rules/dockerfile/DKR005.key-material-in-image/README.md</summary>
public sealed partial class KeyMaterialInImage : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR005", "key-material-in-image",
        "Do not bake private keys or a whole build filesystem into an image.", Language.Dockerfile, DiagnosticLevel.Error, 8.1, FixClass.None, "security", "CWE-312");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    private static void Check(DockerfileContext ctx)
    {
        foreach (var instruction in ctx.Model.Tree.Instructions.Where(i => i.Command.Keyword is "copy" or "add"))
        {
            var command = instruction.Command;
            var words = DockerFacts.SourceWords(ctx.Model, instruction);
            var sources = words.Select(w => w.Value).ToList();
            var from = command.Flags.FirstOrDefault(f => f.Name == "from")?.Value;
            var into = ctx.Model.StageOf(instruction);
            var source = from is null ? null : ctx.Model.Stage(from);

            // A whole builder filesystem (a stage that ran commands) copied into an image that ships.
            if (source is not null && source.Instructions.Any(i => i.Command.Keyword == "run") && into is not null
                && ctx.RuntimeStages.Contains(into) && sources.Any(s => s.Trim() is "/" or "/."))
            {
                ctx.Report(DockerFacts.Keyword(ctx.Model, instruction),
                    $"COPY --from={from} / copies the whole filesystem of '{from}', build-time secrets and caches included; copy only the files the runtime needs.");
                continue;
            }

            foreach (var (raw, path) in words.Where(w => from is not null || !ctx.Model.Ignore.IsExcluded(w.Value)))
            {
                var name = path.TrimEnd('/').Split('/').Last();
                var what = Classify(name, path);
                if (what is not null)
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, instruction, raw),
                        $"{command.Keyword.ToUpperInvariant()} puts '{path}' ({what}) into an image layer, where anyone who can pull the image can read it; mount it at run time from a volume or secret instead.");
                    break;
                }
            }
        }
    }

    private static string? Classify(string name, string source)
    {
        if (TorKey().IsMatch(name))
        {
            return "tor key material: whoever has it can impersonate the relay or onion service";
        }

        if (source.Contains("hidden_service", StringComparison.OrdinalIgnoreCase) || source.Contains("onion_service", StringComparison.OrdinalIgnoreCase))
        {
            return "an onion service key directory";
        }

        if (name.EndsWith(".pub", StringComparison.OrdinalIgnoreCase) || name.Contains("public", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return SecretFile().IsMatch(name) ? "a private key or secret file" : null;
    }

    [GeneratedRegex(@"^(hs_ed25519_secret_key|private_key|secret_id_key|ed25519_master_id_secret_key|ed25519_signing_secret_key|secret_onion_key.*)$")]
    private static partial Regex TorKey();

    [GeneratedRegex(@"^(id_(rsa|dsa|ecdsa|ed25519)(_.*)?|.*\.key|.*private.*\.pem|\.env|\.htpasswd|htpasswd|.*\.htdigest|passwords?)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretFile();
}

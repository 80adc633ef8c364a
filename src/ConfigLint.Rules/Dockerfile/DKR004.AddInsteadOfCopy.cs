using ConfigLint.Analysis;
using ConfigLint.Analysis.Fixing;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Dockerfile;

/// <summary>DKR004. Docs: rules/dockerfile/DKR004.add-instead-of-copy/README.md</summary>
public sealed class AddInsteadOfCopy : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("DKR004", "add-instead-of-copy",
        "Use COPY for local files; verify remote ADD sources with --checksum.", Language.Dockerfile, DiagnosticLevel.Warning, 4.3, FixClass.Safe, "security", "CWE-494");

    private static readonly string[] Archives = [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".tzst"];

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterDockerfileAction(Check);

    public static bool IsRemote(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("git@", StringComparison.Ordinal) || source.EndsWith(".git", StringComparison.OrdinalIgnoreCase) || source.Contains(".git#", StringComparison.Ordinal);

    private static void Check(DockerfileContext ctx)
    {
        foreach (var instruction in ctx.Model.Tree.Instructions.Where(i => i.Command.Keyword == "add"))
        {
            var command = instruction.Command;
            var words = DockerFacts.SourceWords(ctx.Model, instruction);
            var sources = words.Select(w => w.Value).ToList();
            if (sources.Count == 0 && instruction.Heredocs.Length == 0)
            {
                continue;
            }

            var remote = sources.FirstOrDefault(IsRemote);
            if (remote is not null)
            {
                if (!command.Flags.Any(f => f.Name == "checksum"))
                {
                    ctx.Report(DockerFacts.Locate(ctx.Model, instruction, words.First(w => w.Value == remote).Raw),
                        $"ADD downloads '{remote}' without '--checksum', so a compromised or changed server changes the image silently; add '--checksum=sha256:…' (or fetch and verify in a RUN step).",
                        DiagnosticLevel.Warning, 5.9);
                }

                continue;
            }

            if (sources.Any(s => Archives.Any(a => s.EndsWith(a, StringComparison.OrdinalIgnoreCase)) || s.Contains('$', StringComparison.Ordinal)))
            {
                continue;
            }

            var keyword = DockerFacts.Keyword(ctx.Model, instruction);
            var addOnly = command.Flags.Any(f => f.Name is "checksum" or "keep-git-dir" or "unpack");
            ctx.Report(keyword,
                $"ADD copies local files ('{string.Join("', '", sources.DefaultIfEmpty("here-document"))}') but also fetches URLs and unpacks archives; use COPY, which does only what it says.",
                DiagnosticLevel.Warning, 4.3,
                fix: addOnly ? null : Fix.Safe("replace ADD with COPY", Edits.Replace(ctx.Model.Tree, keyword.Span, CopyKeyword(ctx.Model.Tree.Text.ToString(keyword.Span)))));
        }
    }

    /// <summary>COPY in the keyword's own case (ADD → COPY, add → copy, Add → Copy).</summary>
    private static string CopyKeyword(string add) =>
        add.All(char.IsUpper) ? "COPY" : add.All(char.IsLower) ? "copy" : "Copy";
}

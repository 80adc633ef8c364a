using System.Collections.Immutable;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Syntax;

/// <summary>
/// One language ConfigLint reads: its name in settings and <c>configlint compile</c>, other names settings accept, the
/// rule-ID prefix of its rules, the folder of their docs, and its full-fidelity parser.
/// </summary>
public sealed record LanguageInfo(Language Language, string Name, ImmutableArray<string> Aliases, string RulePrefix, string DocsFolder, Func<string, SourceText, SyntaxTree> Parse);

/// <summary>
/// The registration of every language: adding one is a folder of syntax (and semantics) plus a row here; the workspace,
/// settings, rule descriptors and the compiled model read this table instead of switching on <see cref="Language"/>.
/// </summary>
public static class Languages
{
    public static readonly ImmutableArray<LanguageInfo> All =
    [
        new(Language.Tor, "torrc", ["tor"], "TOR", "torrc", Tor.TorParser.Parse),
        new(Language.Squid, "squid", [], "SQD", "squid", Squid.SquidParser.Parse),
        new(Language.Nginx, "nginx", [], "NGX", "nginx", Nginx.NginxParser.Parse),
        new(Language.Dockerfile, "dockerfile", [], "DKR", "dockerfile", Dockerfile.DockerfileParser.Parse),
        new(Language.Compose, "compose", [], "CMP", "compose", (path, text) => Compose.YamlParser.Parse(path, text)),
        new(Language.Iptables, "iptables", [], "IPT", "iptables", Iptables.IptablesFile.Parse),
    ];

    /// <summary>The registration of a language.</summary>
    public static LanguageInfo Of(Language language) => All.First(l => l.Language == language);

    /// <summary>A language by its name or an alias (any case), or null.</summary>
    public static LanguageInfo? Named(string name) =>
        All.FirstOrDefault(l => l.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || l.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));

    /// <summary>The language whose rules carry a rule-ID prefix (<c>TOR</c>), or null (built-in and cross-file rules).</summary>
    public static LanguageInfo? ForRulePrefix(string prefix) => All.FirstOrDefault(l => l.RulePrefix == prefix);
}

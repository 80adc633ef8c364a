using System.Text.RegularExpressions;
using ConfigLint.Semantics;
using ConfigLint.Semantics.Dockerfile;
using ConfigLint.Syntax.Dockerfile;

namespace ConfigLint.Rules.Dockerfile;

internal static partial class DockerFacts
{
    /// <summary>The source span of a word inside an instruction's logical line, or the keyword (<see cref="DockerfileModel.Locate"/>).</summary>
    public static SourceLocation Locate(DockerfileModel model, DockerInstructionSyntax instruction, string word) => model.Locate(instruction, word);

    public static SourceLocation Keyword(DockerfileModel model, DockerInstructionSyntax instruction) =>
        new(model.Tree, instruction.KeywordToken.TokenSpan);

    /// <summary>Splits an image reference: name, tag, digest (a registry port is not a tag).</summary>
    public static (string Name, string? Tag, string? Digest) SplitImage(string reference)
    {
        var at = reference.IndexOf('@');
        var digest = at >= 0 ? reference[(at + 1)..] : null;
        var rest = at >= 0 ? reference[..at] : reference;
        var slash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        return colon > slash ? (rest[..colon], rest[(colon + 1)..], digest) : (rest, null, digest);
    }

    /// <summary>BuildKit's SecretsUsedInArgOrEnv test, with ConfigLint's allow-list and DL3064's known names.</summary>
    public static bool IsSecretName(string name)
    {
        if (KnownSecrets.Contains(name.ToUpperInvariant()))
        {
            return true;
        }

        if (PublicKeyName().IsMatch(name))
        {
            return false;
        }

        return SecretWord().IsMatch(name) && !AllowWord().IsMatch(name);
    }

    private static readonly HashSet<string> KnownSecrets =
    [
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "NPM_TOKEN", "POSTGRES_PASSWORD",
        "MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD", "MARIADB_ROOT_PASSWORD", "REDIS_PASSWORD", "DOCKER_PASSWORD", "SLACK_TOKEN",
        "CONTROL_PASSWORD", "HASHED_CONTROL_PASSWORD",
    ];

    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretWord();

    [GeneratedRegex("(?:_|^)(?:public|file|version)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex AllowWord();

    /// <summary>Names of public key material (GPG/PGP key ids, fingerprints, key servers) and of boolean switches.</summary>
    [GeneratedRegex(@"(?:^|_)(?:GPG|PGP)_KEYS?(?:_|$)|_FINGERPRINTS?$|KEY_?SERVER|^(?:MYSQL|MARIADB)_(?:ALLOW_EMPTY|RANDOM_ROOT)_PASSWORD$", RegexOptions.IgnoreCase)]
    private static partial Regex PublicKeyName();

    /// <summary>A value that is a public key id or fingerprint (hex, optionally 0x-prefixed or spaced).</summary>
    public static bool IsKeyFingerprint(string? value) => value is not null && Fingerprint().IsMatch(value.Trim());

    [GeneratedRegex(@"^(?:0x)?[0-9A-Fa-f]{8}(?:[0-9A-Fa-f ]{0,72})$")]
    private static partial Regex Fingerprint();

    /// <summary>The sources of a COPY/ADD (every argument but the destination).</summary>
    public static IReadOnlyList<string> Sources(DockerCommand command) =>
        command.Args.Length < 2 ? [] : command.Args.Take(command.Args.Length - 1).ToList();

    /// <summary>
    /// COPY/ADD sources as BuildKit reads them, with the text as written (for locating): a shell-form word in quotes
    /// (<c>ADD "file.tgz" /x/</c>) loses its quotes, as BuildKit's word processing removes them. Words with variables
    /// are left as written.
    /// </summary>
    public static IReadOnlyList<(string Raw, string Value)> SourceWords(DockerfileModel model, DockerInstructionSyntax instruction) =>
        [.. Sources(instruction.Command).Select(raw =>
            (raw, raw.IndexOfAny(['"', '\'']) >= 0 && !raw.Contains('$', StringComparison.Ordinal) ? model.Expand(raw, instruction) ?? raw : raw))];
}

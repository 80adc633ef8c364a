using ConfigLint.Analysis;
using ConfigLint.Syntax;

namespace ConfigLint.Rules.Nginx;

/// <summary>NGX008. Docs: rules/nginx/NGX008.weak-referer-origin-validation/README.md</summary>
public sealed class WeakRefererOriginValidation : IRule
{
    public static readonly RuleDescriptor Rule = RuleDescriptor.Create("NGX008", "weak-referer-origin-validation",
        "Anchor and escape Referer/Origin checks; do not accept 'none'.", Language.Nginx, DiagnosticLevel.Warning, 6.1, FixClass.None, "security", "CWE-346");

    public RuleDescriptor Descriptor => Rule;

    public void Initialize(AnalysisContext context) => context.RegisterNginxConfigAction(Check);

    private static void Check(NginxConfigContext ctx)
    {
        foreach (var line in ctx.Config.Named("valid_referers").Where(n => n.Args.Contains("none")))
        {
            ctx.Report(line.Location,
                $"'{line.Text}' accepts requests without a Referer ('none'): an attacker's page can strip the header (Referrer-Policy: no-referrer) and pass the check.");
        }

        foreach (var test in ctx.Config.Named("if").Where(n => n.Args.Count >= 3))
        {
            var variable = test.Arg(0).TrimStart('(');
            if (variable is not ("$http_referer" or "$http_origin") || test.Arg(1) is not ("~" or "~*" or "!~" or "!~*"))
            {
                continue;
            }

            var regex = test.Arg(2).EndsWith(')') && !test.Arg(2).EndsWith("\\)", StringComparison.Ordinal) ? test.Arg(2)[..^1] : test.Arg(2);
            var origin = variable == "$http_origin";
            var problem = Problem(regex, origin);
            if (problem is not null)
            {
                ctx.Report(test.Location,
                    $"The {(origin ? "Origin" : "Referer")} check '{regex}' {problem}, so attacker-controlled domains pass it.",
                    origin ? DiagnosticLevel.Warning : null, origin ? 7.1 : null);
            }
        }
    }

    private static string? Problem(string regex, bool origin)
    {
        for (var i = 1; i < regex.Length - 1; i++)
        {
            if (regex[i] == '.' && regex[i - 1] != '\\' && char.IsAsciiLetterOrDigit(regex[i + 1]) && (char.IsAsciiLetterOrDigit(regex[i - 1]) || regex[i - 1] == ')'))
            {
                return "has an unescaped '.' (it matches any character: 'exampleXcom' passes)";
            }
        }

        if (!regex.StartsWith('^'))
        {
            return "is not anchored with '^' ('https://evil.example/?https://good.example' passes)";
        }

        var depth = 0;
        for (var i = 0; i < regex.Length; i++)
        {
            if (regex[i] == '\\')
            {
                i++;
                continue;
            }

            depth += regex[i] == '(' ? 1 : regex[i] == ')' ? -1 : 0;
            if (regex[i] == '|' && depth == 0)
            {
                return "has an alternation outside a group, so only its first alternative is anchored";
            }
        }

        // After the scheme, the domain must end in '/' or '$'.
        var afterScheme = regex.IndexOf("//", StringComparison.Ordinal) is var plain and >= 0 ? plain + 2
            : regex.IndexOf("\\/\\/", StringComparison.Ordinal) is var escaped and >= 0 ? escaped + 4 : 1;
        if (WildcardInHost(regex, afterScheme) is { } wildcard)
        {
            return $"lets '{wildcard}' run past the host ('.' matches '/' too, so 'https://evil.example/.good.example/' passes; match host characters with '[^/]' or '([a-z0-9-]+\\.)*')";
        }

        if (!regex.EndsWith('$') && !regex[afterScheme..].Contains('/', StringComparison.Ordinal))
        {
            return $"does not end the domain with '/' or '$' ('https://good.example.evil.example{(origin ? string.Empty : "/")}' passes)";
        }

        return null;
    }

    /// <summary>An unescaped <c>.*</c>, <c>.+</c> or <c>.{n,}</c> outside a character class before the host ends (the first '/' after the scheme).</summary>
    private static string? WildcardInHost(string regex, int start)
    {
        var inClass = false;
        for (var i = start; i < regex.Length; i++)
        {
            var c = regex[i];
            if (c == '\\')
            {
                if (!inClass && i + 1 < regex.Length && regex[i + 1] == '/')
                {
                    return null;
                }

                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    break;
                case '/' or '$':
                    return null;
                case '.' when i + 1 < regex.Length && regex[i + 1] is '*' or '+' or '{':
                    return regex.Substring(i, 2);
            }
        }

        return null;
    }
}

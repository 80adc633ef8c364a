namespace ConfigLint.Rules;

/// <summary>The rule set and the rule docs embedded at build time.</summary>
public static partial class RuleCatalog
{
    /// <summary>The README of a rule (<c>rules/&lt;lang&gt;/&lt;ID&gt;.&lt;name&gt;/README.md</c>), or null.</summary>
    public static string? ReadDocs(string docsFolder)
    {
        var name = docsFolder.StartsWith("rules/", StringComparison.Ordinal) ? docsFolder + "/README.md" : $"rules/{docsFolder}/README.md";
        using var stream = typeof(RuleCatalog).Assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

namespace ConfigLint.Cli.Reporting;

/// <summary>Text shown as a sentence (fix titles, tool errors): a capital first letter and a final period.</summary>
internal static class Sentence
{
    public static string Of(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return trimmed;
        }

        var capital = char.ToUpperInvariant(trimmed[0]) + trimmed[1..];
        return capital[^1] is '.' or '!' or '?' ? capital : capital + ".";
    }
}

namespace ConfigLint.Syntax;

/// <summary>The configuration languages ConfigLint reads.</summary>
public enum Language
{
    Tor,
    Squid,
    Nginx,
    Dockerfile,
    Compose,
    Iptables,
}

/// <summary>SARIF-compatible levels, most severe first.</summary>
public enum DiagnosticLevel
{
    None = 0,
    Note = 1,
    Warning = 2,
    Error = 3,
}

public static class LanguageExtensions
{
    public static string ToText(this DiagnosticLevel level) => level switch
    {
        DiagnosticLevel.Error => "error",
        DiagnosticLevel.Warning => "warning",
        DiagnosticLevel.Note => "note",
        _ => "none",
    };

    public static bool TryParseLevel(string text, out DiagnosticLevel level)
    {
        switch (text.ToLowerInvariant())
        {
            case "error": level = DiagnosticLevel.Error; return true;
            case "warning": level = DiagnosticLevel.Warning; return true;
            case "note": level = DiagnosticLevel.Note; return true;
            case "none": level = DiagnosticLevel.None; return true;
            default: level = DiagnosticLevel.None; return false;
        }
    }
}

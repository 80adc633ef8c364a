using System.Text.RegularExpressions;

namespace ConfigLint.Semantics.Dockerfile;

/// <summary>Evidence of the tor version an image runs: a pinned package (<c>tor=0.4.8.13-1</c>) or a TOR_VERSION ARG/ENV.</summary>
public static partial class DockerTorVersion
{
    public static Version? Find(DockerfileModel model)
    {
        foreach (var stage in model.Stages)
        {
            foreach (var variable in stage.Args.Concat(stage.Env.Values))
            {
                if (variable.Name.Equals("TOR_VERSION", StringComparison.OrdinalIgnoreCase) && Parse(variable.Value) is { } v)
                {
                    return v;
                }
            }

            foreach (var run in stage.Instructions.Where(i => i.Command.Keyword == "run"))
            {
                var text = string.Join(' ', run.Command.Args.Concat(run.Heredocs.Select(h => h.Content)));
                if (PinnedPackage().Match(text) is { Success: true } m && Parse(m.Groups[1].Value) is { } pinned)
                {
                    return pinned;
                }
            }
        }

        return model.GlobalArgs.FirstOrDefault(a => a.Name.Equals("TOR_VERSION", StringComparison.OrdinalIgnoreCase)) is { } g ? Parse(g.Value) : null;
    }

    /// <summary>Parses "0.4.8.13", "0.4.8.13-1", "0.4.8.13-r0" or "0.3.5.1-alpha" as a version.</summary>
    public static Version? Parse(string? text)
    {
        if (text is null || VersionText().Match(text) is not { Success: true } m)
        {
            return null;
        }

        if (DaemonVersion.Components(m.Groups[1].Value) is not { } parts)
        {
            return null;
        }

        return parts.Length switch
        {
            3 => new Version(parts[0], parts[1], parts[2]),
            _ => new Version(parts[0], parts[1], parts[2], parts[3]),
        };
    }

    [GeneratedRegex(@"(?:^|\s)tor=(\S+)")]
    private static partial Regex PinnedPackage();

    [GeneratedRegex(@"^v?(\d+\.\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionText();
}

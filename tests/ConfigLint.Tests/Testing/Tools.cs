namespace ConfigLint.Tests.Testing;

/// <summary>
/// The npm and Debian tools some tests drive (installed by <c>.ci/run</c>: npm packages under <c>artifacts/npm</c>,
/// Debian packages on PATH). Each is null when absent, and the tests that need it are skipped with the reason.
/// </summary>
public static class Tools
{
    /// <summary>Where <c>.ci/run</c> installs the npm tools.</summary>
    public static string NpmPrefix => Path.Combine(Repo.Root, "artifacts", "npm");

    /// <summary>
    /// Microsoft's SARIF multitool, the native executable of <c>@microsoft/sarif-multitool</c> (its npm wrapper passes
    /// arguments through a shell, which splits <c>--rule-kind "Gh;Sarif"</c> at the ';').
    /// </summary>
    public static string? SarifMultitool { get; } = FindSarifMultitool();

    public static string? Find(string name) => name switch
    {
        "sarif-multitool" => SarifMultitool,
        _ => NpmBin(name) ?? Repo.Which(name),
    };

    private static string? NpmBin(string name)
    {
        var bin = Path.Combine(NpmPrefix, "node_modules", ".bin", name);
        return File.Exists(bin) ? bin : null;
    }

    private static string? FindSarifMultitool()
    {
        if (Environment.GetEnvironmentVariable("SARIF_MULTITOOL") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        var roots = new List<string> { Path.Combine(NpmPrefix, "node_modules") };
        if (Repo.Which("sarif-multitool") is { } wrapper)
        {
            // node_modules/.bin/sarif-multitool → ../@microsoft/sarif-multitool/bin.js
            var target = new FileInfo(wrapper).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? wrapper;
            roots.Add(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(target)!, "..", "..")));
        }

        return roots.Select(r => Path.Combine(r, "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")).FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that needs an external tool (an npm package or a Debian program); skipped with the reason when it is absent.</summary>
public sealed class ToolFactAttribute : FactAttribute
{
    public ToolFactAttribute(string tool, string install = "")
    {
        if (Tools.Find(tool) is null)
        {
            Skip = $"needs '{tool}' ({(install.Length > 0 ? install : $"CI installs it: .ci/run puts npm tools under {Tools.NpmPrefix}")})";
        }
    }
}

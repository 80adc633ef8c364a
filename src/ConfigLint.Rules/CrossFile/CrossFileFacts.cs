using ConfigLint.Semantics;

namespace ConfigLint.Rules.CrossFile;

internal static class CrossFileFacts
{
    /// <summary>"tor/torrc line 3": a place in another file, as the messages of cross-file rules name it.</summary>
    public static string At(SourceLocation location) => $"{location.Tree.Path} line {location.LineSpan.Start.Line + 1}";

    /// <summary>A listener as written: "SocksPort 0.0.0.0:9050".</summary>
    public static string Describe(Listener listener) =>
        listener.Port.Length == 0 ? $"{listener.Option} {listener.Address}" : $"{listener.Option} {(listener.Address.Contains(':', StringComparison.Ordinal) && !listener.Address.StartsWith('[') ? $"[{listener.Address}]" : listener.Address)}:{listener.Port}";

    /// <summary>Where a publish lets clients in from: "on every interface", "on 192.0.2.10".</summary>
    public static string Where(PublishedPort published) =>
        published.Exposure == Semantics.Compose.Exposure.AllInterfaces ? "on every host interface" : $"on the host address {published.Port.HostIp}";
}

using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Semantics.Tor;

/// <summary>One effective torrc line: the entry and the file it came from (the main torrc or an include).</summary>
public sealed record TorLine(SyntaxTree Tree, TorEntrySyntax Entry)
{
    public string Name => Entry.Name;

    public string Value => Entry.Value;

    public SourceLocation Location => new(Tree, Entry.KeyToken.TokenSpan.Length > 0 ? Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(Entry.KeyToken.TokenSpan.Start, Entry.ValueToken?.TokenSpan.End ?? Entry.KeyToken.TokenSpan.End) : Entry.KeyToken.TokenSpan);

    public SourceLocation KeyLocation => new(Tree, Entry.KeyToken.TokenSpan);

    public SourceLocation ValueLocation => new(Tree, Entry.ValueSpan);

    public SourceLocation At(Microsoft.CodeAnalysis.Text.TextSpan span) => new(Tree, span);

    /// <summary>The boolean value, when it is 0 or 1.</summary>
    public bool? AsBool => Value switch { "1" => true, "0" => false, _ => null };
}

/// <summary>A port line with its typed view.</summary>
public sealed record TorPortLine(TorLine Line, TorPortSpec Spec);

/// <summary>One policy item with the line it came from.</summary>
public sealed record TorPolicyEntry(TorLine Line, TorPolicyItem Item)
{
    public SourceLocation Location => Line.At(Item.Span);
}

/// <summary>An onion service: its HiddenServiceDir line and the per-service lines after it.</summary>
public sealed record TorHiddenService(TorLine Dir, ImmutableArray<TorLine> Options)
{
    public IEnumerable<(TorLine Line, TorHiddenServicePort Port)> Ports =>
        Options.Where(o => o.Name == "HiddenServicePort" && o.Value.Length > 0)
            .Select(o => (o, TorHiddenServicePort.Parse(o.Entry)))
            .Where(p => p.Item2.Error is null);

    public TorLine? Last(string option) => Options.LastOrDefault(o => o.Name.Equals(option, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The effective configuration of one tor instance: the main torrc with every <c>%include</c> spliced in
/// place, in tor's order. Options resolve by canonical name; list options accumulate, singletons keep the
/// last value, and <c>/Key</c> clears what came before.
/// </summary>
public sealed class TorConfig
{
    private readonly ILookup<string, TorLine> _byName;
    // Memoised per option; rules ask from several threads at once (a plain Dictionary written by two threads corrupts).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<TorLine>> _effective = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<TorLine>? _effectiveLines;

    public TorConfig(SyntaxTree main, ImmutableArray<TorLine> lines, ImmutableArray<SyntaxTree> files, ImmutableArray<BindDiagnostic> diagnostics)
    {
        Main = main;
        Lines = lines;
        Files = files;
        Diagnostics = diagnostics;
        _byName = lines.ToLookup(l => l.Name, StringComparer.OrdinalIgnoreCase);
        HiddenServices = BuildServices(lines);
    }

    /// <summary>The main torrc (the file no other torrc includes).</summary>
    public SyntaxTree Main { get; }

    /// <summary>The effective lines, includes spliced, <c>%include</c> lines themselves left out.</summary>
    public ImmutableArray<TorLine> Lines { get; }

    /// <summary>The main file and every included file.</summary>
    public ImmutableArray<SyntaxTree> Files { get; }

    /// <summary>CL0004 include problems.</summary>
    public ImmutableArray<BindDiagnostic> Diagnostics { get; }

    public ImmutableArray<TorHiddenService> HiddenServices { get; }

    /// <summary>Evidence of the tor version (from a Dockerfile pin or image tag), when the deployment shows one.</summary>
    public Version? TorVersion { get; private init; }

    /// <summary>The lines that came from tor's command line (compose <c>command</c>, Dockerfile <c>CMD</c>), merged on top of the files.</summary>
    public ImmutableArray<TorLine> CommandLineLines { get; private init; } = [];

    /// <summary>The same configuration with evidence of the tor version that runs it.</summary>
    public TorConfig WithVersion(Version? version) =>
        version is null || TorVersion is not null ? this : new TorConfig(Main, Lines, Files, Diagnostics) { TorVersion = version, CommandLineLines = CommandLineLines };

    /// <summary>This configuration with the command line's options on top (<see cref="Layer"/>).</summary>
    public TorConfig WithCommandLine(IReadOnlyList<TorLine> commandLine) =>
        commandLine.Count == 0 ? this : new TorConfig(Main, Layer(Lines, commandLine), Files, Diagnostics)
        {
            TorVersion = TorVersion,
            CommandLineLines = [.. CommandLineLines, .. commandLine],
        };

    /// <summary>This configuration over a <c>--defaults-torrc</c> file's (<see cref="Layer"/>).</summary>
    public TorConfig OverDefaults(TorConfig defaults) =>
        new(Main, Layer(defaults.Lines, Lines), [.. Files.Concat(defaults.Files).Distinct()], [.. Diagnostics, .. defaults.Diagnostics])
        {
            TorVersion = TorVersion,
            CommandLineLines = CommandLineLines,
        };

    /// <summary>
    /// tor's layering of the command line over the torrc, and of the torrc over <c>--defaults-torrc</c>: an option the
    /// upper layer sets replaces every line of it below, unless written <c>+Key</c> (appended); <c>/Key</c> clears it.
    /// </summary>
    private static ImmutableArray<TorLine> Layer(ImmutableArray<TorLine> lower, IReadOnlyList<TorLine> upper)
    {
        var replaced = upper.Where(l => l.Entry.Prefix == '\0').Select(l => l.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return [.. lower.Where(l => !replaced.Contains(l.Name)), .. upper];
    }

    /// <summary>Whether a line still counts: not a <c>/Key</c> line, and not cleared by a later one.</summary>
    public bool IsEffective(TorLine line) =>
        (_effectiveLines ??= Lines.Select(l => l.Name).Distinct(StringComparer.OrdinalIgnoreCase).SelectMany(All).ToHashSet()).Contains(line);

    /// <summary>Every effective line of an option, honouring <c>/Key</c> (clear).</summary>
    public IReadOnlyList<TorLine> All(string option)
    {
        if (_effective.TryGetValue(option, out var cached))
        {
            return cached;
        }

        var result = new List<TorLine>();
        foreach (var line in _byName[option])
        {
            if (line.Entry.Prefix == '/')
            {
                result.Clear();
                continue;
            }

            result.Add(line);
        }

        return _effective.GetOrAdd(option, result);
    }

    /// <summary>The line whose value tor uses for a singleton option (the last one).</summary>
    public TorLine? Last(string option) => All(option).LastOrDefault();

    public bool Has(string option) => All(option).Count > 0;

    /// <summary>Whether the option's effective value is the given text (case-insensitive).</summary>
    public bool Is(string option, string value) =>
        Last(option) is { } l && l.Value.Equals(value, StringComparison.OrdinalIgnoreCase);

    public bool IsTrue(string option) => Is(option, "1");

    /// <summary>The typed port lines of an option; with no line, the option's default applies (see callers).</summary>
    public IReadOnlyList<TorPortLine> Ports(string option) =>
        All(option).Where(l => l.Value.Length > 0).Select(l => new TorPortLine(l, TorPortSpec.Parse(l.Entry))).Where(p => p.Spec.Error is null).ToList();

    /// <summary>The concatenated policy of an option: every line's items, comma-split, in order.</summary>
    public IReadOnlyList<TorPolicyEntry> Policy(string option) =>
        All(option).SelectMany(l => TorPolicy.Parse(l.Entry).Where(i => i.Error is null).Select(i => new TorPolicyEntry(l, i))).ToList();

    /// <summary>A port option is on when some line is not <c>0</c>.</summary>
    public bool PortEnabled(string option) => Ports(option).Any(p => p.Spec.Kind != TorPortKind.Disabled);

    /// <summary>A relay: ORPort set and not 0, and not ClientOnly.</summary>
    public bool IsServer => PortEnabled("ORPort") && !IsTrue("ClientOnly");

    public bool IsBridge => IsServer && IsTrue("BridgeRelay");

    /// <summary>A public (non-bridge) relay.</summary>
    public bool IsPublicRelay => IsServer && !IsTrue("BridgeRelay");

    public bool HasOnionServices => HiddenServices.Length > 0;

    /// <summary>Client functions are on unless every client port is disabled (SocksPort defaults to 9050).</summary>
    public bool HasClientPorts =>
        !Has("SocksPort") || PortEnabled("SocksPort") || PortEnabled("DNSPort") || PortEnabled("TransPort")
        || PortEnabled("NATDPort") || PortEnabled("HTTPTunnelPort");

    private static ImmutableArray<TorHiddenService> BuildServices(ImmutableArray<TorLine> lines)
    {
        var services = ImmutableArray.CreateBuilder<TorHiddenService>();
        TorLine? dir = null;
        var options = ImmutableArray.CreateBuilder<TorLine>();
        foreach (var line in lines)
        {
            if (line.Name == "HiddenServiceDir")
            {
                if (dir is not null)
                {
                    services.Add(new TorHiddenService(dir, options.ToImmutable()));
                }

                dir = line;
                options.Clear();
            }
            else if (dir is not null && TorOptions.IsPerServiceOption(line.Name))
            {
                options.Add(line);
            }
        }

        if (dir is not null)
        {
            services.Add(new TorHiddenService(dir, options.ToImmutable()));
        }

        return services.ToImmutable();
    }
}

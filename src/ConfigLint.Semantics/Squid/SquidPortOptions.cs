using System.Collections.Immutable;
using ConfigLint.Syntax;

namespace ConfigLint.Semantics.Squid;

/// <summary>
/// What squid refuses on an <c>http_port</c>, <c>https_port</c> or <c>ftp_port</c> line, in every build: a listening
/// address that is not a port (<c>parsePortSpecification</c>: "FATAL: http_port: missing Port: __PORT__"), an option
/// its <c>parse_port_option</c> does not know ("FATAL: Unknown http_port option 'x'."), and (since 3.2) the mode rules:
/// <c>accel</c>, <c>intercept</c> and <c>tproxy</c> cannot share a port, and the accelerator options need <c>accel</c>
/// before them. Which options a version knows comes from <c>src/cache_cf.cc</c> at each release tag (3.1 … 7.x).
/// The TLS options squid reads only when built with OpenSSL (<c>ssl-bump</c>, <c>cert=</c>, <c>key=</c>,
/// <c>generate-host-certificates</c>, …) are always accepted: the build is not visible from the configuration.
/// </summary>
internal static class SquidPortOptions
{
    private static readonly Version Always = new(0, 0);

    /// <summary>Exact option words, with the version that introduced them.</summary>
    private static readonly Dictionary<string, Version> Words = new(StringComparer.Ordinal)
    {
        ["accel"] = Always, ["transparent"] = Always, ["intercept"] = Always, ["tproxy"] = Always, ["vhost"] = Always, ["vport"] = Always,
        ["allow-direct"] = Always, ["ignore-cc"] = Always, ["no-connection-auth"] = Always, ["connection-auth"] = Always,
        ["connection-auth=on"] = Always, ["connection-auth=off"] = Always, ["ipv4"] = Always, ["tcpkeepalive"] = Always,
        ["ssl-bump"] = Always, ["sslBump"] = Always, ["generate-host-certificates"] = Always,
        ["generate-host-certificates=on"] = Always, ["generate-host-certificates=off"] = Always,
        ["act-as-origin"] = new(3, 2), ["no-vhost"] = new(3, 2),
        ["require-proxy-header"] = new(3, 5), ["ftp-track-dirs"] = new(3, 5),
        ["worker-queues"] = new(5, 0, 2),
    };

    /// <summary>Options that take a value (<c>name=</c>) or are matched by prefix, with the version that introduced them.</summary>
    private static readonly (string Prefix, Version Since)[] Prefixes =
    [
        ("defaultsite=", Always), ("vport=", Always), ("protocol=", Always), ("name=", Always), ("disable-pmtu-discovery=", Always),
        ("tcpkeepalive=", Always), ("cert=", Always), ("key=", Always), ("version=", Always), ("options=", Always), ("cipher=", Always),
        ("clientca=", Always), ("cafile=", Always), ("capath=", Always), ("crlfile=", Always), ("dhparams=", Always), ("sslflags=", Always),
        ("sslcontext=", Always), ("dynamic_cert_mem_cache_size=", Always),
        ("tls-dh=", new(3, 5, 13)), ("tls-", new(4, 0, 1)), ("generate-host-certificates", new(4, 0, 1)),
    ];

    /// <summary>Options squid accepts only on a port that is already in accelerator mode (FATAL otherwise, since 3.2).</summary>
    private static readonly string[] NeedAccel = ["defaultsite=", "vport", "vport=", "protocol=", "allow-direct"];

    private static readonly Version ModeRulesSince = new(3, 2);

    /// <summary>The version from which <paramref name="option"/> exists, or null when no squid knows it.</summary>
    public static Version? Since(string option)
    {
        if (Words.TryGetValue(option, out var since))
        {
            return since;
        }

        Version? best = null;
        foreach (var (prefix, from) in Prefixes)
        {
            if (option.StartsWith(prefix, StringComparison.Ordinal) && (best is null || from < best))
            {
                best = from;
            }
        }

        return best;
    }

    private static IEnumerable<string> Known() => Words.Keys.Concat(Prefixes.Select(p => p.Prefix.TrimEnd('=')));

    /// <summary>The fatal errors on one port line, each at the word squid stops on.</summary>
    public static void Check(SquidLine line, Version? version, ImmutableArray<BindDiagnostic>.Builder diagnostics)
    {
        var directive = line.Name == "ascii_port" ? "http_port" : line.Name;
        if (line.Args.Length == 0)
        {
            diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, $"'{line.Name}' needs a port ([address:]port); squid refuses to start.", line.NameLocation));
            return;
        }

        var spec = line.Args[0];
        if (SpecError(spec.Value, directive) is { } error)
        {
            diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, error, line.At(spec)));
            return;
        }

        var (accel, intercept, tproxy) = (false, false, false);
        var modeRules = version is null || version >= ModeRulesSince;
        var tlsRules = version is null || version >= TlsRulesSince;
        var (encrypts, hasCert) = (false, false);
        foreach (var word in line.Args.Skip(1))
        {
            var option = word.Value;
            if (TlsOption(option) is { } tls)
            {
                if (tls.StartsWith("key=", StringComparison.Ordinal) && !hasCert && tlsRules)
                {
                    diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"'{option}' comes before any cert= on this {directive}; squid stops with \"cert= option must be set before key= is used\".", line.At(word)));
                    return;
                }

                hasCert |= tls.StartsWith("cert=", StringComparison.Ordinal);
                encrypts |= EncryptsTransport(tls);
            }

            var since = Since(option);
            if (since is null || (version is not null && version < since))
            {
                var hint = since is not null
                    ? $" It exists from squid {since.ToString(since.Build > 0 ? 3 : 2)} on; this deployment shows squid {version}."
                    : EditDistance.Closest(Known(), option.Split('=')[0], 2) is { } closest ? $" Did you mean '{closest}'?" : string.Empty;
                diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                    $"Unknown {directive} option '{option}'; squid stops with \"FATAL: Unknown {directive} option\".{hint}", line.At(word)));
                return;
            }

            if (!modeRules)
            {
                continue;
            }

            string? conflict = null;
            switch (option)
            {
                case "accel":
                    conflict = intercept || tproxy ? "an accelerator port cannot also intercept ('accel' after 'intercept'/'tproxy')" : null;
                    accel = true;
                    break;
                case "vhost":
                    accel = true;
                    break;
                case "intercept" or "transparent":
                    conflict = accel || tproxy ? $"'{option}' needs its own port; it cannot share one with '{(accel ? "accel" : "tproxy")}'" : null;
                    intercept = true;
                    break;
                case "tproxy":
                    conflict = intercept || accel ? $"'tproxy' needs its own port; it cannot share one with '{(accel ? "accel" : "intercept")}'" : null;
                    tproxy = true;
                    break;
                default:
                    if (!accel && NeedAccel.Any(n => n.EndsWith('=') ? option.StartsWith(n, StringComparison.Ordinal) : option == n))
                    {
                        conflict = $"'{option}' needs accelerator mode: put 'accel' before it";
                    }
                    else if (option.StartsWith("protocol=", StringComparison.Ordinal)
                        && option[9..].ToUpperInvariant() is not ("HTTP" or "HTTP/1.1" or "HTTPS" or "HTTPS/1.1" or "FTP"))
                    {
                        conflict = $"'{option}' is not a protocol squid serves (HTTP, HTTPS or FTP)";
                    }
                    else if (option.StartsWith("disable-pmtu-discovery=", StringComparison.Ordinal) && option[23..] is not ("off" or "transparent" or "always"))
                    {
                        conflict = $"'{option}' must be off, transparent or always";
                    }

                    break;
            }

            if (conflict is not null)
            {
                diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, $"On {directive}, {conflict}; squid refuses to start.", line.At(word)));
                return;
            }
        }

        // The port's protocol: the directive's, or what protocol= says (an accelerator may serve HTTP on https_port).
        var transport = directive switch { "https_port" => "HTTPS", "ftp_port" => "FTP", _ => "HTTP" };
        if (line.Args.Skip(1).LastOrDefault(a => a.Value.StartsWith("protocol=", StringComparison.Ordinal)) is { } protocol)
        {
            transport = protocol.Value[9..].ToUpperInvariant().Split('/')[0];
        }

        encrypts |= transport == "HTTPS";
        var has = (string o) => line.Args.Skip(1).FirstOrDefault(a => a.Value == o);
        var unsupported = transport switch
        {
            "HTTPS" when has("require-proxy-header") is { } w => (w, "require-proxy-header is not supported on HTTPS ports"),
            "HTTPS" when (has("ssl-bump") ?? has("sslBump")) is { } w && !intercept && !tproxy => (w, "ssl-bump on https_port requires tproxy/intercept"),
            "FTP" when (has("ssl-bump") ?? has("sslBump")) is { } w => (w, "ssl-bump is not supported for ftp_port"),
            "FTP" when has("require-proxy-header") is { } w => (w, "require-proxy-header option is not supported on ftp_port"),
            _ => default((SquidWord, string)?),
        };
        if (unsupported is var (at, what))
        {
            diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, $"On {directive}, {what}; squid refuses to start.", line.At(at)));
            return;
        }

        if (encrypts && !hasCert && tlsRules)
        {
            diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                $"This {directive} {(directive == "https_port" ? "serves TLS" : "has TLS options")} but no cert= (or tls-cert=); squid stops with \"FATAL: {directive} requires a cert= parameter\".",
                line.NameLocation));
        }
    }

    /// <summary>squid 4.2 added the check that a TLS port has a certificate ("… requires a cert= parameter").</summary>
    private static readonly Version TlsRulesSince = new(4, 2);

    /// <summary>The option as squid's TLS option parser sees it (<c>tls-cert=x</c> and <c>cert=x</c> are both <c>cert=x</c>), or null.</summary>
    private static string? TlsOption(string option) =>
        option.StartsWith("tls-", StringComparison.Ordinal) ? option[4..]
        : option.StartsWith("sslflags=", StringComparison.Ordinal) ? option[3..]
        : option.StartsWith("sslcontext=", StringComparison.Ordinal) ? option[3..]
        : new[] { "cert=", "key=", "version=", "options=", "cipher=", "clientca=", "cafile=", "capath=", "crlfile=", "dhparams=" }
            .Any(p => option.StartsWith(p, StringComparison.Ordinal)) ? option : null;

    /// <summary>
    /// Whether a TLS option turns the port's TLS on (Security::PeerOptions::parse sets encryptTransport for each option
    /// it knows; the server-only ones — clientca=, dh=, dhparams=, context=, the certificate generator's — do not).
    /// </summary>
    private static bool EncryptsTransport(string tls) =>
        tls.Length == 0
        || new[] { "cert=", "key=", "version=", "min-version=", "options=", "cipher=", "cafile=", "capath=", "crlfile=", "flags=", "default-ca", "no-default-ca", "domain=", "no-npn" }
            .Any(p => tls.StartsWith(p, StringComparison.Ordinal));

    /// <summary>squid's parsePortSpecification: <c>port</c>, <c>host:port</c> or <c>[ipv6]:port</c>, the port a number.</summary>
    private static string? SpecError(string spec, string directive)
    {
        string port;
        var withHost = true;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return $"'{spec}' has no ']' after its IPv6 address; squid stops with \"FATAL: {directive}: missing ']' on IPv6 address\".";
            }

            if (close + 1 >= spec.Length || spec[close + 1] != ':')
            {
                return $"'{spec}' has no ':port' after its IPv6 address; squid stops with \"FATAL: {directive}: missing Port\".";
            }

            port = spec[(close + 2)..];
        }
        else if (spec.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
        {
            if (spec.IndexOf(':', colon + 1) >= 0 && System.Net.IPAddress.TryParse(spec[..spec.LastIndexOf(':')], out var v6)
                && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return $"'{spec}' is an IPv6 address without brackets; squid splits it at the first ':' and stops (\"FATAL: Bungled {directive}\"). Write '[address]:port', e.g. '[::1]:3128'.";
            }

            if (colon == 0)
            {
                return $"'{spec}' has no address before ':'; squid stops with \"FATAL: {directive}: failed to resolve Host/IP\". Write the port alone to listen on every address.";
            }

            port = spec[(colon + 1)..];
        }
        else
        {
            port = spec;
            withHost = false;
        }

        var placeholder = spec.Contains("${", StringComparison.Ordinal) || spec.Contains("__", StringComparison.Ordinal) || spec.Contains('%', StringComparison.Ordinal) || spec.Contains('<', StringComparison.Ordinal)
            ? " It looks like a template placeholder: squid does not expand it, so render the file before squid reads it." : string.Empty;
        if (!long.TryParse(port, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return $"'{spec}' is not a port number; squid stops with \"FATAL: {directive}: missing Port\".{placeholder}";
        }

        if (number is < 0 or > 65535)
        {
            return $"Port '{port}' is out of range (0-65535); squid refuses to start.";
        }

        if (number == 0)
        {
            return withHost
                ? $"'{spec}' listens on port 0; squid stops with \"FATAL: {directive}: Port cannot be 0\"."
                : $"'{spec}' is not a port squid accepts (\"FATAL: {directive}: missing Port: 0\").";
        }

        return null;
    }
}

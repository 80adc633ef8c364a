using ConfigLint.Syntax;
using ConfigLint.Syntax.Tor;

namespace ConfigLint.Analysis.Engine;

/// <summary>Decides a file's language: by name first (design §6), then by content for ambiguous names.</summary>
public static partial class LanguageDetector
{
    /// <summary>The language a file name implies, or null when the name says nothing (or is ambiguous).</summary>
    public static Language? ByName(string path)
    {
        var name = Path.GetFileName(path);
        var lower = name.ToLowerInvariant();
        var parent = Path.GetFileName(Path.GetDirectoryName(path) ?? string.Empty).ToLowerInvariant();
        if (BinaryExtensions.Contains(Path.GetExtension(lower)))
        {
            // dockerfile.png is a picture, whatever its name says.
            return null;
        }

        if (lower is "torrc" or "torrc-defaults" || lower.StartsWith("torrc.", StringComparison.Ordinal) || lower.EndsWith(".torrc", StringComparison.Ordinal) || (parent == "torrc.d" && !name.StartsWith('.')))
        {
            return Language.Tor;
        }

        if (lower is "compose.yaml" or "compose.yml" or "docker-compose.yaml" or "docker-compose.yml"
            || ((lower.StartsWith("compose.", StringComparison.Ordinal) || lower.StartsWith("docker-compose.", StringComparison.Ordinal))
                && (lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal))))
        {
            return Language.Compose;
        }

        if (lower is "dockerfile" or "containerfile" || lower.StartsWith("dockerfile.", StringComparison.Ordinal) || lower.StartsWith("dockerfile-", StringComparison.Ordinal)
            || lower.EndsWith(".dockerfile", StringComparison.Ordinal))
        {
            return Language.Dockerfile;
        }

        if (lower == "squid.conf" || (lower.StartsWith("squid", StringComparison.Ordinal) && lower.EndsWith(".conf", StringComparison.Ordinal)) || lower.EndsWith(".squid.conf", StringComparison.Ordinal)
            || lower.StartsWith("squid.conf.", StringComparison.Ordinal))
        {
            return Language.Squid;
        }

        // Debian's and the official images' squid drop-ins: /etc/squid/conf.d/*.conf (often a single directive, nothing to sniff).
        var grandparent = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(path) ?? string.Empty) ?? string.Empty).ToLowerInvariant();
        if (lower.EndsWith(".conf", StringComparison.Ordinal) && parent == "conf.d" && grandparent.StartsWith("squid", StringComparison.Ordinal))
        {
            return Language.Squid;
        }

        if (lower == "nginx.conf" || lower.EndsWith(".nginx", StringComparison.Ordinal)
            || (lower.EndsWith(".conf", StringComparison.Ordinal) && parent is "nginx" or "conf.d" or "sites-enabled" or "sites-available"))
        {
            return Language.Nginx;
        }

        if (lower is "rules.v4" or "rules.v6")
        {
            return Language.Iptables;
        }

        return null;
    }

    private static readonly HashSet<string> BinaryExtensions = new(StringComparer.Ordinal)
    {
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".pdf", ".gz", ".tgz", ".zip", ".xz", ".bz2", ".zst", ".tar", ".7z",
        ".so", ".exe", ".dll", ".jar", ".class", ".pyc", ".deb", ".rpm", ".iso", ".bin",
    };

    /// <summary>Directives only a squid.conf has.</summary>
    private static readonly HashSet<string> SquidHallmarks = new(StringComparer.Ordinal)
    {
        "http_access", "http_port", "https_port", "acl", "cache_peer", "cache_dir", "refresh_pattern", "visible_hostname", "auth_param", "never_direct",
        "always_direct", "http_reply_access", "external_acl_type", "cachemgr_passwd", "delay_pools", "delay_class", "delay_parameters", "delay_access",
        "url_rewrite_program", "url_rewrite_children", "cache_mem", "cache_effective_user", "cache_mgr", "ssl_bump", "sslcrtd_program", "icap_service",
        "adaptation_access", "forwarded_for", "request_header_access", "reply_header_access", "follow_x_forwarded_for", "tcp_outgoing_address",
        "maximum_object_size", "cache_swap_low", "cache_swap_high", "dns_nameservers", "icp_port", "htcp_port", "snmp_port",
    };

    /// <summary>Whether a file with no telling name is worth reading to sniff its content.</summary>
    public static bool ShouldSniff(string path)
    {
        var lower = Path.GetFileName(path).ToLowerInvariant();
        return lower.EndsWith(".conf", StringComparison.Ordinal) || lower.EndsWith(".yml", StringComparison.Ordinal)
            || lower.EndsWith(".yaml", StringComparison.Ordinal) || lower.Contains("torrc", StringComparison.Ordinal) || IsIptablesCandidate(lower);
    }

    /// <summary>
    /// Names whose content may be iptables: <c>*.rules</c>, <c>*.nat</c>, <c>*.dump</c>, names that mention iptables,
    /// <c>*.sh</c>, and extension-less files (scripts with a shebang). Only their content decides (<see cref="ByContent"/>).
    /// </summary>
    private static bool IsIptablesCandidate(string lower) =>
        lower.EndsWith(".rules", StringComparison.Ordinal) || lower.EndsWith(".nat", StringComparison.Ordinal) || lower.EndsWith(".dump", StringComparison.Ordinal)
        || lower.Contains("iptables", StringComparison.Ordinal) || lower.Contains("ip6tables", StringComparison.Ordinal)
        || lower.EndsWith(".sh", StringComparison.Ordinal) || (!lower.Contains('.', StringComparison.Ordinal) && lower.Length > 0);

    /// <summary>Classifies by content: a torrc (mostly known tor options), a compose file (top-level <c>services:</c>).</summary>
    public static Language? ByContent(string path, string text)
    {
        var lower = Path.GetFileName(path).ToLowerInvariant();
        if (IsIptablesCandidate(lower) && !lower.EndsWith(".conf", StringComparison.Ordinal) && !lower.Contains("torrc", StringComparison.Ordinal))
        {
            // iptables-save output or a shell script of iptables commands; nothing else is read from these names.
            return ConfigLint.Syntax.Iptables.IptablesFile.Classify(text, lower.EndsWith(".sh", StringComparison.Ordinal)) == ConfigLint.Syntax.Iptables.IptablesFileKind.None
                ? null : Language.Iptables;
        }

        if (lower.EndsWith(".yml", StringComparison.Ordinal) || lower.EndsWith(".yaml", StringComparison.Ordinal))
        {
            foreach (var line in text.Split('\n').Take(2000))
            {
                if (line.StartsWith("services:", StringComparison.Ordinal))
                {
                    return Language.Compose;
                }
            }

            return null;
        }

        var known = 0;
        var other = 0;
        var squid = 0;
        var squidHallmarks = 0;
        var nginx = 0;
        var blocks = 0;
        var continued = false;
        foreach (var raw in text.Split('\n').Take(500))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // The rest of a squid line continued with '\' (an external_acl_type format spread over lines) is not a key.
            var continuation = continued;
            continued = line.EndsWith('\\');
            if (continuation)
            {
                continue;
            }

            if (line.EndsWith('{') || line.EndsWith(';') || line == "}")
            {
                nginx++;
                blocks += line.EndsWith('{') ? 1 : 0;
                continue;
            }

            // squid separates the name with any blank, vertical tab and form feed included.
            var parts = line.Split([' ', '\t', '\v', '\f'], 3, StringSplitOptions.RemoveEmptyEntries);
            var key = parts[0];
            var assignment = parts.Length > 1 && parts[1].StartsWith('='); // "name = value": an ini file, never squid
            if (!assignment && ConfigLint.Syntax.Squid.SquidDirectives.Lookup(key) is not null)
            {
                squid++;
                if (SquidHallmarks.Contains(key))
                {
                    squidHallmarks++;
                }
            }

            if (TorOptions.Lookup(key).Status is TorOptionStatus.Known or TorOptionStatus.Alias && key.Length > 3)
            {
                known++;
            }
            else
            {
                other++;
            }
        }

        // nginx: statements end with ';', blocks open with '{' (torrc and squid.conf have neither).
        if ((blocks >= 1 && nginx >= 3 && nginx >= 2 * (known + other)) || (nginx >= 1 && known == 0 && squid == 0 && (other == 0 || text.TrimEnd().EndsWith(';'))))
        {
            return Language.Nginx;
        }

        if (nginx > known + other)
        {
            return null;
        }

        // squid: directive names from squid's own table, lower case with underscores (tor's options are CamelCase,
        // nginx statements end in ';'). Either a directive only squid has and at least half the lines squid's, or — for squid's own
        // test configurations, which often exercise one directive (delay_pools, cachemgr_passwd) — every line squid's.
        var notSquid = known + other - squid;
        if (squid > known && ((squidHallmarks >= 1 && squid >= 2 && squid >= notSquid) || (notSquid == 0 && (squidHallmarks >= 1 || squid >= 2))))
        {
            return Language.Squid;
        }

        // A name that mentions torrc needs less evidence than an anonymous .conf.
        return lower.Contains("torrc", StringComparison.Ordinal)
            ? (known >= 1 && known >= other ? Language.Tor : null)
            : (known >= 2 && known >= 4 * other ? Language.Tor : null);
    }

    /// <summary>
    /// The first template marker in a file whose daemon has no such syntax (torrc, squid.conf, nginx): a Jinja/Salt/
    /// Ansible statement (<c>{% … %}</c>), a Jinja or Go expression (<c>{{ … }}</c>) or an ERB tag (<c>&lt;% … %&gt;</c>),
    /// as "Jinja '{%', line N"; null when there is none. envsubst's <c>${VAR}</c> is not a marker: the official nginx
    /// image's templates are nginx with variables.
    /// </summary>
    public static string? TemplateMarker(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length && i < 2000; i++)
        {
            var line = lines[i];
            var kind = TemplateStatement().IsMatch(line) ? "a Jinja statement '{%'"
                : TemplateExpression().IsMatch(line) ? "a template expression '{{ }}'"
                : ErbTag().IsMatch(line) ? "an ERB tag '<%'"
                : null;
            if (kind is not null)
            {
                return $"{kind}, line {i + 1}";
            }
        }

        return null;
    }

    /// <summary>
    /// A file named like a torrc variant (<c>torrc.examples</c>, <c>torrc.sample</c>) that reads as prose: at least ten
    /// non-comment lines and fewer than one in four of them a tor option.
    /// </summary>
    public static bool IsProseNamedTorrc(string path, string text)
    {
        var lower = Path.GetFileName(path).ToLowerInvariant();
        if (lower is "torrc" or "torrc-defaults" || !lower.StartsWith("torrc.", StringComparison.Ordinal))
        {
            return false;
        }

        var (known, other) = (0, 0);
        foreach (var raw in text.Split('\n').Take(500))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var key = line.Split([' ', '\t'], 2)[0];
            if (TorOptions.Lookup(key).Status is TorOptionStatus.Known or TorOptionStatus.Alias)
            {
                known++;
            }
            else
            {
                other++;
            }
        }

        return known + other >= 10 && known * 4 < known + other;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{%-?\s*(if|elif|else|endif|for|endfor|from|import|set|endset|include|macro|endmacro|block|endblock|extends|raw|endraw|call|filter|with|endwith)\b")]
    private static partial System.Text.RegularExpressions.Regex TemplateStatement();

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{-?\s*[A-Za-z_.$][^{}]*\}\}")]
    private static partial System.Text.RegularExpressions.Regex TemplateExpression();

    [System.Text.RegularExpressions.GeneratedRegex(@"<%[=-]?\s")]
    private static partial System.Text.RegularExpressions.Regex ErbTag();
}

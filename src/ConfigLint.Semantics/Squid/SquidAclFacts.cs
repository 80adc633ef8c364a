namespace ConfigLint.Semantics.Squid;

/// <summary>
/// How squid reads the values of an ACL, by type and version (squid-cache/squid, <c>src/AclRegs.cc</c>,
/// <c>src/acl/*Data.cc</c>, <c>src/acl/Acl.cc</c> at the release tags):
/// <list type="bullet">
/// <item>keyed types (<c>req_header</c>/<c>rep_header</c> header name, <c>note</c> annotation name): from 6.0.1 a later
/// line that changes the key is fatal ("Attempt to change the value of the … argument", commit 6f6e36dbf4,
/// #1210); before, squid 5 and older logged an ERROR and dropped the header line, or silently switched the
/// note name. <c>user_cert</c>/<c>ca_cert</c> attributes were fatal to change in every version.</item>
/// <item>regex types compile each pattern with POSIX <c>regcomp(REG_EXTENDED)</c>; from 6.0.1 a pattern that does not
/// compile is fatal ("POSIX regcomp(3) failure"), before it was skipped with an ERROR.</item>
/// <item>domain types keep a splay tree that, from 3.1.12 to 6.x, dies on overlapping values (<see cref="SquidDomainTree{T}"/>).</item>
/// </list>
/// </summary>
public static class SquidAclFacts
{
    public static readonly Version KeyedAclsSince = new(6, 0, 1);

    public static readonly Version FatalRegexSince = new(6, 0, 1);

    /// <summary>aclDomainCompare() gained its self_destruct() in 3.1.12 (commit 14e563cbdf); 7.0.1 merges duplicates instead.</summary>
    public static readonly Version DomainOverlapFatalFrom = new(3, 1, 12);

    public static readonly Version DomainOverlapFatalUntil = new(7, 0, 1);

    private static readonly HashSet<string> RegexTypes = new(StringComparer.Ordinal)
    {
        "browser", "dstdom_regex", "srcdom_regex", "url_regex", "urlpath_regex", "urllogin", "referer_regex", "req_header", "rep_header",
        "req_mime_type", "rep_mime_type", "peername_regex", "ssl::server_name_regex", "ident_regex", "ext_user_regex", "proxy_auth_regex",
    };

    private static readonly HashSet<string> DomainTypes = new(StringComparer.Ordinal) { "dstdomain", "srcdomain", "ssl::server_name" };

    public static bool IsRegexType(string type) => RegexTypes.Contains(type);

    public static bool IsDomainType(string type) => DomainTypes.Contains(type);

    /// <summary>What squid calls the key argument of a keyed ACL type, or null.</summary>
    public static string? KeyName(string type) => type switch
    {
        "req_header" or "rep_header" => "header-name",
        "note" => "annotation name",
        "user_cert" or "ca_cert" => "SSL certificate attribute",
        _ => null,
    };

    /// <summary>Whether changing the key is fatal for the squid version shown (the newest squid when none is).</summary>
    public static bool KeyChangeIsFatal(string type, Version? version) =>
        type is "user_cert" or "ca_cert" || version is null || version >= KeyedAclsSince;

    /// <summary>What squid does to a key change it does not refuse (squid 5 and older).</summary>
    public static string KeyChangeBefore6(string type) => type == "note"
        ? "silently matches every line of the ACL against the last annotation name, so the earlier lines do not match what they say"
        : "logs \"ERROR: ACL cannot match both … headers\" and drops this line, so its values never match";

    public static bool DomainOverlapIsFatal(Version version) => version >= DomainOverlapFatalFrom && version < DomainOverlapFatalUntil;

    /// <summary>squid's removeUnnecessaryWildcards(): leading <c>^.*</c> and <c>.*</c> are dropped before compiling.</summary>
    public static string WithoutUnnecessaryWildcards(string pattern)
    {
        if (pattern == ".*")
        {
            return pattern;
        }

        var t = pattern.StartsWith("^.*", StringComparison.Ordinal) ? pattern[3..] : pattern;
        while (t.StartsWith(".*", StringComparison.Ordinal))
        {
            t = t[2..];
        }

        return t.Length == 0 ? ".*" : t;
    }

    /// <summary>
    /// Whether squid's optimised compilation of one line's patterns fails, so that it falls back to compiling each
    /// pattern alone: patterns are grouped between case-flag changes (and after 1024 characters) and each group is
    /// compiled as <c>(p1)|(p2)|…</c>. squid 5 also falls back when a flag change or the end of the line finds no pattern
    /// since the last group while an earlier group was compiled (its compileRE() returned <c>curlist.empty()</c>).
    /// </summary>
    public static bool GroupsFail(IEnumerable<string> words, Version? version)
    {
        var squid5 = version is not null && version < FatalRegexSince;
        var group = new List<string>();
        var (icase, size, compiled) = (false, 0, 0);
        bool Flush()
        {
            if (group.Count == 0)
            {
                return squid5 && compiled > 0;
            }

            var failed = PosixRegex.Error("(" + string.Join(")|(", group) + ")") is not null;
            group.Clear();
            size = 0;
            compiled++;
            return failed;
        }

        foreach (var word in words)
        {
            if (word == "-i" || word == "+i")
            {
                if (icase != (word == "-i"))
                {
                    if (Flush())
                    {
                        return true;
                    }

                    icase = word == "-i";
                }

                continue;
            }

            group.Add(word);
            size += word.Length;
            if (size > 1024 && Flush())
            {
                return true;
            }
        }

        return (group.Count > 0 || squid5) && Flush();
    }

    /// <summary>A hint for the common mistakes: a shell glob's leading '*', a lone '+' or '?'.</summary>
    public static string RegexHint(string pattern, string error) =>
        error == PosixRegex.BadRepetition && pattern.Length > 0 && pattern[0] is '*' or '+' or '?' or '{'
            ? $" A leading '{pattern[0]}' repeats nothing: this is a regular expression, not a shell glob, and it matches anywhere in the text, so drop the '{pattern[0]}' (or write '\\{pattern[0]}' for the character itself)."
            : string.Empty;

    /// <summary>Of two overlapping domain values, the one the other already covers (the one to remove).</summary>
    public static string Narrower(string a, string b)
    {
        var (wildA, wildB) = (a.StartsWith('.'), b.StartsWith('.'));
        return wildA && !wildB ? b : wildB && !wildA ? a : a.Length >= b.Length ? a : b;
    }
}

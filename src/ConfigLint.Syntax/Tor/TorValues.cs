using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ConfigLint.Syntax.Tor;

/// <summary>How tor reads an option's value (its type in tor's option tables), where a wrong value stops tor.</summary>
public enum TorValueKind
{
    /// <summary>Read some other way (strings, file names, lists, ports and policies are checked elsewhere).</summary>
    Other,

    /// <summary>A number of bytes with an optional unit (<c>MEMUNIT</c>): <c>10 MB</c>, <c>512 kbits</c>.</summary>
    MemUnit,

    /// <summary>A number of seconds with an optional unit (<c>INTERVAL</c>): <c>10 minutes</c>.</summary>
    Interval,

    /// <summary>A number of milliseconds with an optional unit (<c>MSEC_INTERVAL</c>): <c>10 msec</c>.</summary>
    MsecInterval,

    /// <summary>A whole number from 0 to 2147483647 (<c>POSINT</c>).</summary>
    PositiveInteger,

    /// <summary>A whole number from -2147483648 to 2147483647 (<c>INT</c>).</summary>
    Integer,

    /// <summary>A decimal number (<c>DOUBLE</c>).</summary>
    Double,
}

/// <summary>
/// The values tor refuses to start with, checked as tor 0.4.8/0.4.9 reads them (src/lib/confmgt/unitparse.c and
/// typedvar.c: a number, blanks, then a unit from a fixed table, compared without case; integers in range;
/// PublishServerDescriptor's keywords; ServerTransportListenAddr's address and port), and checked against
/// <c>tor --verify-config</c> by the oracle tests. A value tor accepts gets no message.
/// </summary>
public static class TorValues
{
    private static readonly string[] MemoryUnits =
    [
        "b", "byte", "bytes", "kb", "kbyte", "kbytes", "kilobyte", "kilobytes", "kilobits", "kilobit", "kbits", "kbit",
        "m", "mb", "mbyte", "mbytes", "megabyte", "megabytes", "megabits", "megabit", "mbits", "mbit",
        "gb", "gbyte", "gbytes", "gigabyte", "gigabytes", "gigabits", "gigabit", "gbits", "gbit",
        "tb", "tbyte", "tbytes", "terabyte", "terabytes", "terabits", "terabit", "tbits", "tbit",
    ];

    private static readonly FrozenDictionary<string, long> TimeSeconds = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase)
    {
        [""] = 1, ["second"] = 1, ["seconds"] = 1, ["minute"] = 60, ["minutes"] = 60, ["hour"] = 3600, ["hours"] = 3600,
        ["day"] = 86400, ["days"] = 86400, ["week"] = 604800, ["weeks"] = 604800, ["month"] = 2629728, ["months"] = 2629728,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>tor's time units (an empty unit means seconds).</summary>
    private static readonly string[] TimeUnits = [.. TimeSeconds.Keys.Where(u => u.Length > 0)];

    /// <summary>tor's millisecond-interval units: its time units without months, and milliseconds.</summary>
    private static readonly string[] MsecUnits = ["msec", "millisecond", "milliseconds", .. TimeUnits.Where(u => !u.StartsWith("month", StringComparison.Ordinal))];

    private static readonly FrozenDictionary<string, TorValueKind> Kinds = Table();

    public static TorValueKind KindOf(string canonical) => Kinds.GetValueOrDefault(canonical, TorValueKind.Other);

    /// <summary>Why tor refuses <paramref name="value"/> for <paramref name="name"/> (a typed option), or null.</summary>
    public static string? Problem(string name, string value)
    {
        if (value.Length == 0)
        {
            return null; // an empty value sets the default
        }

        return KindOf(name) switch
        {
            TorValueKind.MemUnit => Units(name, value, MemoryUnits, "bytes, KB, MB, GB, TB, kbits, Mbits, …", null),
            TorValueKind.Interval => Units(name, value, TimeUnits, "seconds, minutes, hours, days, weeks, months", int.MaxValue),
            TorValueKind.MsecInterval => Units(name, value, MsecUnits, "msec, seconds, minutes, hours, days, weeks", null),
            TorValueKind.PositiveInteger => WholeNumber(name, value, 0),
            TorValueKind.Integer => WholeNumber(name, value, int.MinValue),
            TorValueKind.Double => double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? null
                : $"'{name}' takes a decimal number, not '{value}'{Placeholder(value)}; tor refuses to start.",
            _ => null,
        };
    }

    /// <summary>Why tor refuses a PublishServerDescriptor list, or null (tor: "Unrecognized value in PublishServerDescriptor").</summary>
    public static string? PublishServerDescriptorProblem(string value)
    {
        foreach (var raw in value.Split(','))
        {
            var item = raw.Trim(' ', '\t');
            if (item is "" or "0" or "1" || item.Equals("v1", StringComparison.OrdinalIgnoreCase) || item.Equals("v2", StringComparison.OrdinalIgnoreCase)
                || item.Equals("v3", StringComparison.OrdinalIgnoreCase) || item.Equals("bridge", StringComparison.OrdinalIgnoreCase)
                || item.Equals("hidserv", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            return $"'PublishServerDescriptor' does not know '{item}' (it takes 0, 1, v3 or bridge, separated by commas){Placeholder(item)}; tor refuses to start.";
        }

        return null;
    }

    /// <summary>
    /// Why tor refuses a ServerTransportListenAddr line (<c>transport address:port</c>, the address an IPv4 address
    /// or a bracketed IPv6 one, never a host name, the port 1–65535), or null.
    /// </summary>
    public static string? ServerTransportListenAddrProblem(string value)
    {
        var words = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            return null; // an empty line list value is ignored (with a warning)
        }

        if (words.Length < 2)
        {
            return "'ServerTransportListenAddr' needs a transport name and an address:port; tor refuses to start.";
        }

        var address = words[1];
        var colon = address.LastIndexOf(':');
        var host = colon < 0 ? address : address[..colon];
        var port = colon < 0 ? null : address[(colon + 1)..];
        var hostOk = host.StartsWith('[') && host.EndsWith(']')
            ? IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
            : TorPortSpec.IsDottedQuad(host);
        if (!hostOk || port is null)
        {
            return $"'ServerTransportListenAddr': '{address}' is not an IPv4 address:port or [IPv6 address]:port{Placeholder(address)}; tor refuses to start.";
        }

        return TorPortSpec.IsPort(port) && int.Parse(port, CultureInfo.InvariantCulture) > 0
            ? null
            : $"'ServerTransportListenAddr': port '{port}' of '{address}' is out of range (1-65535); tor refuses to start.";
    }

    private static string? Units(string name, string value, string[] units, string known, long? maxSeconds)
    {
        // A number (whole, or with a decimal point), blanks, then the unit.
        var s = value.TrimStart(' ', '\t');
        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        var digits = i;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
        {
            i++;
        }

        var number = s[digits..i];
        if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1)
        {
            return $"'{name}' takes a number with an optional unit, not '{value}'{Placeholder(value)}; tor refuses to start.";
        }

        var unit = s[i..].Trim(' ', '\t');
        if (unit.Length > 0 && !units.Contains(unit, StringComparer.OrdinalIgnoreCase))
        {
            return $"'{name}': unknown unit '{unit}' in '{value}' (tor knows {known}); tor refuses to start.";
        }

        if (negative && number.Trim('0', '.').Length > 0)
        {
            return $"'{name}' cannot be negative ('{value}'); tor refuses to start.";
        }

        if (maxSeconds is { } max && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && n * TimeSeconds[unit] > max)
        {
            return $"'{name} {value}' is too long (at most {max} seconds, about 68 years); tor refuses to start.";
        }

        return null;
    }

    private static string? WholeNumber(string name, string value, long min)
    {
        var ok = long.TryParse(value.Trim(' ', '\t'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= int.MaxValue;
        return ok ? null : $"'{name}' takes a whole number from {min} to {int.MaxValue}, not '{value}'{Placeholder(value)}; tor refuses to start.";
    }

    /// <summary>A hint when the value is a shell or template variable: tor reads it as it is.</summary>
    private static string Placeholder(string value) =>
        value.Contains("${", StringComparison.Ordinal) || value.Contains("{{", StringComparison.Ordinal) || (value.StartsWith('$') && value.Length > 1)
            ? " (an unexpanded variable: tor does not expand variables, so render the file before tor reads it, e.g. with envsubst, or write the value)"
            : string.Empty;

    private static FrozenDictionary<string, TorValueKind> Table()
    {
        var table = new Dictionary<string, TorValueKind>(StringComparer.OrdinalIgnoreCase);
        void Add(TorValueKind kind, params string[] names)
        {
            foreach (var n in names)
            {
                table[n] = kind;
            }
        }

        // The types of tor's option tables (src/app/config/config.c and the feature *_options.inc files, tor 0.4.8).
        Add(TorValueKind.MemUnit, "AccountingMax", "AuthDirFastGuarantee", "AuthDirGuardBWGuarantee", "BandwidthBurst", "BandwidthRate",
            "ConstrainedSockSize", "MaxAdvertisedBandwidth", "MaxUnparseableDescSizeToLog", "PerConnBWBurst", "PerConnBWRate",
            "RelayBandwidthBurst", "RelayBandwidthRate", "TestingMinExitFlagThreshold", "TestingMinFastFlagThreshold");
        Add(TorValueKind.Interval, "AuthDirVoteGuardGuaranteeTimeKnown", "AuthDirVoteStableGuaranteeMTBF", "AuthDirVoteStableGuaranteeMinUptime",
            "CircuitBuildTimeout", "CircuitStreamTimeout", "CircuitsAvailableTimeout", "DoSCircuitCreationDefenseTimePeriod",
            "DoSConnectionConnectDefenseTimePeriod", "DormantClientTimeout", "GuardLifetime", "HeartbeatPeriod", "KeepalivePeriod",
            "MaxCircuitDirtiness", "MaxConsensusAgeForDiffs", "MinUptimeHidServDirectoryV2", "NewCircuitPeriod", "RephistTrackTime",
            "SSLKeyLifetime", "ShutdownWaitLength", "SigningKeyLifetime", "SocksTimeout", "TestingAuthDirTimeToLearnReachability",
            "TestingAuthKeyLifetime", "TestingAuthKeySlop", "TestingClientMaxIntervalWithoutRequest", "TestingDirConnectionMaxStall",
            "TestingLinkCertLifetime", "TestingLinkKeySlop", "TestingMinTimeToReportBandwidth", "TestingSigningKeySlop",
            "TestingV3AuthInitialDistDelay", "TestingV3AuthInitialVoteDelay", "TestingV3AuthInitialVotingInterval",
            "TestingV3AuthVotingStartOffset", "TrackHostExitsExpire", "V3AuthDistDelay", "V3AuthVoteDelay", "V3AuthVotingInterval");
        Add(TorValueKind.MsecInterval, "KISTSchedRunInterval", "LogTimeGranularity", "MaxOnionQueueDelay", "TokenBucketRefillInterval");
        Add(TorValueKind.PositiveInteger, "AuthDirMaxServersPerAddr", "ClientBootstrapConsensusMaxInProgressTries", "ConnLimit",
            "DoSCircuitCreationBurst", "DoSCircuitCreationMinConnections", "DoSCircuitCreationRate", "DoSConnectionConnectBurst",
            "DoSConnectionConnectRate", "DoSConnectionMaxConcurrentCount", "HiddenServiceEnableIntroDoSBurstPerSec",
            "HiddenServiceEnableIntroDoSRatePerSec", "HiddenServiceMaxStreams", "HiddenServiceNumIntroductionPoints",
            "HiddenServicePoWQueueBurst", "HiddenServicePoWQueueRate", "MaxClientCircuitsPending", "NumCPUs", "NumDirectoryGuards",
            "NumEntryGuards", "NumPrimaryGuards", "V3AuthNIntervalsValid");
        Add(TorValueKind.Integer, "DoSCircuitCreationDefenseType", "DoSConnectionDefenseType", "MinMeasuredBWsForAuthToIgnoreAdvertised",
            "PathBiasCircThreshold", "PathBiasScaleThreshold", "PathBiasScaleUseThreshold", "PathBiasUseThreshold");
        Add(TorValueKind.Double, "AuthDirVoteGuardBwThresholdFraction", "AuthDirVoteGuardGuaranteeWFU", "CircuitPriorityHalflife",
            "DirAuthorityFallbackRate", "KISTSockBufSizeFactor", "PathBiasExtremeRate", "PathBiasExtremeUseRate", "PathBiasNoticeRate",
            "PathBiasNoticeUseRate", "PathBiasWarnRate", "PathsNeededToBuildCircuits");
        return table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}

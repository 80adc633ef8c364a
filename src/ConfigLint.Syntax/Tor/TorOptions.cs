using System.Collections.Frozen;

namespace ConfigLint.Syntax.Tor;

/// <summary>How a torrc key resolved against tor's option table.</summary>
public enum TorOptionStatus
{
    /// <summary>A current option (matched case-insensitively).</summary>
    Known,

    /// <summary>An alias tor rewrites to another option (e.g. <c>ExcludeNode</c> → <c>ExcludeNodes</c>).</summary>
    Alias,

    /// <summary>A prefix of an option name; tor accepts it with a deprecation warning.</summary>
    Abbreviation,

    /// <summary>An option tor skips with "Skipping obsolete configuration option".</summary>
    Obsolete,

    /// <summary>Tor refuses to start: "Unknown option".</summary>
    Unknown,
}

/// <summary>The result of looking a key up: status plus the canonical option name tor will use.</summary>
public readonly record struct TorOptionLookup(TorOptionStatus Status, string Canonical);

/// <summary>
/// tor 0.4.8/0.4.9's option table, written from the tor manual (tor.1.txt) and checked against
/// <c>tor --list-torrc-options</c>; aliases and obsolete options from the manual's history and the
/// behaviour of <c>tor --verify-config</c> (an oracle test keeps this table honest).
/// </summary>
public static class TorOptions
{
    /// <summary>Every current option, in tor's lookup order (case-insensitive alphabetical).</summary>
    private static readonly string[] Names =
    [
        "__AllDirActionsPrivate", "__AlwaysCongestionControl", "__ControlPort", "__DirPort",
        "__DisablePredictedCircuits", "__DisableSignalHandlers", "__DNSPort", "__ExtORPort",
        "__HashedControlSessionPassword", "__HTTPTunnelPort", "__LeaveStreamsUnattached", "__MetricsPort",
        "__NATDPort", "__ORPort", "__OwningControllerFD", "__OwningControllerProcess", "__ReloadTorrcOnSIGHUP",
        "__SbwsExit", "__SocksPort", "__TransPort", "AccelDir", "AccelName", "AccountingMax", "AccountingRule",
        "AccountingStart", "Address", "AddressDisableIPv6", "AllowNonRFC953Hostnames", "AlternateBridgeAuthority",
        "AlternateDirAuthority", "AssumeReachable", "AssumeReachableIPv6", "AuthDirBadExit", "AuthDirBadExitCCs",
        "AuthDirFastGuarantee", "AuthDirGuardBWGuarantee", "AuthDirHasIPv6Connectivity", "AuthDirInvalid",
        "AuthDirInvalidCCs", "AuthDirListBadExits", "AuthDirListMiddleOnly", "AuthDirMaxServersPerAddr",
        "AuthDirMiddleOnly", "AuthDirMiddleOnlyCCs", "AuthDirPinKeys", "AuthDirReject", "AuthDirRejectCCs",
        "AuthDirRejectRequestsUnderLoad", "AuthDirSharedRandomness", "AuthDirTestEd25519LinkKeys",
        "AuthDirTestReachability", "AuthDirVoteGuard", "AuthDirVoteGuardBwThresholdFraction",
        "AuthDirVoteGuardGuaranteeTimeKnown", "AuthDirVoteGuardGuaranteeWFU", "AuthDirVoteStableGuaranteeMinUptime",
        "AuthDirVoteStableGuaranteeMTBF", "AuthoritativeDirectory", "AutomapHostsOnResolve", "AutomapHostsSuffixes",
        "AvoidDiskWrites", "BandwidthBurst", "BandwidthRate", "Bridge", "BridgeAuthoritativeDir",
        "BridgeDistribution", "BridgePassword", "BridgeRecordUsageByCountry", "BridgeRelay", "CacheDirectory",
        "CacheDirectoryGroupReadable", "CellStatistics", "CircuitBuildTimeout", "CircuitPadding",
        "CircuitPriorityHalflife", "CircuitsAvailableTimeout", "CircuitStreamTimeout",
        "ClientBootstrapConsensusAuthorityDownloadInitialDelay",
        "ClientBootstrapConsensusAuthorityOnlyDownloadInitialDelay",
        "ClientBootstrapConsensusFallbackDownloadInitialDelay", "ClientBootstrapConsensusMaxInProgressTries",
        "ClientDNSRejectInternalAddresses", "ClientOnionAuthDir", "ClientOnly", "ClientPreferIPv6DirPort",
        "ClientPreferIPv6ORPort", "ClientRejectInternalAddresses", "ClientTransportPlugin", "ClientUseIPv4",
        "ClientUseIPv6", "CompiledProofOfWorkHash", "ConfluxClientUX", "ConfluxEnabled", "ConnDirectionStatistics",
        "ConnectionPadding", "ConnLimit", "ConsensusParams", "ConstrainedSockets", "ConstrainedSockSize",
        "ContactInfo", "ControlPort", "ControlPortFileGroupReadable", "ControlPortWriteToFile", "ControlSocket",
        "ControlSocketsGroupWritable", "CookieAuthentication", "CookieAuthFile", "CookieAuthFileGroupReadable",
        "CountPrivateBandwidth", "DataDirectory", "DataDirectoryGroupReadable", "DirAllowPrivateAddresses",
        "DirAuthority", "DirAuthorityFallbackRate", "DirCache", "DirPolicy", "DirPort", "DirPortFrontPage",
        "DirReqStatistics", "DisableAllSwap", "DisableDebuggerAttachment", "DisableNetwork", "DisableOOSCheck",
        "DNSPort", "DormantCanceledByStartup", "DormantClientTimeout", "DormantOnFirstStartup",
        "DormantTimeoutDisabledByIdleStreams", "DormantTimeoutEnabled", "DoSCircuitCreationBurst",
        "DoSCircuitCreationDefenseTimePeriod", "DoSCircuitCreationDefenseType", "DoSCircuitCreationEnabled",
        "DoSCircuitCreationMinConnections", "DoSCircuitCreationRate", "DoSConnectionConnectBurst",
        "DoSConnectionConnectDefenseTimePeriod", "DoSConnectionConnectRate", "DoSConnectionDefenseType",
        "DoSConnectionEnabled", "DoSConnectionMaxConcurrentCount", "DoSRefuseSingleHopClientRendezvous",
        "DoSStreamCreationBurst", "DoSStreamCreationDefenseType", "DoSStreamCreationEnabled",
        "DoSStreamCreationRate", "DownloadExtraInfo", "EnforceDistinctSubnets", "EntryNodes", "EntryStatistics",
        "ExcludeExitNodes", "ExcludeNodes", "ExitNodes", "ExitPolicy", "ExitPolicyRejectLocalInterfaces",
        "ExitPolicyRejectPrivate", "ExitPortStatistics", "ExitRelay", "ExtendAllowPrivateAddresses",
        "ExtendByEd25519ID", "ExtORPort", "ExtORPortCookieAuthFile", "ExtORPortCookieAuthFileGroupReadable",
        "ExtraInfoStatistics", "FallbackDir", "FamilyId", "FamilyKeyDirectory", "FascistFirewall",
        "FetchDirInfoEarly", "FetchDirInfoExtraEarly", "FetchHidServDescriptors", "FetchServerDescriptors",
        "FetchUselessDescriptors", "FirewallPorts", "GeoIPExcludeUnknown", "GeoIPFile", "GeoIPv6File",
        "GuardfractionFile", "GuardLifetime", "HardwareAccel", "HashedControlPassword", "HeartbeatPeriod",
        "HiddenServiceAllowUnknownPorts", "HiddenServiceDir", "HiddenServiceDirGroupReadable",
        "HiddenServiceEnableIntroDoSBurstPerSec", "HiddenServiceEnableIntroDoSDefense",
        "HiddenServiceEnableIntroDoSRatePerSec", "HiddenServiceExportCircuitID", "HiddenServiceMaxStreams",
        "HiddenServiceMaxStreamsCloseCircuit", "HiddenServiceNonAnonymousMode", "HiddenServiceNumIntroductionPoints",
        "HiddenServiceOnionBalanceInstance", "HiddenServicePort", "HiddenServicePoWDefensesEnabled",
        "HiddenServicePoWQueueBurst", "HiddenServicePoWQueueRate", "HiddenServiceSingleHopMode",
        "HiddenServiceStatistics", "HiddenServiceVersion", "HSLayer2Nodes", "HSLayer3Nodes", "HTTPProxy",
        "HTTPProxyAuthenticator", "HTTPSProxy", "HTTPSProxyAuthenticator", "HTTPTunnelPort", "IPv6Exit",
        "KeepalivePeriod", "KeepBindCapabilities", "KeyDirectory", "KeyDirectoryGroupReadable",
        "KISTSchedRunInterval", "KISTSockBufSizeFactor", "LearnCircuitBuildTimeout", "Log", "LogMessageDomains",
        "LogTimeGranularity", "LongLivedPorts", "MainloopStats", "MapAddress", "MaxAdvertisedBandwidth",
        "MaxCircuitDirtiness", "MaxClientCircuitsPending", "MaxConsensusAgeForDiffs", "MaxHSDirCacheBytes",
        "MaxMemInQueues", "MaxOnionQueueDelay", "MaxUnparseableDescSizeToLog", "MetricsPort", "MetricsPortPolicy",
        "MiddleNodes", "MinimalAcceptedServerVersion", "MinMeasuredBWsForAuthToIgnoreAdvertised",
        "MinUptimeHidServDirectoryV2", "MyFamily", "NATDPort", "NewCircuitPeriod", "Nickname", "NodeFamily",
        "NoExec", "NumCPUs", "NumDirectoryGuards", "NumEntryGuards", "NumPrimaryGuards", "OfflineMasterKey",
        "ORPort", "OutboundBindAddress", "OutboundBindAddressExit", "OutboundBindAddressOR", "OutboundBindAddressPT",
        "OverloadStatistics", "PaddingStatistics", "PathBiasCircThreshold", "PathBiasDropGuards",
        "PathBiasExtremeRate", "PathBiasExtremeUseRate", "PathBiasNoticeRate", "PathBiasNoticeUseRate",
        "PathBiasScaleThreshold", "PathBiasScaleUseThreshold", "PathBiasUseThreshold", "PathBiasWarnRate",
        "PathsNeededToBuildCircuits", "PerConnBWBurst", "PerConnBWRate", "PidFile", "ProtocolWarnings",
        "PublishHidServDescriptors", "PublishServerDescriptor", "ReachableAddresses", "ReachableDirAddresses",
        "ReachableORAddresses", "RecommendedClientVersions", "RecommendedServerVersions", "RecommendedVersions",
        "ReconfigDropsBridgeDescs", "ReducedCircuitPadding", "ReducedConnectionPadding", "ReducedExitPolicy",
        "ReevaluateExitPolicy", "RefuseUnknownExits", "RejectPlaintextPorts", "RelayBandwidthBurst",
        "RelayBandwidthRate", "RephistTrackTime", "RunAsDaemon", "SafeLogging", "SafeSocks", "Sandbox", "Schedulers",
        "ServerDNSAllowBrokenConfig", "ServerDNSAllowNonRFC953Hostnames", "ServerDNSDetectHijacking",
        "ServerDNSRandomizeCase", "ServerDNSResolvConfFile", "ServerDNSSearchDomains", "ServerDNSTestAddresses",
        "ServerTransportListenAddr", "ServerTransportOptions", "ServerTransportPlugin", "ShutdownWaitLength",
        "SigningKeyLifetime", "Socks4Proxy", "Socks5Proxy", "Socks5ProxyPassword", "Socks5ProxyUsername",
        "SocksPolicy", "SocksPort", "SocksTimeout", "SSLKeyLifetime", "StrictNodes", "SyslogIdentityTag", "TCPProxy",
        "TestingAuthDirTimeToLearnReachability", "TestingAuthKeyLifetime", "TestingAuthKeySlop",
        "TestingBridgeBootstrapDownloadInitialDelay", "TestingBridgeDownloadInitialDelay",
        "TestingClientConsensusDownloadInitialDelay", "TestingClientDownloadInitialDelay",
        "TestingClientMaxIntervalWithoutRequest", "TestingDirAuthVoteExit", "TestingDirAuthVoteExitIsStrict",
        "TestingDirAuthVoteGuard", "TestingDirAuthVoteGuardIsStrict", "TestingDirAuthVoteHSDir",
        "TestingDirAuthVoteHSDirIsStrict", "TestingDirConnectionMaxStall", "TestingEnableCellStatsEvent",
        "TestingEnableConnBwEvent", "TestingLinkCertLifetime", "TestingLinkKeySlop", "TestingMinExitFlagThreshold",
        "TestingMinFastFlagThreshold", "TestingMinTimeToReportBandwidth",
        "TestingServerConsensusDownloadInitialDelay", "TestingServerDownloadInitialDelay", "TestingSigningKeySlop",
        "TestingTorNetwork", "TestingV3AuthInitialDistDelay", "TestingV3AuthInitialVoteDelay",
        "TestingV3AuthInitialVotingInterval", "TestingV3AuthVotingStartOffset", "TestSocks",
        "TokenBucketRefillInterval", "TrackHostExits", "TrackHostExitsExpire", "TransPort", "TransProxyType",
        "TruncateLogFile", "UnixSocksGroupWritable", "UpdateBridgesFromAuthority", "UseBridges",
        "UseDefaultFallbackDirs", "UseEntryGuards", "UseGuardFraction", "UseMicrodescriptors", "User",
        "V3AuthDistDelay", "V3AuthNIntervalsValid", "V3AuthoritativeDirectory", "V3AuthUseLegacyKey",
        "V3AuthVoteDelay", "V3AuthVotingInterval", "V3BandwidthsFile", "VanguardsLiteEnabled",
        "VersioningAuthoritativeDirectory", "VirtualAddrNetworkIPv4", "VirtualAddrNetworkIPv6", "WarnPlaintextPorts",
    ];

    /// <summary>Aliases tor rewrites before looking an option up (config.c option_abbrevs_).</summary>
    private static readonly FrozenDictionary<string, string> AliasTable = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["AuthDirBadExitCC"] = "AuthDirBadExitCCs",
        ["AuthDirInvalidCC"] = "AuthDirInvalidCCs",
        ["AuthDirMiddleOnlyCC"] = "AuthDirMiddleOnlyCCs",
        ["AuthDirRejectCC"] = "AuthDirRejectCCs",
        ["EntryNode"] = "EntryNodes",
        ["ExcludeNode"] = "ExcludeNodes",
        ["FirewallPort"] = "FirewallPorts",
        ["LongLivedPort"] = "LongLivedPorts",
        ["HiddenServiceNode"] = "HiddenServiceNodes",
        ["HiddenServiceExcludeNode"] = "HiddenServiceExcludeNodes",
        ["NumCPU"] = "NumCPUs",
        ["RendNode"] = "RendNodes",
        ["RecommendedPackage"] = "RecommendedPackages",
        ["RendExcludeNode"] = "RendExcludeNodes",
        ["StrictEntryNode"] = "StrictEntryNodes",
        ["StrictExitNode"] = "StrictExitNodes",
        ["StrictNode"] = "StrictNodes",
        ["AllowUnverifiedNodes"] = "AllowInvalidNodes",
        ["AutomapHostSuffixes"] = "AutomapHostsSuffixes",
        ["AutomapHostOnResolve"] = "AutomapHostsOnResolve",
        ["BandwidthRateBytes"] = "BandwidthRate",
        ["BandwidthBurstBytes"] = "BandwidthBurst",
        ["DirFetchPostPeriod"] = "StatusFetchPeriod",
        ["DirServer"] = "DirAuthority",
        ["MaxConn"] = "ConnLimit",
        ["MaxMemInCellQueues"] = "MaxMemInQueues",
        ["ORBindAddress"] = "ORListenAddress",
        ["DirBindAddress"] = "DirListenAddress",
        ["SocksBindAddress"] = "SocksListenAddress",
        ["UseHelperNodes"] = "UseEntryGuards",
        ["NumHelperNodes"] = "NumEntryGuards",
        ["UseEntryNodes"] = "UseEntryGuards",
        ["NumEntryNodes"] = "NumEntryGuards",
        ["ResolvConf"] = "ServerDNSResolvConfFile",
        ["SearchDomains"] = "ServerDNSSearchDomains",
        ["ServerDNSAllowBrokenResolvConf"] = "ServerDNSAllowBrokenConfig",
        ["PreferTunnelledDirConns"] = "PreferTunneledDirConns",
        ["BridgeAuthoritativeDirectory"] = "BridgeAuthoritativeDir",
        ["VirtualAddrNetwork"] = "VirtualAddrNetworkIPv4",
        ["SocksSocketsGroupWritable"] = "UnixSocksGroupWritable",
        ["_HSLayer2Nodes"] = "HSLayer2Nodes",
        ["_HSLayer3Nodes"] = "HSLayer3Nodes",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Options tor accepts and ignores ("Skipping obsolete configuration option").</summary>
    private static readonly FrozenSet<string> ObsoleteTable = new[]
    {
        "AllowDotExit", "AllowInvalidNodes", "AllowSingleHopCircuits", "AllowSingleHopExits", "AlternateHSAuthority",
        "AuthDirBadDir", "AuthDirBadDirCCs", "AuthDirListBadDirs", "AuthDirMaxServersPerAuthAddr", "AuthDirRejectUnlisted",
        "CircuitIdleTimeout", "CloseHSClientCircuitsImmediatelyOnTimeout", "CloseHSServiceRendCircuitsImmediatelyOnTimeout",
        "ControlListenAddress", "DirListenAddress", "DisableIOCP", "DisableV2DirectoryInfo_", "DNSListenAddress",
        "DynamicDHGroups", "ExcludeSingleHopRelays", "FallbackNetworkstatusFile", "FastFirstHopPK", "FetchV2Networkstatus",
        "Group", "HiddenServiceAuthorizeClient", "HidServAuth", "HidServDirectoryV2", "MaxOnionsPending",
        "NamingAuthoritativeDirectory", "NATDListenAddress", "ORListenAddress", "PathBiasUseCloseCounts",
        "PredictedPortsRelevanceTime", "PreferTunneledDirConns", "RecommendedPackages", "SchedulerHighWaterMark__",
        "SchedulerLowWaterMark__", "SchedulerMaxFlushCells__", "SocksListenAddress", "StrictEntryNodes", "StrictExitNodes",
        "Support022HiddenServices", "TestingEnableTbEmptyEvent", "TLSECGroup", "Tor2webMode", "Tor2webRendezvousPoints",
        "TransListenAddress", "TunnelDirConns", "UseEntryGuardsAsDirGuards", "UseFilteringSSLBufferevents",
        "UseNTorHandshake", "UserspaceIOCPBuffers", "V1AuthoritativeDirectory", "VoteOnHidServDirectoriesV2",
        "WarnUnsafeSocks", "PathBiasDisableRate", "PathBiasScaleFactor", "PathBiasMultFactor", "PortForwarding",
        "PortForwardingHelper", "RunTesting", "V2AuthoritativeDirectory", "__UseFilteringSSLBufferevents",
        "TestingConsensusMaxDownloadTries", "ClientBootstrapConsensusMaxDownloadTries",
        "ClientBootstrapConsensusAuthorityOnlyMaxDownloadTries", "TestingDescriptorMaxDownloadTries",
        "TestingMicrodescMaxDownloadTries", "TestingCertMaxDownloadTries", "OptimisticData",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> Canonical =
        Names.ToFrozenDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> ObsoleteCanonical =
        ObsoleteTable.ToFrozenDictionary(n => n, n => n, StringComparer.OrdinalIgnoreCase);

    /// <summary>Port options and the address a bare port binds to.</summary>
    private static readonly FrozenDictionary<string, string> PortDefaults = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["SocksPort"] = "127.0.0.1",
        ["DNSPort"] = "127.0.0.1",
        ["TransPort"] = "127.0.0.1",
        ["NATDPort"] = "127.0.0.1",
        ["HTTPTunnelPort"] = "127.0.0.1",
        ["ControlPort"] = "127.0.0.1",
        ["ExtORPort"] = "127.0.0.1",
        ["MetricsPort"] = "127.0.0.1",
        ["ORPort"] = "0.0.0.0",
        ["DirPort"] = "0.0.0.0",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string> PolicyTable = new[]
    {
        "ExitPolicy", "SocksPolicy", "DirPolicy", "MetricsPortPolicy", "ReachableAddresses", "ReachableORAddresses",
        "ReachableDirAddresses", "AuthDirReject", "AuthDirInvalid", "AuthDirBadExit", "AuthDirMiddleOnly",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Options that take only 0 or 1 ("Allowed values are 0 and 1").</summary>
    private static readonly FrozenSet<string> BooleanTable = new[]
    {
        "AvoidDiskWrites", "BridgeRelay", "ClientDNSRejectInternalAddresses", "ClientOnly", "ClientRejectInternalAddresses",
        "ClientUseIPv4", "ClientUseIPv6", "ControlSocketsGroupWritable", "CookieAuthentication", "CookieAuthFileGroupReadable",
        "DataDirectoryGroupReadable", "DisableAllSwap", "DisableDebuggerAttachment", "DisableNetwork",
        "ExitPolicyRejectLocalInterfaces", "ExitPolicyRejectPrivate", "ExtendAllowPrivateAddresses", "FascistFirewall",
        "HiddenServiceDirGroupReadable", "HiddenServiceNonAnonymousMode", "HiddenServiceSingleHopMode", "IPv6Exit",
        "ReducedExitPolicy", "RunAsDaemon", "SafeSocks", "Sandbox", "TestSocks", "TestingTorNetwork", "UseBridges",
        "NoExec", "AutomapHostsOnResolve", "DirCache",
        "UseEntryGuards",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Options that take 0, 1 or auto.</summary>
    private static readonly FrozenSet<string> AutoBooleanTable = new[]
    {
        "ExitRelay", "ConnectionPadding", "CacheDirectoryGroupReadable", "KeyDirectoryGroupReadable",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<string> All => Names;

    public static IReadOnlyCollection<string> Obsolete => ObsoleteTable;

    public static IReadOnlyDictionary<string, string> Aliases => AliasTable;

    public static IReadOnlyCollection<string> Booleans => BooleanTable;

    public static IReadOnlyCollection<string> AutoBooleans => AutoBooleanTable;

    /// <summary>Resolves a key the way tor does: alias, then exact (case-insensitive), obsolete, then prefix.</summary>
    public static TorOptionLookup Lookup(string key)
    {
        var name = key;
        var aliased = false;
        if (AliasTable.TryGetValue(key, out var target))
        {
            name = target;
            aliased = true;
        }

        if (Canonical.TryGetValue(name, out var canonical))
        {
            return new(aliased ? TorOptionStatus.Alias : TorOptionStatus.Known, canonical);
        }

        if (ObsoleteCanonical.TryGetValue(name, out var obsolete))
        {
            return new(TorOptionStatus.Obsolete, obsolete);
        }

        if (!aliased && name.Length > 0)
        {
            foreach (var candidate in Names)
            {
                if (candidate.StartsWith(name, StringComparison.OrdinalIgnoreCase))
                {
                    return new(TorOptionStatus.Abbreviation, candidate);
                }
            }
        }

        return new(TorOptionStatus.Unknown, name);
    }

    /// <summary>The closest current option name, for "did you mean" hints.</summary>
    public static string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        if (key.Length > EditDistance.MaxLength)
        {
            return null;
        }

        var lower = key.ToLowerInvariant();
        foreach (var candidate in Names)
        {
            if (candidate.StartsWith("__", StringComparison.Ordinal))
            {
                continue;
            }

            var d = EditDistance.Compute(lower, candidate.ToLowerInvariant(), bestDistance);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }

        var limit = Math.Max(2, key.Length / 3);
        return bestDistance <= limit ? best : null;
    }

    public static bool IsPortOption(string canonical) => PortDefaults.ContainsKey(StripUnderscores(canonical));

    /// <summary>The address a port line without an address binds to (127.0.0.1 for client ports, all interfaces for ORPort/DirPort).</summary>
    public static string DefaultAddress(string canonical) => PortDefaults[StripUnderscores(canonical)];

    public static bool IsPolicyOption(string canonical) => PolicyTable.Contains(canonical);

    /// <summary>
    /// The action a policy item without accept/reject gets: ReachableAddresses and friends assume accept,
    /// the AuthDir* address lists assume reject; null where the action is required (ExitPolicy, SocksPolicy, …).
    /// </summary>
    public static bool? ImpliedPolicyAction(string canonical) => canonical switch
    {
        "ReachableAddresses" or "ReachableORAddresses" or "ReachableDirAddresses" => true,
        "AuthDirReject" or "AuthDirInvalid" or "AuthDirBadExit" or "AuthDirMiddleOnly" => false,
        _ => null,
    };

    public static bool IsBooleanOption(string canonical) => BooleanTable.Contains(canonical);

    public static bool IsAutoBooleanOption(string canonical) => AutoBooleanTable.Contains(canonical);

    /// <summary>Per-onion-service options that bind to the preceding HiddenServiceDir.</summary>
    public static bool IsPerServiceOption(string canonical) =>
        canonical.StartsWith("HiddenService", StringComparison.OrdinalIgnoreCase)
        && !canonical.Equals("HiddenServiceDir", StringComparison.OrdinalIgnoreCase)
        && !canonical.Equals("HiddenServiceSingleHopMode", StringComparison.OrdinalIgnoreCase)
        && !canonical.Equals("HiddenServiceNonAnonymousMode", StringComparison.OrdinalIgnoreCase)
        && !canonical.Equals("HiddenServiceStatistics", StringComparison.OrdinalIgnoreCase);

    private static string StripUnderscores(string name) => name.StartsWith("__", StringComparison.Ordinal) ? name[2..] : name;
}

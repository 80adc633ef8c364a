using System.Collections.Immutable;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Squid;
using Microsoft.CodeAnalysis.Text;

namespace ConfigLint.Semantics.Squid;

/// <summary>
/// Builds a <see cref="SquidConfig"/> from a main squid.conf the way squid reads it (cache_cf.cc): <c>include</c>
/// paths (several per line, globs, relative to the main file's folder, at most 16 levels, never outside the root),
/// <c>if</c>/<c>else</c>/<c>endif</c> with squid's conditions, the <c>${service_name}</c>/<c>${process_name}</c>/
/// <c>${process_number}</c> macros, <c>configuration_includes_quoted_values</c>, ACL definitions (appended on
/// redefinition; a different type is fatal) and ACL references (an undefined ACL is fatal).
/// </summary>
public static class SquidBinder
{
    /// <summary>squid's MAX_INCLUDE_DEPTH.</summary>
    public const int MaxIncludeDepth = 16;

    /// <summary>Values the macros take for the first worker of the default service.</summary>
    private static readonly (string Macro, string Value)[] Macros =
    [
        ("${service_name}", "squid"),
        ("${process_name}", "squid"),
        ("${process_number}", "1"),
    ];

    /// <summary>Directives whose trailing arguments are ACL names, with how many arguments come before the names.</summary>
    private static readonly Dictionary<string, int> AclListDirectives = new(StringComparer.Ordinal)
    {
        ["http_access"] = 1, ["adapted_http_access"] = 1, ["http_reply_access"] = 1, ["icp_access"] = 1, ["htcp_access"] = 1,
        ["htcp_clr_access"] = 1, ["miss_access"] = 1, ["snmp_access"] = 1, ["never_direct"] = 1, ["always_direct"] = 1,
        ["follow_x_forwarded_for"] = 1, ["proxy_protocol_access"] = 1, ["cache"] = 1, ["send_hit"] = 1, ["store_miss"] = 1,
        ["ssl_bump"] = 1, ["sslproxy_cert_error"] = 1, ["ident_lookup_access"] = 1, ["collapsed_forwarding_access"] = 1,
        ["url_rewrite_access"] = 1, ["store_id_access"] = 1, ["spoof_client_ip"] = 1, ["on_unsupported_protocol"] = 1,
        ["tcp_outgoing_address"] = 1, ["tcp_outgoing_tos"] = 1, ["tcp_outgoing_mark"] = 1, ["clientside_tos"] = 1, ["clientside_mark"] = 1,
        ["deny_info"] = 1, ["delay_access"] = 2, ["cache_peer_access"] = 2, ["adaptation_access"] = 2, ["icap_access"] = 2,
        ["request_header_access"] = 2, ["reply_header_access"] = 2, ["http_upgrade_request_protocols"] = 2,
    };

    public static SquidConfig Bind(SyntaxTree main, IWorkspace workspace, Version? version = null)
    {
        var state = new State(workspace, Path.GetDirectoryName(main.FullPath)!, version);
        state.Splice(main, 0);
        var acls = state.Acls;
        return new SquidConfig(main, state.Lines.ToImmutable(), state.Files.Distinct().ToImmutableArray(), state.Diagnostics.ToImmutable(), acls)
        {
            SquidVersion = version,
        };
    }

    /// <summary>The files a squid.conf includes directly (resolved, inside the root), without reporting.</summary>
    public static IReadOnlyList<string> DirectIncludes(SyntaxTree tree, IWorkspace workspace)
    {
        var result = new List<string>();
        if (tree.Root is not SquidDocumentSyntax doc)
        {
            return result;
        }

        var dir = Path.GetDirectoryName(tree.FullPath)!;
        foreach (var d in doc.Directives.Where(d => d.Name == "include"))
        {
            foreach (var path in d.Args.Where(p => p.Length > 0 && p[0] is not '!' and not '|'))
            {
                foreach (var match in Glob.Expand(workspace, dir, path))
                {
                    if (workspace.FileExists(match))
                    {
                        result.Add(match);
                    }
                }
            }
        }

        return result;
    }

    /// <summary>squid's predefined ACLs (cache_cf.cc / Acl.cc): <c>to_linklocal</c> only from 6.0.1 on.</summary>
    public static IEnumerable<(string Name, string Type, string[] Values)> Predefined(Version? version)
    {
        yield return ("all", "src", ["all"]);
        yield return ("manager", "url_regex", ["-i", "^cache_object://", "+i", "^[^:]+://[^/]+/squid-internal-mgr/"]);
        yield return ("localhost", "src", ["127.0.0.1/32", "::1"]);
        yield return ("to_localhost", "dst", ["127.0.0.0/8", "0.0.0.0/32", "::/128", "::1/128"]);
        if (version is null || version.Major >= 6)
        {
            yield return ("to_linklocal", "dst", ["169.254.0.0/16", "fe80::/10"]);
        }

        yield return ("CONNECT", "method", ["CONNECT"]);
    }

    private sealed class State(IWorkspace workspace, string baseDirectory, Version? version)
    {
        public ImmutableArray<SquidLine>.Builder Lines { get; } = ImmutableArray.CreateBuilder<SquidLine>();

        public ImmutableArray<SyntaxTree>.Builder Files { get; } = ImmutableArray.CreateBuilder<SyntaxTree>();

        public ImmutableArray<BindDiagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<BindDiagnostic>();

        public Dictionary<string, SquidAcl> Acls { get; } = CreatePredefined(version);

        private readonly IncludeStack _stack = new();
        private readonly Stack<(bool Parent, bool Branch)> _conditions = new();
        private bool _quotedValues;

        private bool Active => _conditions.All(c => c.Branch);

        private static Dictionary<string, SquidAcl> CreatePredefined(Version? version)
        {
            var acls = new Dictionary<string, SquidAcl>(StringComparer.Ordinal);
            foreach (var (name, type, values) in Predefined(version))
            {
                var acl = new SquidAcl(name, type, predefined: true);
                acl.FileValues.AddRange(values.Where(v => !v.StartsWith('-') && !v.StartsWith('+')));
                acls[name] = acl;
            }

            return acls;
        }

        public void Splice(SyntaxTree tree, int depth, SourceLocation? via = null, string? includeDirective = null)
        {
            var fullPath = tree.FullPath;
            _stack.Push(fullPath, via, includeDirective);
            Files.Add(tree);
            if (tree.Root is SquidDocumentSyntax doc)
            {
                var conditionDepth = _conditions.Count;
                foreach (var directive in doc.Directives)
                {
                    Visit(tree, directive, depth);
                }

                // squid checks if/endif balance per file; the parser already reported an unclosed 'if'.
                while (_conditions.Count > conditionDepth)
                {
                    _conditions.Pop();
                }
            }

            _stack.Pop();
        }

        private void Visit(SyntaxTree tree, SquidDirectiveSyntax directive, int depth)
        {
            if (directive.Unterminated)
            {
                return; // squid never reads it (the parser said so)
            }

            switch (directive.Name)
            {
                case "if":
                    _conditions.Push((Active, Evaluate(directive.Args)));
                    return;
                case "else":
                    if (_conditions.Count > 0)
                    {
                        var (parent, branch) = _conditions.Pop();
                        _conditions.Push((parent, !branch));
                    }

                    return;
                case "endif":
                    if (_conditions.Count > 0)
                    {
                        _conditions.Pop();
                    }

                    return;
            }

            if (directive.Info is { } info && info.IsObsoleteIn(version))
            {
                ReportObsolete(tree, directive, info.ObsoleteSince!);
            }

            if (!Active)
            {
                return;
            }

            var tokens = SquidTokenizer.Split(directive.LogicalLine, out _);
            var words = ImmutableArray.CreateBuilder<SquidWord>(tokens.Length);
            foreach (var t in tokens)
            {
                var value = t.Value;
                if (value.Contains("${", StringComparison.Ordinal))
                {
                    foreach (var (macro, replacement) in Macros)
                    {
                        value = value.Replace(macro, replacement, StringComparison.Ordinal);
                    }
                }

                words.Add(new SquidWord(value, directive.MapLogical(t.Start, t.Length), t.Quoted));
            }

            var line = new SquidLine(tree, directive, words.ToImmutable(), _quotedValues, Lines.Count);
            if (directive.Name == "include")
            {
                Include(line, depth);
                return;
            }

            Lines.Add(line);
            switch (directive.Name)
            {
                case "configuration_includes_quoted_values":
                    _quotedValues = line.Arg(0) == "on";
                    break;
                case "acl":
                    DefineAcl(line);
                    break;
                case "http_port" or "ascii_port" or "https_port" or "ftp_port":
                    SquidPortOptions.Check(line, version, Diagnostics);
                    break;
                default:
                    if (AclListDirectives.TryGetValue(SquidDirectives.Lookup(directive.Name)?.Name ?? directive.Name, out var skip))
                    {
                        CheckReferences(line, skip);
                    }

                    break;
            }
        }

        /// <summary>squid's conditions: <c>true</c>, <c>false</c>, or <c>&lt;int&gt; = &lt;int&gt;</c> (after macro expansion).</summary>
        private static bool Evaluate(ImmutableArray<string> args)
        {
            var words = args.Select(a => Macros.Aggregate(a, (v, m) => v.Replace(m.Macro, m.Value, StringComparison.Ordinal))).ToList();
            return words.Count switch
            {
                1 => words[0] == "true",
                3 => long.TryParse(words[0], out var a) && long.TryParse(words[2], out var b) && a == b,
                _ => false,
            };
        }

        private void DefineAcl(SquidLine line)
        {
            if (line.Args.Length < 2)
            {
                Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error, "'acl' needs a name and a type; squid refuses to start.", line.Location));
                return;
            }

            var name = line.Arg(0);
            var type = line.Arg(1);
            var values = line.Args.Skip(2).SkipWhile(IsFlag).ToImmutableArray();
            if (values.Length > 0 && values[0].Value == "--")
            {
                values = values[1..];
            }

            if (Acls.TryGetValue(name, out var existing))
            {
                if (existing.Type != type)
                {
                    if (existing.Predefined)
                    {
                        // squid: "UPGRADE: ACL 'manager' is now a built-in ACL. Remove it from your config file." The line is ignored.
                        return;
                    }

                    Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                        $"ACL '{name}' was defined with type '{existing.Type}' at line {existing.FirstLine?.Location.LineSpan.Start.Line + 1}; redefining it as '{type}' is fatal for squid.",
                        line.At(line.Args[1])));
                    return;
                }
            }
            else
            {
                existing = new SquidAcl(name, type, predefined: false);
                Acls[name] = existing;
            }

            existing.Definitions.Add((line, values));
            var entries = new List<AclEntry>();
            foreach (var value in values)
            {
                if (SquidAcl.IsFileReference(value, line))
                {
                    entries.AddRange((ReadValueFile(existing, value) ?? []).Select(v => new AclEntry(v, value, FileName(value.Value))));
                }
                else
                {
                    entries.Add(new AclEntry(value.Value, value, null));
                }
            }

            CheckValues(existing, line, entries);

            if (type is "any-of" or "all-of")
            {
                foreach (var value in values)
                {
                    RequireAcl(line, new SquidAclRef(value.Value, false, value));
                }
            }
        }

        private static bool IsFlag(SquidWord w) => w.Value.Length > 1 && w.Value[0] is '-' or '+' && w.Value != "--" && !char.IsDigit(w.Value[1]);

        /// <summary>
        /// Reads an ACL value file (one value per line, '#' comments) when it lies inside the linted folder; returns its
        /// entries as squid's strtokFile() hands them to the ACL (each line without surrounding blanks and without a
        /// trailing comment), or null when the file cannot be read.
        /// </summary>
        private List<string>? ReadValueFile(SquidAcl acl, SquidWord value)
        {
            var path = FileName(value.Value);
            var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(baseDirectory, path));
            var text = workspace.IsInsideRoot(full) ? workspace.ReadText(full) : null;
            if (text is null)
            {
                acl.HasUnknownValues = true;
                return null;
            }

            var entries = new List<string>();
            foreach (var raw in text.Split('\n'))
            {
                var item = raw.Trim();
                if (item.Length > 0 && item[0] != '#')
                {
                    acl.FileValues.AddRange(item.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
                    var comment = item.IndexOf(" #", StringComparison.Ordinal) is var c and >= 0 ? c : item.IndexOf("\t#", StringComparison.Ordinal);
                    entries.Add(comment >= 0 ? item[..comment].TrimEnd() : item);
                }
            }

            return entries;
        }

        private static string FileName(string value) =>
            value.StartsWith("parameters(", StringComparison.Ordinal) ? value[11..].TrimEnd(')').Trim('"') : value;

        /// <summary>One value of an ACL line in the order squid reads it; <c>File</c> names the value file it came from.</summary>
        private readonly record struct AclEntry(string Value, SquidWord Word, string? File)
        {
            public string Describe => File is null ? $"'{Value}'" : $"'{Value}' (from \"{File}\")";
        }

        /// <summary>
        /// What squid refuses in an ACL's values, by version: a keyed type whose key changes between lines, a regex that
        /// regcomp() rejects, overlapping domains (the insertion that kills squid before 7.0.1).
        /// </summary>
        private void CheckValues(SquidAcl acl, SquidLine line, List<AclEntry> entries)
        {
            var type = acl.Type;
            if (SquidAclFacts.KeyName(type) is { } keyName && entries.Count > 0)
            {
                CheckKey(acl, line, entries[0], keyName);
            }

            if (SquidAclFacts.IsRegexType(type))
            {
                // The case flags given before the values are part of the word list squid compiles (squid 5) or set its
                // starting flags (squid 6), which comes to the same grouping.
                CheckRegexes(acl, line, RegexWords(line, entries, skipKey: type is "req_header" or "rep_header"));
            }

            if (SquidAclFacts.IsDomainType(type) && version is not null && SquidAclFacts.DomainOverlapIsFatal(version))
            {
                CheckDomains(acl, line, entries);
            }
        }

        /// <summary>
        /// The words squid's RegexStrtokFile() hands a regex ACL: blanks separate them but a backslash escapes the next
        /// character, blank included (<c>Mozilla/5.0\ (X11</c> is one pattern); a quoted word names a file whose lines
        /// come instead; the case flags before the values are kept (they start a new group).
        /// </summary>
        private static List<AclEntry> RegexWords(SquidLine line, List<AclEntry> entries, bool skipKey)
        {
            var text = line.Directive.LogicalLine;
            var tokens = new List<(string Value, int Start)>();
            var i = 0;
            while (i < text.Length)
            {
                while (i < text.Length && text[i] is ' ' or '\t' or '\r' or '\n')
                {
                    i++;
                }

                if (i >= text.Length || (text[i] == '#' && tokens.Count > 0))
                {
                    break;
                }

                var start = i;
                while (i < text.Length && text[i] is not (' ' or '\t' or '\r' or '\n'))
                {
                    i += text[i] == '\\' && i + 1 < text.Length ? 2 : 1;
                }

                tokens.Add((text[start..i], start));
            }

            var files = new Queue<IGrouping<SquidWord, AclEntry>>(entries.Where(e => e.File is not null).GroupBy(e => e.Word));
            var words = new List<AclEntry>();
            var values = false;
            var keySkipped = !skipKey;
            foreach (var (value, start) in tokens.Skip(3))
            {
                var word = new SquidWord(value, line.Directive.MapLogical(start, value.Length), false);
                if (!values && value.Length > 1 && value[0] is '-' or '+' && !char.IsDigit(value[1]))
                {
                    if (value is "-i" or "+i")
                    {
                        words.Add(new AclEntry(value, word, null));
                    }

                    values = value == "--";
                    continue;
                }

                values = true;
                if (!keySkipped)
                {
                    keySkipped = true;
                    continue;
                }

                if (value[0] is '"' or '\'')
                {
                    if (files.Count > 0)
                    {
                        words.AddRange(files.Dequeue());
                    }

                    continue;
                }

                words.Add(new AclEntry(value, word, null));
            }

            return words;
        }

        private void CheckKey(SquidAcl acl, SquidLine line, AclEntry entry, string keyName)
        {
            if (acl.Key is not { } first)
            {
                acl.Key = (entry.Value, line);
                return;
            }

            if (string.Equals(first.Value, entry.Value, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            var fatal = SquidAclFacts.KeyChangeIsFatal(acl.Type, version);
            var at = $"line {first.Line.Location.LineSpan.Start.Line + 1}{(first.Line.Tree == line.Tree ? string.Empty : $" of {first.Line.Tree.Path}")}";
            var consequence = fatal
                ? $"squid {(version is null ? "6.0.1 and later" : version.ToString())} stops with \"Attempt to change the value of the {keyName} argument\""
                : $"squid {version} {SquidAclFacts.KeyChangeBefore6(acl.Type)}; from 6.0.1 on this is fatal";
            Diagnostics.Add(new BindDiagnostic("CL0001", fatal ? DiagnosticLevel.Error : DiagnosticLevel.Warning,
                $"ACL '{acl.Name}' ({acl.Type}) was declared with {keyName} '{first.Value}' at {at}; a later line cannot change it to '{entry.Value}': {consequence}. Use a separate ACL (and 'any-of' to combine them).",
                line.At(entry.Word)));
        }

        /// <summary>
        /// squid compiles the patterns of one acl line in groups — consecutive patterns with the same case flag, joined as
        /// <c>(a)|(b)|…</c> — and only when a group fails does it compile each pattern alone (ACLRegexData::parse,
        /// compileOptimisedREs). So a pattern that is wrong alone but valid inside its group (<c>1)+(</c>) passes, and
        /// a group failure makes every invalid pattern count: squid 6 stops at the first, squid 5 skips each one
        /// (each is reported: all of them need fixing).
        /// </summary>
        private void CheckRegexes(SquidAcl acl, SquidLine line, List<AclEntry> words)
        {
            var patterns = words.Where(w => w.Value is not ("-i" or "+i")).Select(w => (Entry: w, Pattern: SquidAclFacts.WithoutUnnecessaryWildcards(w.Value))).ToList();
            if (patterns.Count == 0 || !SquidAclFacts.GroupsFail(words.Select(w => w.Value is "-i" or "+i" ? w.Value : SquidAclFacts.WithoutUnnecessaryWildcards(w.Value)), version))
            {
                return;
            }

            foreach (var (entry, pattern) in patterns)
            {
                if (PosixRegex.Error(pattern) is not { } error)
                {
                    continue;
                }

                var fatal = version is null || version >= SquidAclFacts.FatalRegexSince;
                var consequence = fatal
                    ? $"squid {(version is null ? "6.0.1 and later" : version.ToString())} stops with \"POSIX regcomp(3) failure\""
                    : $"squid {version} skips it (\"ERROR: Skipping regular expression\"), so ACL '{acl.Name}' does not match what this line says; from 6.0.1 on this is fatal";
                Diagnostics.Add(new BindDiagnostic("CL0001", fatal ? DiagnosticLevel.Error : DiagnosticLevel.Warning,
                    $"{entry.Describe} is not a valid POSIX extended regular expression ({error}): {consequence}.{SquidAclFacts.RegexHint(pattern, error)}",
                    line.At(entry.Word)));
            }
        }

        private void CheckDomains(SquidAcl acl, SquidLine line, List<AclEntry> entries)
        {
            if (acl.DomainsFailed)
            {
                return;
            }

            acl.Domains ??= new SquidDomainTree<(SquidLine, SquidWord, string?)>();
            foreach (var entry in entries)
            {
                var (fatal, existing, source) = acl.Domains.Insert(entry.Value, (line, entry.Word, entry.File));
                if (!fatal)
                {
                    continue;
                }

                var (earlierLine, _, earlierFile) = source;
                var where = earlierFile is not null ? $"from \"{earlierFile}\" on line {earlierLine.Location.LineSpan.Start.Line + 1}"
                    : earlierLine == line ? "earlier on this line"
                    : $"on line {earlierLine.Location.LineSpan.Start.Line + 1}{(earlierLine.Tree == line.Tree ? string.Empty : $" of {earlierLine.Tree.Path}")}";
                var added = entry.Value.ToLowerInvariant();
                var narrower = SquidAclFacts.Narrower(added, existing);
                var (longer, shorter) = existing.Length > added.Length ? (existing, added) : (added, existing);
                Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                    $"ACL '{acl.Name}': {entry.Describe} overlaps '{existing}' given {where}; squid {version} stops with \"ERROR: '{longer}' is a subdomain of '{shorter}'\" (squid before 7.0.1 refuses overlapping {acl.Type} values). Remove '{narrower}'.",
                    line.At(entry.Word)));
                acl.DomainsFailed = true;
                acl.Domains = null;
                return;
            }
        }

        private void ReportObsolete(SyntaxTree tree, SquidDirectiveSyntax directive, Version since)
        {
            var sinceText = since.ToString(since.Build > 0 ? 3 : 2);
            var message = version is null
                ? $"Directive '{directive.Name}' is obsolete since squid {sinceText}; squid ignores it, so this line has no effect (nothing in the deployment shows an older squid, which would still read it)."
                : $"Directive '{directive.Name}' is obsolete since squid {sinceText} and this deployment shows squid {version}; squid ignores it, so this line has no effect.";
            Diagnostics.Add(new BindDiagnostic("CL0002", DiagnosticLevel.Warning, message, new SourceLocation(tree, directive.NameSpan)));
        }

        private void CheckReferences(SquidLine line, int skip)
        {
            foreach (var word in line.Args.Skip(skip))
            {
                var name = word.Value.StartsWith('!') ? word.Value[1..] : word.Value;
                if (name.Length == 0 || word.Quoted)
                {
                    continue;
                }

                RequireAcl(line, new SquidAclRef(name, word.Value.StartsWith('!'), word));
            }
        }

        private void RequireAcl(SquidLine line, SquidAclRef reference)
        {
            if (Acls.ContainsKey(reference.Name))
            {
                return;
            }

            var hint = reference.Name == "to_linklocal"
                ? $" 'to_linklocal' is predefined only from squid 6.0.1 on (this deployment shows squid {version}); define it with 'acl to_linklocal dst 169.254.0.0/16 fe80::/10'."
                : EditDistance.Closest(Acls.Keys, reference.Name, 2) is { } closest ? $" Did you mean '{closest}'?" : string.Empty;
            Diagnostics.Add(new BindDiagnostic("CL0001", DiagnosticLevel.Error,
                $"ACL '{reference.Name}' is not defined before this line; squid stops with 'ACL not found'.{hint}", line.At(reference.Word)));
        }

        private void Include(SquidLine line, int depth)
        {
            foreach (var word in line.Args)
            {
                if (_stack.Exhausted)
                {
                    return;
                }

                var path = word.Value;
                var location = line.At(word);
                if (path.Length > 0 && path[0] is '!' or '|')
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Note,
                        $"'include {path}' runs a command and reads its output as configuration; ConfigLint cannot see that part.", location));
                    continue;
                }

                var absolute = Path.IsPathRooted(path);
                var full = Path.GetFullPath(absolute ? path : Path.Combine(baseDirectory, path));
                if (!workspace.IsInsideRoot(full))
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", absolute ? DiagnosticLevel.Note : DiagnosticLevel.Warning,
                        absolute
                            ? $"'include {path}' names a path outside the linted folder (inside the container, most likely); it is not analysed."
                            : $"'include {path}' points outside the linted folder; ConfigLint never reads files there.", location));
                    continue;
                }

                var matches = Glob.Expand(workspace, baseDirectory, path).Where(workspace.FileExists).ToList();
                if (matches.Count == 0)
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", absolute ? DiagnosticLevel.Note : DiagnosticLevel.Error,
                        absolute
                            ? $"'include {path}' matches no file in the linted folder (it may exist inside the container); it is not analysed."
                            : $"'include {path}' matches no file; squid refuses to start.", location));
                    continue;
                }

                if (depth + 1 > MaxIncludeDepth)
                {
                    Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error,
                        $"'include {path}' nests deeper than squid's limit of {MaxIncludeDepth} levels; squid refuses to start.", location));
                    continue;
                }

                foreach (var match in matches)
                {
                    if (_stack.Contains(match))
                    {
                        _stack.ReportCycle(match, location, $"include {path}", $"squid refuses to start (\"includes are nested too deeply (>{MaxIncludeDepth})\").", Diagnostics);
                        continue;
                    }

                    var included = workspace.GetTree(match, Language.Squid, out var error);
                    if (included is null)
                    {
                        Diagnostics.Add(new BindDiagnostic("CL0004", DiagnosticLevel.Error, $"'include {path}': {error ?? "the file cannot be read"}.", location));
                        continue;
                    }

                    if (!_stack.Admit(location, $"include {path}", Diagnostics))
                    {
                        return;
                    }

                    Splice(included, depth + 1, location, $"include {path}");
                }
            }
        }
    }
}

using System.Text.RegularExpressions;
using ConfigLint.Semantics.Nginx;
using ConfigLint.Syntax;
using ConfigLint.Syntax.Nginx;
using ConfigLint.Tests.Testing;
using Microsoft.CodeAnalysis.Text;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Oracle;

/// <summary>The real nginx (<c>nginx -t</c>) is the judge of what is a valid nginx configuration.</summary>
public partial class NginxOracleTests(ITestOutputHelper output)
{
    /// <summary>
    /// Tests a file with <c>nginx -t</c>: a main file directly, a fragment inside the context nginx would include it in
    /// (http for server blocks, server for location blocks). Returns whether nginx accepts it and nginx's error line in the file.
    /// </summary>
    private static bool NginxAccepts(string file, string work, out int? errorLine, out string log)
    {
        var tree = NginxParser.Parse(file, SourceText.From(File.ReadAllText(file)));
        var context = NginxBinder.RootContext(tree);
        Directory.CreateDirectory(work);
        var main = file;
        if (context != "main")
        {
            main = Path.Combine(work, "nginx.conf");
            var include = context == "server" ? $"server {{ listen 127.0.0.1:8099; include {file}; }}" : $"include {file};";
            File.WriteAllText(main, $"pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\nhttp {{ access_log off; {include} }}\n");
        }

        var run = ExternalTool.Run("nginx", ["-t", "-q", "-c", main, "-p", work], work);
        log = run.Output;
        var m = Regex.Match(log, Regex.Escape(file) + @":(\d+)");
        errorLine = m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
        return run.Succeeded;
    }

    private static IEnumerable<string> CorpusNginxFiles() =>
        Directory.EnumerateFiles(Path.Combine(Repo.Corpus, "nginx"), "*.conf", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/_derived/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>Files nginx accepts (alone or in the context nginx includes them in) get no CL0001.</summary>
    [OracleFact("nginx")]
    public void Files_nginx_accepts_have_no_CL0001()
    {
        var work = Path.Combine(Path.GetTempPath(), "configlint-nginx-oracle");
        var accepted = 0;
        var failures = new List<string>();
        foreach (var file in CorpusNginxFiles())
        {
            // A fragment's relative includes resolve against the prefix of the file that includes it, which the
            // wrapper cannot reproduce; those are checked through their main files instead.
            var text = File.ReadAllText(file);
            if ((NginxBinder.RootContext(NginxParser.Parse(file, SourceText.From(text))) != "main" && Regex.IsMatch(text, @"(^|[;{}\s])include\s"))
                || !NginxAccepts(file, work, out _, out _))
            {
                continue;
            }

            accepted++;
            var result = Lint.Run(Path.GetDirectoryName(file)!, [file], ["CL0001"]);
            failures.AddRange(result.Findings.Where(f => f.Level == DiagnosticLevel.Error).Select(f => $"{file}:{f.LineSpan.Start.Line + 1}: {f.Message}"));
        }

        output.WriteLine($"nginx accepted {accepted} corpus .conf files.");
        accepted.ShouldBeGreaterThan(20);
        failures.ShouldBeEmpty();
    }

    /// <summary>Syntax mutants of accepted files that nginx rejects get CL0001 at the line nginx names.</summary>
    [OracleFact("nginx")]
    public void Mutants_nginx_rejects_are_reported_at_the_line_nginx_names()
    {
        var mutations = new (string Name, Func<string, string?> Line)[]
        {
            ("missing semicolon before a brace", l => l.TrimEnd().EndsWith(';') ? l.TrimEnd()[..^1] + "\n}" : null),
            ("stray closing brace at the end", l => null),
            ("semicolon alone", l => l + "\n;"),
            ("unterminated quote", l => l + "\nadd_header X-Broken \"oops;"),
            ("text glued to a quote", l => l + "\nadd_header \"X-A\"b c;"),
        };
        var work = Path.Combine(Path.GetTempPath(), "configlint-nginx-mutants");
        using var t = new TempTree();
        var candidates = CorpusNginxFiles().Where(f => NginxBinder.RootContext(NginxParser.Parse(f, SourceText.From(File.ReadAllText(f)))) == "server"
            || File.ReadAllText(f).TrimStart().StartsWith("server", StringComparison.Ordinal)).Where(f => NginxAccepts(f, work, out _, out _)).Take(6).ToList();
        var checkedMutants = 0;
        var misses = new List<string>();
        foreach (var file in candidates)
        {
            var lines = File.ReadAllText(file).Split('\n');
            var target = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^\s+[a-z_]+\s+[^#{}""']*;\s*$"));
            if (target < 0)
            {
                continue;
            }

            foreach (var (name, mutate) in mutations)
            {
                var replaced = mutate(lines[target]);
                if (replaced is null && !name.EndsWith("at the end", StringComparison.Ordinal))
                {
                    continue;
                }

                var mutant = (string[])lines.Clone();
                mutant[target] = replaced ?? lines[target];
                if (replaced is null)
                {
                    mutant = [.. lines, name == "unclosed block at the end" ? "server {" : "}"];
                }
                var path = t.Write(Path.Combine($"m{checkedMutants}", "site.conf"), string.Join('\n', mutant));
                if (NginxAccepts(path, work, out var nginxLine, out _) || nginxLine is null)
                {
                    continue;
                }

                checkedMutants++;
                var result = Lint.Run(t.Root, [path], ["CL0001"]);
                if (!result.Findings.Any(f => f.LineSpan.Start.Line + 1 == nginxLine && f.Level == DiagnosticLevel.Error))
                {
                    misses.Add($"{name} in {file}: nginx says line {nginxLine}, ConfigLint {string.Join(",", result.Findings.Select(f => f.LineSpan.Start.Line + 1))}");
                }
            }
        }

        output.WriteLine($"{checkedMutants} mutants rejected by nginx, {checkedMutants - misses.Count} located at nginx's line.");
        checkedMutants.ShouldBeGreaterThanOrEqualTo(20);
        misses.ShouldBeEmpty();
    }

    /// <summary>
    /// Shape mutants of full nginx.conf files nginx accepts — a ';' dropped so two lines merge, a directive put in a
    /// context it is not allowed in, a block directive without its block, a simple directive given one, arguments
    /// removed — that nginx rejects for the shape ("not allowed here", "invalid number of arguments", "has no opening
    /// {", "is not terminated by ;") get CL0001 on a span covering the line nginx names.
    /// </summary>
    [OracleFact("nginx")]
    public void Shape_mutants_nginx_rejects_are_reported_on_the_statement_nginx_names()
    {
        var mutations = new (string Name, Func<string[], int, string[]?> Apply)[]
        {
            ("';' dropped before the next directive", (l, i) => i + 1 < l.Length && Regex.IsMatch(l[i + 1], @"^\s*[a-z_]+\s+[^{}]*;\s*$") ? [.. l[..i], l[i].TrimEnd()[..^1], .. l[(i + 1)..]] : null),
            ("events-only directive after it", (l, i) => [.. l[..(i + 1)], "worker_connections 512;", .. l[(i + 1)..]]),
            ("block directive without its block", (l, i) => [.. l[..(i + 1)], "location /probe;", .. l[(i + 1)..]]),
            ("simple directive given a block", (l, i) => [.. l[..i], l[i].TrimEnd()[..^1] + " { }", .. l[(i + 1)..]]),
            ("arguments removed", (l, i) => [.. l[..i], Regex.Replace(l[i], @"^(\s*[a-z_]+)\s.*;\s*$", "$1;"), .. l[(i + 1)..]]),
        };
        var work = Path.Combine(Path.GetTempPath(), "configlint-nginx-shape-mutants");
        using var t = new TempTree();
        var mains = CorpusNginxFiles().Where(f => NginxBinder.RootContext(NginxParser.Parse(f, SourceText.From(File.ReadAllText(f)))) == "main")
            .Where(f => NginxAccepts(f, work, out _, out _)).Take(8).ToList();
        var checkedMutants = 0;
        var misses = new List<string>();
        foreach (var file in mains)
        {
            var lines = File.ReadAllText(file).Split('\n');
            var targets = Enumerable.Range(0, lines.Length).Where(i => Regex.IsMatch(lines[i], @"^\s*[a-z_]+\s+[^#{}""']*;\s*$")).Take(6);
            foreach (var target in targets)
            {
                foreach (var (name, apply) in mutations)
                {
                    if (apply(lines, target) is not { } mutant)
                    {
                        continue;
                    }

                    var path = t.Write(Path.Combine($"s{checkedMutants}-{misses.Count}-{target}-{name.Length}", "nginx.conf"), string.Join('\n', mutant));
                    if (NginxAccepts(path, work, out var nginxLine, out var log) || nginxLine is null
                        || !Regex.IsMatch(log, "is not allowed here|invalid number of arguments|has no opening|is not terminated by"))
                    {
                        continue;
                    }

                    checkedMutants++;
                    var result = Lint.Run(t.Root, [path], ["CL0001"]);
                    if (!result.Findings.Any(f => f.Level == DiagnosticLevel.Error && f.LineSpan.Start.Line + 1 <= nginxLine && nginxLine <= f.LineSpan.End.Line + 1))
                    {
                        misses.Add($"{name} in {file} (line {target + 1}): nginx says line {nginxLine} ({log.Trim()}); ConfigLint: {string.Join(" | ", result.Findings.Select(f => $"{f.LineSpan.Start.Line + 1}: {f.Message}"))}");
                    }
                }
            }
        }

        output.WriteLine($"{mains.Count} main files, {checkedMutants} shape mutants rejected by nginx, {checkedMutants - misses.Count} located on nginx's statement.");
        checkedMutants.ShouldBeGreaterThanOrEqualTo(20);
        misses.ShouldBeEmpty();
    }

    /// <summary><c>configlint fix</c> never turns an nginx file nginx accepts into one it rejects (fixtures, examples, corpus).</summary>
    [OracleFact("nginx", needsCorpus: false)]
    public void Fixed_nginx_files_still_pass_nginx_t()
    {
        var work = Path.Combine(Path.GetTempPath(), "configlint-nginx-fix-oracle");
        FixOracle.AssertDaemonAcceptsFixedFiles(Language.Nginx, "nginx", "nginx", f => NginxAccepts(f, work, out _, out _), output);
    }
}

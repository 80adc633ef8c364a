using System.Text;
using System.Text.RegularExpressions;
using ConfigLint.Analysis;
using ConfigLint.Cli;
using ConfigLint.Rules;
using ConfigLint.Syntax;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Rules;

/// <summary>Meta-tests: the catalog is consistent, documented, tested and current.</summary>
public partial class RuleCatalogTests
{
    private static readonly IReadOnlyList<IRule> All = RuleCatalog.CreateAll();

    [Fact]
    public void Generated_catalog_finds_every_rule_class()
    {
        var ids = All.Select(r => r.Descriptor.Id).ToList();
        for (var i = 1; i <= 15; i++)
        {
            ids.ShouldContain($"TOR{i:000}");
        }

        for (var i = 1; i <= 10; i++)
        {
            ids.ShouldContain($"CMP{i:000}");
        }

        for (var i = 1; i <= 11; i++)
        {
            ids.ShouldContain($"SQD{i:000}");
            ids.ShouldContain($"NGX{i:000}");
        }

        var sources = Directory.EnumerateFiles(Path.Combine(Repo.Root, "src", "ConfigLint.Rules"), "*.cs", SearchOption.AllDirectories)
            .Count(f => RuleFile().IsMatch(Path.GetFileName(f)));
        All.Count.ShouldBe(sources);
    }

    [Fact]
    public void Ids_and_names_are_unique()
    {
        All.Select(r => r.Descriptor.Id).ShouldBeUnique();
        All.Select(r => r.Descriptor.Name).ShouldBeUnique();
    }

    [Fact]
    public void Each_rule_file_is_named_after_its_id_and_class()
    {
        foreach (var rule in All)
        {
            var d = rule.Descriptor;
            var file = Directory.EnumerateFiles(Path.Combine(Repo.Root, "src", "ConfigLint.Rules"), $"{d.Id}.*.cs", SearchOption.AllDirectories).ShouldHaveSingleItem();
            Path.GetFileName(file).ShouldBe($"{d.Id}.{rule.GetType().Name}.cs");
        }
    }

    [Fact]
    public void Every_rule_has_docs_with_the_required_headings_and_tested_examples()
    {
        foreach (var rule in All)
        {
            var d = rule.Descriptor;
            var folder = Path.Combine(Repo.Root, d.DocsFolder);
            Directory.Exists(folder).ShouldBeTrue($"{d.Id}: missing {d.DocsFolder}");
            var readme = File.ReadAllText(Path.Combine(folder, "README.md"));
            readme.ShouldStartWith($"# {d.Name} ({d.Id})\n");
            readme.ShouldContain($"> {d.Title}");
            var headings = Regex.Matches(readme, "^## (.+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            var expected = new List<string> { "What it does", "Why is this bad?", "Example", "Use instead" };
            if (d.Fix != FixClass.None)
            {
                expected.Add("Fix safety");
            }

            expected.Add("References");
            headings.ShouldBe(expected, $"{d.Id} headings");
            var fix = d.Fix switch { FixClass.Safe => "safe", FixClass.Conditional => "conditional", _ => "none" };
            readme.ShouldContain($"| {d.LanguageFolder} | {d.DefaultLevel.ToText()} | {d.SecuritySeverity.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} | {fix} |");

            // The README's examples are the bad and good fixtures, so the docs are tested.
            var blocks = Regex.Matches(readme, "```[a-z]*\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
            blocks.Count.ShouldBeGreaterThanOrEqualTo(2);
            var bad = ExampleFile(folder, "bad", d.LanguageFolder);
            var good = ExampleFile(folder, "good", d.LanguageFolder);
            blocks[0].ShouldBe(File.ReadAllText(bad), $"{d.Id}: the Example block must be bad.*");
            blocks[1].ShouldBe(File.ReadAllText(good), $"{d.Id}: the Use instead block must be good.*");
            readme.ShouldContain("## References\n\n- ");
        }
    }

    /// <summary>The example a README shows: <c>bad.*</c>, or for cross-file rules the main file of the <c>bad/</c> folder.</summary>
    private static string ExampleFile(string folder, string kind, string language)
    {
        var files = Directory.EnumerateFiles(folder, kind + ".*").Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)).ToList();
        if (files.Count > 0)
        {
            return files.ShouldHaveSingleItem();
        }

        var main = language switch { "torrc" => "torrc", "compose" => "compose.yaml", "squid" => "squid.conf", "nginx" => "nginx.conf", "crossfile" => "compose.yaml", "iptables" => "rules.v4", _ => "Dockerfile" };
        var path = Path.Combine(folder, kind, main);
        if (language == "crossfile" && !File.Exists(path))
        {
            // A cross-file rule between a firewall and a torrc shows the rule set.
            path = Path.Combine(folder, kind, "rules.v4");
        }

        File.Exists(path).ShouldBeTrue($"{folder}: needs {kind}.* or {kind}/{main}");
        return path;
    }

    /// <summary>
    /// A rule the catalog gives a fix (SAFE or COND) offers one on at least one of its bad fixtures, and a rule
    /// catalogued NONE offers none: the JSON "fix" field and SARIF fixes promise only what exists.
    /// </summary>
    [Fact]
    public void Rules_with_a_catalogued_fix_offer_one_and_the_others_none()
    {
        foreach (var rule in RuleCatalog.CreateAll())
        {
            var d = rule.Descriptor;
            var folder = Path.Combine(Repo.Root, d.DocsFolder);
            var bad = Directory.EnumerateFileSystemEntries(folder, "bad*").Where(e => !e.EndsWith(".txt", StringComparison.Ordinal)).ToList();
            var fixes = bad.SelectMany(b => Lint.Run(Repo.Root, [b], [d.Id]).Findings.Where(f => f.RuleId == d.Id)).Count(f => f.Fix is not null);
            if (d.Fix == FixClass.None)
            {
                fixes.ShouldBe(0, $"{d.Id} is catalogued without a fix");
            }
            else
            {
                fixes.ShouldBeGreaterThan(0, $"{d.Id} is catalogued {d.Fix} but none of its bad fixtures gets a fix");
            }
        }
    }

    [Fact]
    public void Rule_docs_are_embedded_for_the_rule_command()
    {
        foreach (var rule in All)
        {
            RuleCatalog.ReadDocs(rule.Descriptor.DocsFolder).ShouldNotBeNull(rule.Descriptor.Id);
        }
    }

    [Fact]
    public void Descriptor_factory_rejects_mismatched_ids()
    {
        Should.Throw<ArgumentException>(() => RuleDescriptor.Create("TOR999", "x", "t", Language.Compose, DiagnosticLevel.Note, 1, FixClass.None));
        Should.Throw<ArgumentException>(() => RuleDescriptor.Create("FOO001", "x", "t", Language.Tor, DiagnosticLevel.Note, 1, FixClass.None));
        Should.Throw<ArgumentException>(() => RuleDescriptor.Create("TOR999", "Not_Kebab", "t", Language.Tor, DiagnosticLevel.Note, 1, FixClass.None));
    }

    /// <summary>rules/README.md is generated from the descriptors; regenerate with CONFIGLINT_UPDATE_CATALOG=1.</summary>
    [Fact]
    public void Rules_readme_is_current()
    {
        var sb = new StringBuilder();
        sb.Append("# Rule catalog\n\n");
        sb.Append("Generated from the rule descriptors by `RuleCatalogTests.Rules_readme_is_current`; run the tests with\n");
        sb.Append("`CONFIGLINT_UPDATE_CATALOG=1` to regenerate it. Each rule's folder holds its documentation, its `bad*`\n");
        sb.Append("fixtures (which must trigger it), its `good*` fixtures (which must not) and the approved output.\n\n");
        sb.Append("| ID | Name | Level | Score | Fix | Title |\n|---|---|---|---|---|---|\n");
        foreach (var d in CliApp.CreateDriver().Descriptors)
        {
            var fix = d.Fix switch { FixClass.Safe => "safe", FixClass.Conditional => "conditional", _ => "none" };
            var name = d.Language is null && d.Id.StartsWith("CL", StringComparison.Ordinal) ? d.Name : $"[{d.Name}]({d.DocsFolder[6..]}/README.md)";
            sb.Append($"| {d.Id} | {name} | {d.DefaultLevel.ToText()} | {d.SecuritySeverity.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} | {fix} | {d.Title} |\n");
        }

        var path = Path.Combine(Repo.Rules, "README.md");
        if (Environment.GetEnvironmentVariable("CONFIGLINT_UPDATE_CATALOG") == "1")
        {
            File.WriteAllText(path, sb.ToString());
        }

        File.ReadAllText(path).ShouldBe(sb.ToString());
    }

    [GeneratedRegex(@"^[A-Z]{2,3}\d{3}\.[A-Za-z0-9]+\.cs$")]
    private static partial Regex RuleFile();
}

/// <summary>The README's rule table names every rule with its current level and title.</summary>
public class ReadmeRuleTableTests
{
    [Fact]
    public void Readme_rule_table_matches_the_descriptors()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        foreach (var rule in RuleCatalog.CreateAll())
        {
            var d = rule.Descriptor;
            readme.ShouldContain($"| {d.Id} | {d.Name} | {d.DefaultLevel.ToText()} | {d.Title} |", customMessage: d.Id);
        }
    }
}

using ConfigLint.Tests.Testing;
using Shouldly;
using Xunit.Abstractions;

namespace ConfigLint.Tests.Rules;

/// <summary>
/// gixy's plugin test suites (yandex/gixy and the dvershinin/gixy fork, in the shared corpus) as a second opinion on
/// the NGX rules: a case file should fire the mapped rule, an <c>*_fp.conf</c> case should not.
/// </summary>
public class GixyAgreementTests(ITestOutputHelper output)
{
    /// <summary>gixy plugin → the NGX rule that covers the same risk (plugins with no NGX counterpart are left out).</summary>
    private static readonly Dictionary<string, string> RuleOfPlugin = new(StringComparer.Ordinal)
    {
        ["version_disclosure"] = "NGX001",
        ["alias_traversal"] = "NGX003",
        ["add_header_redefinition"] = "NGX004",
        ["ssrf"] = "NGX005",
        ["host_spoofing"] = "NGX006",
        ["http_splitting"] = "NGX007",
        ["origins"] = "NGX008",
        ["valid_referers"] = "NGX008",
        ["resolver_external"] = "NGX010",
        ["allow_without_deny"] = "NGX011",
    };

    /// <summary>
    /// Cases where ConfigLint disagrees with gixy on purpose, with the reason. Anything else that disagrees fails the test.
    /// </summary>
    private static readonly Dictionary<string, string> KnownDisagreements = new(StringComparer.Ordinal)
    {
        ["yandex-gixy/origins/origin_https.conf"] = "gixy runs this case with its https_only option; allowing http:// origins is not a validation weakness NGX008 reports",
        ["dvershinin-gixy/origins/origin_https.conf"] = "same case as yandex-gixy's",
        ["dvershinin-gixy/add_header_redefinition/not_secure_dropped.conf"] = "the dropped header (X-Bar) is not a security header; the catalog limits NGX004 to those",
        ["dvershinin-gixy/add_header_redefinition/not_secure_outer.conf"] = "same: the parent's X-Bar is not a security header",
    };

    [CorpusFact]
    public void NGX_rules_agree_with_gixys_plugin_suites()
    {
        var cases = 0;
        var disagreements = new List<string>();
        var stale = KnownDisagreements.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var suite in new[] { "yandex-gixy", "dvershinin-gixy" })
        {
            var root = Path.Combine(Repo.Corpus, "nginx", suite, "tests", "plugins", "simply");
            foreach (var (plugin, rule) in RuleOfPlugin)
            {
                var dir = Path.Combine(root, plugin);
                if (!Directory.Exists(dir))
                {
                    continue;
                }

                foreach (var file in Directory.EnumerateFiles(dir, "*.conf").Order(StringComparer.Ordinal))
                {
                    cases++;
                    var expected = !file.EndsWith("_fp.conf", StringComparison.Ordinal);
                    var fired = Lint.Run(dir, [file], [rule]).Of(rule).Any();
                    var key = $"{suite}/{plugin}/{Path.GetFileName(file)}";
                    if (fired != expected)
                    {
                        stale.Remove(key);
                    }

                    if (fired != expected && !KnownDisagreements.ContainsKey(key))
                    {
                        disagreements.Add($"{key}: gixy {(expected ? "reports" : "accepts")} it, {rule} {(fired ? "fires" : "does not fire")}");
                    }
                }
            }
        }

        output.WriteLine($"{cases} gixy cases, {cases - disagreements.Count - KnownDisagreements.Count} agree, {KnownDisagreements.Count} known disagreements.");
        cases.ShouldBeGreaterThan(100);
        disagreements.ShouldBeEmpty();
        stale.ShouldBeEmpty("these known disagreements agree now: remove them from the list");
    }
}

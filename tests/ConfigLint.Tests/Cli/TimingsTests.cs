using ConfigLint.Cli;
using ConfigLint.Tests.Testing;
using Shouldly;

namespace ConfigLint.Tests.Cli;

/// <summary><c>check --timings</c> and <c>CONFIGLINT_TIMINGS</c>: each phase's wall time on stderr, the report untouched.</summary>
public class TimingsTests
{
    private static readonly string[] Phases = ["setup", "discovery", "read+parse", "bind/model", "rules", "policy/suppressions", "render", "total"];

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    [InlineData("sarif")]
    public void Timings_go_to_stderr_and_leave_stdout_identical(string format)
    {
        var plain = CliRun.In(Repo.Root, "check", "examples/onion-site", "--format", format);
        var timed = CliRun.In(Repo.Root, "check", "examples/onion-site", "--format", format, "--timings");

        timed.Out.ShouldBe(plain.Out);
        timed.Code.ShouldBe(plain.Code);
        plain.Err.ShouldNotContain("timings");
        timed.Err.ShouldStartWith(plain.Err);
        var table = timed.Err[plain.Err.Length..];
        table.ShouldStartWith("configlint: timings (wall time, memory allocated):\n");
        var rows = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        var phases = rows.Where(r => r.StartsWith("  ", StringComparison.Ordinal) && !r.StartsWith("    ", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(r, @" [0-9]+\.[0-9] ms +[0-9]+\.[0-9] MiB$"))
            .Select(r => r.Trim().Split(' ')[0]).ToList();
        phases.ShouldBe(Phases);

        // The slowest rules are listed (indented) under 'rules', at most five, each a rule ID with a time.
        var rules = rows.SkipWhile(r => !r.TrimStart().StartsWith("rules ", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(r => r.StartsWith("    ", StringComparison.Ordinal)).ToList();
        rules.Count.ShouldBeInRange(1, 5);
        rules.ShouldAllBe(r => System.Text.RegularExpressions.Regex.IsMatch(r, @"^    [A-Z]+[0-9]+ +[0-9]+\.[0-9] ms$"));
        rows.ShouldContain(r => r.StartsWith("  garbage collections: ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_environment_variable_turns_timings_on()
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = CliApp.Run(["check", "examples/onion-site", "--format", "json"],
            new CliEnvironment(stdout, stderr, Repo.Root, Terminal: false, Color: false) { Timings = true });
        var plain = CliRun.In(Repo.Root, "check", "examples/onion-site", "--format", "json");

        code.ShouldBe(plain.Code);
        stdout.ToString().ShouldBe(plain.Out);
        stderr.ToString().ShouldContain("configlint: timings (wall time, memory allocated):\n");
        stderr.ToString().ShouldContain("  bind/model ");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    public void CONFIGLINT_TIMINGS_values(string? value, bool on) => CliEnvironment.TimingsFromEnvironment(value).ShouldBe(on);
}

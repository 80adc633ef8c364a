using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ConfigLint.Analysis.Engine;

/// <summary>
/// Wall time of each phase of a run (<c>check --timings</c>, <c>CONFIGLINT_TIMINGS=1</c>): each <see cref="Mark"/> closes
/// the phase that ran since the previous mark. Rules are also timed one by one (<see cref="AddRule"/>, safe to call from
/// several threads), so the slowest can be named.
/// </summary>
public sealed class PhaseTimings
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(string Phase, TimeSpan Time, long Allocated)> _phases = [];
    private readonly Dictionary<string, TimeSpan> _rules = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly int[] _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
    private readonly TimeSpan _paused = GC.GetTotalPauseDuration();
    private TimeSpan _last;
    private long _allocated = GC.GetTotalAllocatedBytes();

    /// <summary>How many of the slowest rules <see cref="Render"/> lists.</summary>
    public const int SlowestRules = 5;

    /// <summary>Ends the phase that began at the previous mark (or at creation) and records it under <paramref name="phase"/>.</summary>
    public void Mark(string phase)
    {
        lock (_gate)
        {
            var now = _clock.Elapsed;
            var allocated = GC.GetTotalAllocatedBytes();
            _phases.Add((phase, now - _last, allocated - _allocated));
            _last = now;
            _allocated = allocated;
        }
    }

    /// <summary>Adds time spent in one rule (its callbacks on every model element).</summary>
    public void AddRule(string ruleId, TimeSpan time)
    {
        lock (_gate)
        {
            _rules[ruleId] = _rules.GetValueOrDefault(ruleId) + time;
        }
    }

    /// <summary>Times a rule from a <see cref="Stopwatch.GetTimestamp"/> taken before it ran.</summary>
    public void AddRule(string ruleId, long startTimestamp) => AddRule(ruleId, Stopwatch.GetElapsedTime(startTimestamp));

    /// <summary>The phases in the order they ended, with the bytes allocated meanwhile (by every thread).</summary>
    public IReadOnlyList<(string Phase, TimeSpan Time, long Allocated)> Phases
    {
        get
        {
            lock (_gate)
            {
                return [.. _phases];
            }
        }
    }

    /// <summary>The rules, slowest first (ties by ID).</summary>
    public IReadOnlyList<(string Rule, TimeSpan Time)> Rules
    {
        get
        {
            lock (_gate)
            {
                return [.. _rules.Select(r => (r.Key, r.Value)).OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>
    /// The table printed on standard error: one line per phase, the slowest rules under <c>rules</c>, and the total
    /// since the timer started (the command's start; process start-up before it is not counted).
    /// </summary>
    public string Render()
    {
        var phases = Phases;
        var rules = Rules;
        var width = Math.Max(20, phases.Select(p => p.Phase.Length).DefaultIfEmpty(0).Max() + 2);
        var text = new StringBuilder();
        text.Append("configlint: timings (wall time, memory allocated):\n");
        foreach (var (phase, time, allocated) in phases)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {phase.PadRight(width)}{Milliseconds(time)}{Megabytes(allocated)}\n");
            if (phase == "rules")
            {
                foreach (var (rule, ruleTime) in rules.Take(SlowestRules))
                {
                    text.Append(CultureInfo.InvariantCulture, $"    {rule.PadRight(width - 2)}{Milliseconds(ruleTime)}\n");
                }
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"total".PadRight(width)}{Milliseconds(phases.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Time))}{Megabytes(phases.Sum(p => p.Allocated))}\n");
        text.Append(CultureInfo.InvariantCulture,
            $"  garbage collections: {GC.CollectionCount(0) - _collections[0]} gen0, {GC.CollectionCount(1) - _collections[1]} gen1, {GC.CollectionCount(2) - _collections[2]} gen2; paused {(GC.GetTotalPauseDuration() - _paused).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms of the total\n");
        return text.ToString();
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture).PadLeft(10) + " MiB";

    private static string Milliseconds(TimeSpan time) => time.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture).PadLeft(10) + " ms";
}

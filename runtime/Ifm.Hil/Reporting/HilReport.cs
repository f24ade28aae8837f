using System.Globalization;
using System.Text;
using Ifm.Hil.Assertions;
using Ifm.Hil.Running;

namespace Ifm.Hil.Reporting;

/// <summary>A scenario's verdict: each assertion with its result, and the exit code (0 all held, 1 any failed or the run was interrupted).</summary>
public sealed class HilReport
{
    private HilReport(RunRecord run, IReadOnlyList<(ScenarioAssertion Assertion, AssertionResult Result)> results, TimeSpan elapsed)
    {
        Run = run;
        Results = results;
        Elapsed = elapsed;
    }

    public RunRecord Run { get; }
    public IReadOnlyList<(ScenarioAssertion Assertion, AssertionResult Result)> Results { get; }
    public TimeSpan Elapsed { get; }

    public int Failures => Results.Count(r => !r.Result.Passed) + (Run.Interrupted is null ? 0 : 1);

    public int ExitCode => Failures == 0 ? 0 : 1;

    /// <summary>Evaluates every assertion of <paramref name="run"/> (an assertion that throws is a failure naming the error).</summary>
    public static HilReport Evaluate(RunRecord run, TimeSpan elapsed)
    {
        var results = new List<(ScenarioAssertion, AssertionResult)>();
        foreach (ScenarioAssertion a in run.Scenario.Assertions)
        {
            AssertionResult r = run.Trace is null ? new(false, "the runtime recorded no period", a.Describe()) : a.Evaluate(run);
            results.Add((a, r));
        }

        return new HilReport(run, results, elapsed);
    }

    /// <summary>The readable report: the run, each step as it happened, each assertion with its observed value.</summary>
    public void WriteText(TextWriter w)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = Run.Scenario;
        w.WriteLine(string.Create(inv, $"scenario {s.Name} on {Run.Target}: {Path.GetFileName(s.Model)}, {(s.Plant is { } p ? $"plant {p}" : $"map {Path.GetFileName(s.Devices)}")}, {s.RateHz:0.###} Hz × {s.DurationSeconds:0.###} s ({s.Periods} periods), overrun policy {s.OverrunPolicy}"));
        foreach (SegmentResult seg in Run.Segments)
        {
            w.WriteLine(string.Create(inv, $"  run {seg.Index}: periods {seg.FirstPeriod}–{seg.EndPeriod}, {seg.Reason}{(seg.Fault is null ? "" : $": {seg.Fault}")}{(seg.SafeStateFailures > 0 ? $", {seg.SafeStateFailures} safe-state failure(s)" : ", actuators safe")}"));
        }

        if (Run.Interrupted is { } why) w.WriteLine($"  INTERRUPTED: {why}");
        lock (Run.Events)
        {
            foreach (StepEvent e in Run.Events.OrderBy(e => e.Period))
            {
                w.WriteLine($"  step {Run.Timing.Show(e.Period)}: {e.Step.Describe()}{(e.Step.EndPeriod is { } end ? $" until {Run.Timing.Show(end)}" : "")} — {e.Outcome}");
            }
        }

        foreach (var (a, r) in Results)
        {
            w.WriteLine($"  {(r.Passed ? "PASS" : "FAIL")} {a.Name}: {r.Observed} (expected {r.Expected})");
        }

        w.WriteLine(string.Create(inv, $"{(ExitCode == 0 ? "passed" : "FAILED")}: {Results.Count - Results.Count(r => !r.Result.Passed)} of {Results.Count} assertions held, {Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>JUnit XML: one testsuite per scenario, one testcase per assertion; a failure's message is the observed value against the bound.</summary>
    /// <remarks>Written with <see cref="JUnitXml"/>, not System.Xml: XmlWriter would add several hundred KB to the binary for five element names.</remarks>
    public void WriteJUnit(string path)
    {
        var inv = CultureInfo.InvariantCulture;
        string classname = $"hil.{Run.Scenario.Name}.{Run.Target}";
        var x = new JUnitXml();
        x.Open("testsuites").Close(newline: true);
        x.Open("testsuite", ("name", $"{Run.Scenario.Name} ({Run.Target})"), ("tests", (Results.Count + (Run.Interrupted is null ? 0 : 1)).ToString(inv)),
            ("failures", Failures.ToString(inv)), ("errors", "0"), ("time", Elapsed.TotalSeconds.ToString("0.###", inv))).Close(newline: true);
        foreach (var (a, r) in Results)
        {
            x.Open("testcase", ("classname", classname), ("name", a.Name));
            if (r.Passed)
            {
                x.SelfClose();
                continue;
            }

            x.Close(newline: true).Open("failure", ("message", $"{r.Observed}; expected {r.Expected}"), ("type", a.Kind)).Close()
                .Text($"{a.Path} ({a.Kind}): {r.Observed}; expected {r.Expected}").End("failure").End("testcase");
        }

        if (Run.Interrupted is { } why)
        {
            x.Open("testcase", ("classname", classname), ("name", "scenario ran to its end")).Close(newline: true)
                .Open("failure", ("message", why)).SelfClose().End("testcase");
        }

        x.Open("system-out").Close().Text(Run.Log).End("system-out").End("testsuite").End("testsuites");
        File.WriteAllText(path, x.ToString());
    }
}

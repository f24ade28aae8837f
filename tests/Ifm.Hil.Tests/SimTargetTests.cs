using System.Xml.Linq;
using Ifm.Hil.Reporting;
using Ifm.Hil.Running;
using Xunit.Abstractions;

namespace Ifm.Hil.Tests;

/// <summary>The shipped suite and each step and assertion kind against the built-in simulated plants.</summary>
[Collection("loop")]
public sealed class SimTargetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("pong-nominal.json")]
    [InlineData("pavlov-stages.json")]
    [InlineData("overrun-count.json")]
    [InlineData("overrun-skip.json")]
    [InlineData("overrun-safe-stop.json")]
    [InlineData("servo-perturbation.json")]
    [InlineData("servo-adaptive.json")]
    public void Shipped_scenario_passes_on_sim(string file)
    {
        HilReport report = Repo.Run(Path.Combine(Repo.Hil, file));
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text);
    }

    [Fact]
    public void Stimuli_reach_the_trace_and_the_assertions_see_them()
    {
        string path = Repo.Scenario("""
            {
              "version": 1, "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 100, "durationSeconds": 2, "plasticity": "off" },
              "steps": [
                { "kind": "set", "at": 0.2, "for": 0.2, "channel": "pong.ball_x", "value": 150 },
                { "kind": "ramp", "at": 0.5, "until": 0.7, "channel": "pong.ball_y", "from": 0, "to": 100 },
                { "kind": "stuck_at", "at": 0.8, "for": 0.2, "channel": "pong.paddle_x", "value": 3 },
                { "kind": "dropout", "at": 1.1, "for": 0.3, "channel": "pong.ball_x" },
                { "kind": "noise", "at": 1.5, "for": 0.4, "channel": "pong.ball_y", "sigma": 20 }
              ],
              "assertions": [
                { "kind": "channel", "channel": "pong.ball_x", "from": 0.2, "to": 0.4, "stat": "min", "min": 150, "max": 150 },
                { "kind": "channel", "channel": "pong.ball_y", "at": 0.5, "max": 0.001 },
                { "kind": "channel", "channel": "pong.ball_y", "at": 0.69, "min": 99.99, "max": 100.01 },
                { "kind": "channel", "channel": "pong.paddle_x", "from": 0.8, "to": 1.0, "stat": "max", "max": 3 },
                { "kind": "metric", "metric": "stale_reads", "from": 1.1, "to": 1.4, "min": 30, "max": 30 },
                { "kind": "metric", "metric": "stale_reads", "to": 1.1, "max": 0 },
                { "kind": "channel", "channel": "pong.ball_x", "from": 1.1, "to": 1.4, "stat": "rms", "min": 0 },
                { "kind": "no_nan" }
              ]
            }
            """);
        HilReport report = Repo.Run(path);
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text);

        // The dropout held ball_x: constant over the window. The noise moved ball_y off the game's integer grid.
        Trace t = report.Run.Trace!;
        Assert.True(t.TryColumn("pong.ball_x", out var ballX));
        Assert.True(t.TryColumn("pong.ball_y", out var ballY));
        for (long p = 111; p < 140; p++) Assert.Equal(ballX(110), ballX(p));
        int offGrid = 0;
        for (long p = 150; p < 190; p++) offGrid += ballY(p) != MathF.Round(ballY(p)) ? 1 : 0;
        Assert.True(offGrid > 30, $"{offGrid} noisy samples");
    }

    [Fact]
    public void A_scenario_that_must_fail_fails_with_the_observed_value_in_the_report_and_junit()
    {
        string path = Repo.Scenario("""
            {
              "version": 1, "name": "blind-paddle", "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 120, "durationSeconds": 3, "plasticity": "off" },
              "steps": [ { "kind": "stuck_at", "at": 0, "channel": "pong.ball_x", "value": 0 } ],
              "assertions": [
                { "kind": "metric", "metric": "hit_rate", "min": 0.99, "name": "keeps hitting" },
                { "kind": "no_nan" }
              ]
            }
            """);
        HilReport report = Repo.Run(path);
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.Equal(1, report.ExitCode);
        Assert.Matches(@"FAIL keeps hitting: hit_rate over the run \(\d+ hits, [1-9]\d* misses\) = [0-9.]+ \(expected ≥ 0\.99\)", text);
        Assert.Contains("PASS no NaN", text, StringComparison.Ordinal);

        string xml = Path.Combine(Path.GetTempPath(), $"hil-{Guid.NewGuid():N}.xml");
        report.WriteJUnit(xml);
        XElement suite = XDocument.Load(xml).Root!.Element("testsuite")!;
        Assert.Equal("2", suite.Attribute("tests")!.Value);
        Assert.Equal("1", suite.Attribute("failures")!.Value);
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal("keeps hitting", cases[0].Attribute("name")!.Value);
        Assert.StartsWith("hit_rate over the run (", cases[0].Element("failure")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.EndsWith("; expected ≥ 0.99", cases[0].Element("failure")!.Attribute("message")!.Value, StringComparison.Ordinal);
        Assert.Null(cases[1].Element("failure"));
        File.Delete(xml);
    }

    [Fact]
    public void Device_failure_stops_the_run_with_actuators_safe()
    {
        string path = Repo.Scenario("""
            {
              "version": 1, "model": "MODELS/servo.ifm", "plant": "servo",
              "loop": { "rateHz": 100, "durationSeconds": 2, "plasticity": "off" },
              "steps": [ { "kind": "device_fail", "at": 0.5, "device": "motor", "id": "bus" } ],
              "assertions": [
                { "kind": "outcome", "reason": "fault", "contains": "motor" },
                { "kind": "safe_state", "after": "bus", "within": 2 }
              ]
            }
            """);
        HilReport report = Repo.Run(path);
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text);
        Assert.Contains("injected bus failure", text, StringComparison.Ordinal);
        Assert.InRange(report.Run.Periods, 50, 52);
    }

    [Fact]
    public void Sigterm_stops_the_runtime_in_order()
    {
        string path = Repo.Scenario("""
            {
              "version": 1, "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 100, "durationSeconds": 3, "plasticity": "off" },
              "steps": [ { "kind": "sigterm", "at": 0.5, "id": "term" } ],
              "assertions": [
                { "kind": "outcome", "reason": "cancelled" },
                { "kind": "safe_state", "after": "term", "within": 10 }
              ]
            }
            """);
        HilReport report = Repo.Run(path);
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text);
        Assert.Null(report.Run.Interrupted);
        Assert.InRange(report.Run.Periods, 50, 70);
    }

    [Fact]
    public void Cancellation_and_timeout_end_the_scenario_as_failed()
    {
        string path = Path.Combine(Repo.Hil, "pong-nominal.json");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        HilReport cancelled = Repo.Run(path, new HilOptions { Cancellation = cts.Token });
        Assert.Equal("cancelled", cancelled.Run.Interrupted);
        Assert.Equal(1, cancelled.ExitCode);
        HilReport timedOut = Repo.Run(path, new HilOptions { Timeout = TimeSpan.FromSeconds(1) });
        Assert.Equal("timed out", timedOut.Run.Interrupted);
        Assert.Contains("INTERRUPTED: timed out", Repo.Text(timedOut), StringComparison.Ordinal);
    }

    /// <summary>The static servo under the adaptive scenario's load must fail its tracking bound (and only that).</summary>
    [Fact]
    public void Static_servo_fails_the_adaptive_bound()
    {
        HilReport report = Repo.Run(Path.Combine(Repo.Hil, "servo-load-static.json"));
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.Equal(1, report.ExitCode);
        var failed = Assert.Single(report.Results, r => !r.Result.Passed);
        Assert.Equal("tracking error after recovery (RMS, 2-3 s)", failed.Assertion.Name);
    }

    /// <summary>
    /// A checkpoint step saves the learned state mid-run (the run goes on); the file reads back bit-identical to the
    /// state at its period, a second checkpoint differs from the first (learning went on), and restored_state says so.
    /// </summary>
    [Fact]
    public void Checkpoint_step_saves_the_state_at_its_period_while_the_run_goes_on()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ifm-hil-ckpt-{Guid.NewGuid():N}");
        string path = Repo.Scenario($$"""
            {
              "version": 1, "name": "ckpt", "model": "MODELS/pavlov.ifm", "plant": "pavlov",
              "loop": { "rateHz": 200, "durationSeconds": 1.2, "plasticity": "on" },
              "steps": [
                { "kind": "checkpoint", "at": 0.4, "id": "early", "path": "{{dir}}/early.ckpt" },
                { "kind": "checkpoint", "period": 200, "id": "late" }
              ],
              "assertions": [
                { "kind": "restored_state", "checkpoint": "early" },
                { "kind": "restored_state", "checkpoint": "late" },
                { "kind": "outcome", "reason": "completed" }
              ]
            }
            """);
        HilReport report = Repo.Run(path, new HilOptions { RecordDirectory = dir });
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text);
        Assert.Single(report.Run.Segments);
        Assert.Equal(240, report.Run.Periods);
        var early = Ifm.Runtime.Persistence.Checkpoint.Read(Path.Combine(dir, "early.ckpt"));
        var late = Ifm.Runtime.Persistence.Checkpoint.Read(Path.Combine(dir, "ckpt-late.ckpt"));
        Assert.Equal(200, late.Tick - early.Tick + 80);
        Assert.Contains("bit-identical at tick", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        Directory.Delete(dir, true);

        var e = Assert.Throws<Ifm.Hil.Scenarios.ScenarioException>(() => Repo.Run(Repo.Scenario("""
            { "version": 1, "model": "MODELS/pavlov.ifm", "plant": "pavlov", "loop": { "rateHz": 100, "durationSeconds": 1 },
              "steps": [ { "kind": "checkpoint", "at": 0.5, "id": "a" } ], "assertions": [ { "kind": "restored_state", "checkpoint": "b" } ] }
            """)));
        Assert.Contains("$.assertions[0].checkpoint: no checkpoint step has id 'b'; checkpoint ids: a", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The runner's stimuli and trace live on the loop thread: 0 B per period there while a scenario with every
    /// loop-thread stimulus runs. The warm-up (1,500 periods at 1 kHz = 1.5 s) is past the JIT's tiering delay.
    /// </summary>
    [Fact]
    public void Loop_thread_allocates_nothing_per_period_while_a_scenario_runs()
    {
        string path = Repo.Scenario("""
            {
              "version": 1, "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 1000, "durationSeconds": 3.5, "plasticity": "off" },
              "steps": [
                { "kind": "set", "at": 1.6, "for": 0.2, "channel": "pong.ball_x", "value": 150 },
                { "kind": "ramp", "at": 1.9, "until": 2.3, "channel": "pong.ball_y", "from": 0, "to": 100 },
                { "kind": "noise", "at": 2.4, "for": 0.3, "channel": "pong.ball_y", "sigma": 3 },
                { "kind": "stuck_at", "at": 2.8, "for": 0.2, "channel": "pong.paddle_x", "value": 3 },
                { "kind": "dropout", "at": 3.1, "for": 0.2, "channel": "pong.ball_x" }
              ],
              "assertions": [ { "kind": "no_nan" } ]
            }
            """);
        HilReport report = Repo.Run(path, new HilOptions { WarmupPeriods = 1500 });
        SegmentResult seg = Assert.Single(report.Run.Segments);
        output.WriteLine($"{seg.SteadyPeriods} steady periods, {seg.SteadyBytesPerPeriod} B/period");
        Assert.True(seg.SteadyPeriods > 1500, $"{seg.SteadyPeriods}");
        Assert.Equal(0, seg.SteadyBytesPerPeriod);
    }
}

using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;
using Ifm.Control.Loop;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Learning;
using Ifm.Runtime.Model;

namespace Ifm.Control.Tests;

/// <summary>Learning signals bound in the device map / run configuration and fed by the control loop; the watchdog inside `ifm run`.</summary>
public sealed class LearningLoopTests
{
    private static (RunReport Report, string Output) Run(RunConfig c, IReadOnlyList<ServoPerturbation> servo)
    {
        var output = new StringWriter();
        var env = new RunEnvironment
        {
            Log = new RunLog(output, output, OutputMode.Plain),
            StatusInterval = TimeSpan.FromMilliseconds(50),
            SpinWindow = TimeSpan.Zero,
            ServoPerturbations = servo,
        };
        return (RunHost.Run(c, env), output.ToString());
    }

    private static readonly ServoPerturbation[] Load = [new(1000, 1f, 0.1f, 0.4f)];

    [Fact]
    public void The_servo_map_binds_the_pes_error_so_ifm_run_adapts_to_a_load()
    {
        var pes = Run(new RunConfig { Model = Paths.Model("servo-pes.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 1.2 }, Load);
        var fixedModel = Run(new RunConfig { Model = Paths.Model("servo.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 1.2 }, Load);
        var off = Run(new RunConfig { Model = Paths.Model("servo-pes.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 1.2, Plasticity = "off" }, Load);
        Assert.Equal(0, pes.Report.ExitCode);
        Assert.Contains("learning: error out0 = -servo.error; performance = -abs(servo.error)", pes.Output, StringComparison.Ordinal);
        Assert.Contains("the model has no plastic edges", fixedModel.Output, StringComparison.Ordinal);
        double adaptive = pes.Report.Simulation!.Servo!.RecentRmsError;
        double frozen = off.Report.Simulation!.Servo!.RecentRmsError;
        double fixedRms = fixedModel.Report.Simulation!.Servo!.RecentRmsError;
        // The mechanism, with a margin: the PES integral cancels most of the load's steady error.
        Assert.True(adaptive < 0.6 * frozen && adaptive < 0.6 * fixedRms, $"last-10-s RMS: pes {adaptive:0.0000}, plasticity off {frozen:0.0000}, servo.ifm {fixedRms:0.0000}\n{pes.Output}");
        Assert.True(pes.Report.Statistics.LearningTicks >= 6000);
    }

    [Fact]
    public void A_map_run_with_simulate_feeds_the_maps_learning_signals()
    {
        var r = Run(new RunConfig { Model = Paths.Model("servo-pes.ifm"), Devices = Paths.Example("servo-sim.json"), Simulate = true, RateHz = 5000, DurationSeconds = 0.4 }, []);
        Assert.Equal(0, r.Report.ExitCode);
        Assert.Contains("learning: error out0 = -servo.error; performance = -abs(servo.error)", r.Output, StringComparison.Ordinal);
        Assert.True(r.Report.Statistics.LearningTicks >= 2000, r.Output);
        Assert.True(float.IsFinite(r.Report.Statistics.LearningPerformance) && r.Report.Statistics.LearningPerformance <= 0, r.Output);
        Assert.DoesNotContain("total |Δw| 0 ", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Steady_state_periods_allocate_nothing_with_learning_signals_bound()
    {
        IfmModel model = IfmFile.Read(Paths.Model("servo-pes.ifm"));
        DeviceMap map = DeviceMap.Load(Paths.Example("servo-sim.json"));
        map.LoopRateHz = 20000;
        var hw = Simulation.BuiltInPlants.CreateHardware("servo", 20000, servo: Load);
        using var devices = DeviceSet.Bind(map, model.InputNames, model.OutputNames, hw);
        using var session = new CpuSession(model);
        var spec = LearningSpec.Parse(map.Learning!.Value, "servo-sim.json").MergedWith(LearningSpec.Parse(
            """{"modulator": null, "groups": {"pes": {"schedule": [[0, 1], [6000, 0.5]]}}, "watchdog": {"floor": -5, "window": 50, "snapshotEvery": 1000}}""", "run.json"));
        var learning = LearningController.Create(spec, session, devices.SensorChannelNames);
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 20000, MaxPeriods = 8000, WarmupPeriods = 4000, Learning = learning });
        LoopResult r = loop.Run(CancellationToken.None);
        Assert.Equal(StopReason.Completed, r.Reason);
        Assert.Equal(4000, loop.Statistics.SteadyPeriods);
        Assert.Equal(8000, learning.Updates);
        Assert.True(learning.Watchdog!.Snapshots >= 5, $"{learning.Watchdog.Snapshots} snapshots");
        Assert.True(loop.Statistics.WatchdogSnapshotBytes > 0); // accounted separately, like checkpoint snapshots
        Assert.Equal(0, loop.Statistics.SteadyAllocatedBytes);
        Assert.Equal(-Math.Abs(hw.Servo!.Error), learning.Performance, 1); // the signal follows the plant
    }

    [Fact]
    public void The_watchdog_in_ifm_run_freezes_and_rolls_back_a_destabilising_learning_rate()
    {
        string dir = Paths.TempDir();
        string guard = Path.Combine(dir, "guard.ckpt");
        LearningSpec Destabilising(bool watchdog) => LearningSpec.Parse(
            "{\"groups\": {\"pes\": {\"rateScale\": 5}}" + // κ 0.2 × 5 = 1: oscillates (models/README.md)
            (watchdog ? $", \"watchdog\": {{\"floor\": -0.15, \"window\": 50, \"snapshotEvery\": 2000, \"checkpoint\": \"{guard}\"}}" : "") + "}", "run.json");
        var bad = Run(new RunConfig { Model = Paths.Model("servo-pes.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 0.8, Learning = Destabilising(false) }, []);
        var guarded = Run(new RunConfig { Model = Paths.Model("servo-pes.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 0.8, Learning = Destabilising(true) }, []);
        Assert.Equal(0, guarded.Report.ExitCode);
        Assert.True(guarded.Report.Statistics.LearningRollbacks >= 1, guarded.Output);
        Assert.Equal(1, guarded.Report.Statistics.LearningFrozen);
        Assert.Contains("learning watchdog: learning frozen and rolled back to the snapshot of tick", guarded.Output, StringComparison.Ordinal);
        Assert.Contains("learning FROZEN", guarded.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(guard));
        double unguarded = bad.Report.Simulation!.Servo!.RecentRmsError, safe = guarded.Report.Simulation!.Servo!.RecentRmsError;
        Assert.True(safe < 0.5 * unguarded, $"last RMS unguarded {unguarded:0.0000}, guarded {safe:0.0000}\n{bad.Output}\n{guarded.Output}");
    }

    [Fact]
    public void A_run_configuration_carries_learning_and_rejects_unknown_keys()
    {
        var c = RunConfigLoader.Parse("""{"model": "m.ifm", "sim": "servo", "learning": {"performance": "-abs(servo.error)", "watchdog": {"floor": -0.2}}}""");
        Assert.Equal("-abs(servo.error)", c.Learning!.Performance);
        Assert.Equal(-0.2f, c.Learning.Watchdog!.Floor);
        var e = Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse("""{"model": "m.ifm", "sim": "servo", "learning": {"perfromance": "1"}}"""));
        Assert.Contains("perfromance", e.Message, StringComparison.Ordinal);
        var spec = new LearningSpec { Errors = new() { ["out0"] = "1" }, Performance = "2" }.MergedWith(new LearningSpec { Performance = "3" });
        Assert.Equal("1", spec.Errors!["out0"]);
        Assert.Equal("3", spec.Performance);
    }

    [Fact]
    public void A_binding_that_names_a_missing_sensor_channel_stops_ifm_run_before_the_loop()
    {
        var e = Assert.Throws<Ifm.Core.IfmException>(() => Run(new RunConfig
        {
            Model = Paths.Model("servo-pes.ifm"), Sim = "servo", RateHz = 5000, DurationSeconds = 0.1,
            Learning = new LearningSpec { Errors = new() { ["out0"] = "servo.torque" } },
        }, []));
        Assert.Contains("learning.errors.out0: 'servo.torque': 'servo' has no channel 'torque'; its channels: servo.target, servo.position, servo.velocity, servo.error", e.Message, StringComparison.Ordinal);
    }
}

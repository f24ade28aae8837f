using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;

namespace Ifm.Control.Tests;

/// <summary>
/// The configurable answer to a NaN or infinite network output: fault (default), hold the last finite outputs, or
/// reset to the last finite state. Under every policy no non-finite value reaches an actuator.
/// </summary>
public sealed class NonFinitePolicyTests
{
    private const int Lamp = Maps.Lamp;

    private static (DeviceSet Devices, SimulatedHardware Hardware) Bind(IfmModel model)
    {
        var hw = new SimulatedHardware();
        return (DeviceSet.Bind(DeviceMap.Parse(Maps.ProbeAndLamp), model.InputNames, model.OutputNames, hw, ownsHardware: true), hw);
    }

    [Fact]
    public void Hold_rides_out_a_transient_glitch_with_the_last_finite_outputs()
    {
        var model = Models.AlwaysOn();
        var (devices, hw) = Bind(model);
        using var d = devices;
        var levels = new List<PinValue>();
        using var session = new FaultySession(new CpuSession(model)) { NaNOutputsAtRead = read =>
        {
            levels.Add(hw.Driver(0).GetLevel(Lamp)); // the command of the period before this read
            return read is >= 300 and < 310;
        } };
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 1000, MaxPeriods = 600, SpinWindow = TimeSpan.Zero, NonFinitePolicy = NonFinitePolicy.Hold, NonFiniteLimit = 20 });
        LoopResult r = loop.Run(CancellationToken.None);
        // The lamp (y ≈ 0.96 > 0.5) stayed on through the glitch: the held outputs, not NaN decoded to some level.
        Assert.All(levels.Skip(10), l => Assert.Equal(PinValue.High, l));
        Assert.Null(r.Fault);
        Assert.Equal(StopReason.Completed, r.Reason);
        Assert.Equal(600, r.Periods);
        Assert.Equal(10, loop.Statistics.NonFinitePeriods);
        Assert.Equal(0, loop.Statistics.StateResets);
    }

    [Fact]
    public void The_default_policy_faults_on_the_same_glitch()
    {
        var model = Models.AlwaysOn();
        var (devices, _) = Bind(model);
        using var d = devices;
        using var session = new FaultySession(new CpuSession(model)) { NaNOutputsAtRead = read => read is >= 300 and < 310 };
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 1000, MaxPeriods = 600, SpinWindow = TimeSpan.Zero });
        LoopResult r = loop.Run(CancellationToken.None);
        Assert.Equal(StopReason.Fault, r.Reason);
        Assert.IsType<NonFiniteOutputException>(r.Fault);
        Assert.Equal(300, r.Periods);
    }

    [Fact]
    public void Hold_becomes_a_fault_after_the_limit_of_non_finite_periods_in_a_row()
    {
        var model = Models.Diverging();
        var (devices, hw) = Bind(model);
        using var d = devices;
        var loop = new ControlLoop(new CpuSession(model), devices, new LoopOptions { RateHz = 1000, MaxPeriods = 1000, SpinWindow = TimeSpan.Zero, NonFinitePolicy = NonFinitePolicy.Hold, NonFiniteLimit = 25 });
        LoopResult r = loop.Run(CancellationToken.None);
        Assert.Equal(StopReason.Fault, r.Reason);
        var e = Assert.IsType<NonFiniteOutputException>(r.Fault);
        Assert.Contains("policy hold: 26 non-finite periods in a row, limit 25", e.Message, StringComparison.Ordinal);
        Assert.Equal(26, loop.Statistics.NonFinitePeriods);
        Assert.Equal(PinValue.Low, hw.Driver(0).GetLevel(Lamp)); // safe state after the fault
    }

    [Fact]
    public void Hold_without_any_finite_output_yet_is_a_fault()
    {
        var model = Models.AlwaysOn();
        var (devices, _) = Bind(model);
        using var d = devices;
        using var session = new FaultySession(new CpuSession(model)) { NaNOutputsAtRead = _ => true };
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 1000, MaxPeriods = 100, SpinWindow = TimeSpan.Zero, NonFinitePolicy = NonFinitePolicy.Hold });
        LoopResult r = loop.Run(CancellationToken.None);
        var e = Assert.IsType<NonFiniteOutputException>(r.Fault);
        Assert.Contains("no finite output to hold yet", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, r.Periods);
    }

    [Fact]
    public void Reset_restores_the_start_state_each_time_the_network_diverges_and_the_run_completes()
    {
        var model = Models.Diverging();
        var (devices, _) = Bind(model);
        using var d = devices;
        using var session = new CpuSession(model);
        var loop = new ControlLoop(session, devices, new LoopOptions { RateHz = 1000, MaxPeriods = 500, SpinWindow = TimeSpan.Zero, NonFinitePolicy = NonFinitePolicy.Reset, NonFiniteLimit = 1 });
        LoopResult r = loop.Run(CancellationToken.None);
        Assert.Null(r.Fault);
        Assert.Equal(500, r.Periods);
        // Every divergence was answered by one reset, after which the outputs were finite again (limit 1 in a row).
        Assert.True(loop.Statistics.StateResets > 10, $"{loop.Statistics.StateResets} resets");
        Assert.Equal(loop.Statistics.NonFinitePeriods, loop.Statistics.StateResets);
        Assert.Null(session.Snapshot().FirstNonFinite());
    }

    [Fact]
    public void A_run_under_reset_exits_zero_reports_the_resets_and_saves_a_finite_checkpoint()
    {
        string dir = Paths.TempDir();
        string model = Path.Combine(dir, "diverging.ifm");
        IfmFile.Write(Models.Diverging(), model);
        string map = Path.Combine(dir, "map.json");
        File.WriteAllText(map, Maps.ProbeAndLamp);
        string ckpt = Path.Combine(dir, "state.ckpt");
        var output = new StringWriter();
        var env = new RunEnvironment { Log = new RunLog(output, output, OutputMode.Plain), StatusInterval = TimeSpan.FromMilliseconds(50), SpinWindow = TimeSpan.Zero };
        var config = new RunConfig { Model = model, Sim = "pong", Devices = map, RateHz = 1000, DurationSeconds = 0.5, NonFinitePolicy = "reset", NonFiniteLimit = 1 };
        var report = RunHost.Run(config, env);
        string text = output.ToString();
        Assert.True(report.ExitCode == 0, text);
        Assert.Contains("non-finite policy reset", text, StringComparison.Ordinal);
        Assert.Matches(@"non-finite outputs: [1-9]\d* period\(s\) held at the last finite outputs, [1-9]\d* state reset\(s\), policy reset", text);
    }

    [Theory]
    [InlineData("\"nonFinitePolicy\": \"ignore\"", "nonFinitePolicy: must be \"fault\", \"hold\" or \"reset\", got \"ignore\"")]
    [InlineData("\"nonFiniteLimit\": 0", "nonFiniteLimit: must be 1..1000000000 periods, got 0")]
    public void A_bad_non_finite_policy_in_a_run_configuration_is_named(string entry, string message)
    {
        string path = Path.Combine(Paths.TempDir(), "run.json");
        File.WriteAllText(path, $$"""{ "model": "m.ifm", "sim": "pong", {{entry}} }""");
        var e = Assert.Throws<RunConfigException>(() => RunConfigLoader.Load(path));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policy_names_parse_back_to_themselves()
    {
        foreach (string name in NonFinitePolicies.Names)
        {
            Assert.True(NonFinitePolicies.TryParse(name, out var p));
            Assert.Equal(name, NonFinitePolicies.Name(p));
        }

        Assert.False(NonFinitePolicies.TryParse("Fault", out _));
    }
}

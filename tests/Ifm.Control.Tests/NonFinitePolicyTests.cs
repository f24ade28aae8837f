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
    /// <summary>
    /// A model bound to <see cref="Maps.ProbeAndLamp"/> on simulated hardware, run at 1 kHz for a number of periods
    /// under a policy; <c>nanAtRead</c> (given the read index and the hardware) turns chosen output reads into NaN.
    /// </summary>
    private sealed class Rig : IDisposable
    {
        private readonly DeviceSet _devices;

        public Rig(IfmModel model, long periods, NonFinitePolicy policy, int limit = 100, Func<long, SimulatedHardware, bool>? nanAtRead = null)
        {
            Hardware = new SimulatedHardware();
            _devices = DeviceSet.Bind(DeviceMap.Parse(Maps.ProbeAndLamp), model.InputNames, model.OutputNames, Hardware, ownsHardware: true);
            Session = nanAtRead is null ? new CpuSession(model) : new FaultySession(new CpuSession(model)) { NaNOutputsAtRead = read => nanAtRead(read, Hardware) };
            var loop = new ControlLoop(Session, _devices, new LoopOptions
            {
                RateHz = 1000, MaxPeriods = periods, SpinWindow = TimeSpan.Zero, NonFinitePolicy = policy, NonFiniteLimit = limit,
            });
            Result = loop.Run(CancellationToken.None);
            Stats = loop.Statistics;
        }

        public SimulatedHardware Hardware { get; }
        public INetworkSession Session { get; }
        public LoopResult Result { get; }
        public LoopStatistics Stats { get; }

        public PinValue Lamp => Hardware.Driver(0).GetLevel(Maps.Lamp);

        public void Dispose()
        {
            Session.Dispose();
            _devices.Dispose();
        }
    }

    private static bool Glitch(long read) => read is >= 300 and < 310;

    [Fact]
    public void Hold_rides_out_a_transient_glitch_with_the_last_finite_outputs()
    {
        var levels = new List<PinValue>();
        using var rig = new Rig(Models.AlwaysOn(), 600, NonFinitePolicy.Hold, limit: 20, (read, hw) =>
        {
            levels.Add(hw.Driver(0).GetLevel(Maps.Lamp)); // the command of the period before this read
            return Glitch(read);
        });
        // The lamp (y ≈ 0.96 > 0.5) stayed on through the glitch: the held outputs, not NaN decoded to some level.
        Assert.All(levels.Skip(10), l => Assert.Equal(PinValue.High, l));
        Assert.Null(rig.Result.Fault);
        Assert.Equal(StopReason.Completed, rig.Result.Reason);
        Assert.Equal(600, rig.Result.Periods);
        Assert.Equal(10, rig.Stats.NonFinitePeriods);
        Assert.Equal(0, rig.Stats.StateResets);
    }

    [Fact]
    public void The_default_policy_faults_on_the_same_glitch()
    {
        using var rig = new Rig(Models.AlwaysOn(), 600, NonFinitePolicy.Fault, nanAtRead: (read, _) => Glitch(read));
        Assert.Equal(StopReason.Fault, rig.Result.Reason);
        Assert.IsType<NonFiniteOutputException>(rig.Result.Fault);
        Assert.Equal(300, rig.Result.Periods);
        Assert.Equal(PinValue.Low, rig.Lamp); // safe state
    }

    [Fact]
    public void Hold_becomes_a_fault_after_the_limit_of_non_finite_periods_in_a_row()
    {
        using var rig = new Rig(Models.Diverging(), 1000, NonFinitePolicy.Hold, limit: 25);
        Assert.Equal(StopReason.Fault, rig.Result.Reason);
        var e = Assert.IsType<NonFiniteOutputException>(rig.Result.Fault);
        Assert.Contains("policy hold: 26 non-finite periods in a row, limit 25", e.Message, StringComparison.Ordinal);
        Assert.Equal(26, rig.Stats.NonFinitePeriods);
        Assert.Equal(PinValue.Low, rig.Lamp); // safe state after the fault
    }

    [Fact]
    public void Hold_without_any_finite_output_yet_is_a_fault()
    {
        using var rig = new Rig(Models.AlwaysOn(), 100, NonFinitePolicy.Hold, nanAtRead: (_, _) => true);
        var e = Assert.IsType<NonFiniteOutputException>(rig.Result.Fault);
        Assert.Contains("no finite output to hold yet", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, rig.Result.Periods);
    }

    [Fact]
    public void Reset_restores_the_start_state_each_time_the_network_diverges_and_the_run_completes()
    {
        using var rig = new Rig(Models.Diverging(), 500, NonFinitePolicy.Reset, limit: 1);
        Assert.Null(rig.Result.Fault);
        Assert.Equal(500, rig.Result.Periods);
        // Every divergence was answered by one reset, after which the outputs were finite again (limit 1 in a row).
        Assert.True(rig.Stats.StateResets > 10, $"{rig.Stats.StateResets} resets");
        Assert.Equal(rig.Stats.NonFinitePeriods, rig.Stats.StateResets);
        Assert.Null(rig.Session.Snapshot().FirstNonFinite());
    }

    [Fact]
    public void A_run_under_reset_exits_zero_and_reports_the_resets()
    {
        string dir = Paths.TempDir();
        string model = Path.Combine(dir, "diverging.ifm");
        IfmFile.Write(Models.Diverging(), model);
        string map = Path.Combine(dir, "map.json");
        File.WriteAllText(map, Maps.ProbeAndLamp);
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

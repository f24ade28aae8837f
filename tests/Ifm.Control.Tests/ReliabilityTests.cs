using System.Device.I2c;
using System.Device.Pwm;
using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Hosting;
using Ifm.Devices;

namespace Ifm.Control.Tests;

/// <summary>
/// Faults that used to pass silently: a diverging network, NaN sensor samples, a checkpoint that cannot be saved,
/// device maps and run configurations with absurd numbers or sizes.
/// </summary>
public sealed class ReliabilityTests
{
    private const int Lamp = Maps.Lamp;
    private const string LampMap = Maps.ProbeAndLamp;

    private static IfmModel Diverging() => Models.Diverging();

    [Fact]
    public void A_non_finite_network_output_is_a_fault_and_never_reaches_an_actuator()
    {
        var model = Diverging();
        var hw = new SimulatedHardware();
        using var devices = DeviceSet.Bind(DeviceMap.Parse(LampMap), model.InputNames, model.OutputNames, hw, ownsHardware: true);
        var loop = new ControlLoop(new CpuSession(model), devices, new LoopOptions { RateHz = 1000, MaxPeriods = 1000 });
        LoopResult r = loop.Run(CancellationToken.None);
        Assert.Equal(StopReason.Fault, r.Reason);
        var e = Assert.IsType<NonFiniteOutputException>(r.Fault);
        Assert.Contains("output 0 'y' is", e.Message, StringComparison.Ordinal);
        Assert.True(r.Periods < 20, $"ran {r.Periods} periods");
        Assert.Equal(PinValue.Low, hw.Driver(0).GetLevel(Lamp)); // safe state
    }

    [Fact]
    public void A_diverging_run_exits_non_zero_and_saves_no_checkpoint()
    {
        string dir = Paths.TempDir();
        string model = Path.Combine(dir, "diverging.ifm");
        IfmFile.Write(Diverging(), model);
        string map = Path.Combine(dir, "map.json");
        File.WriteAllText(map, LampMap);
        var output = new StringWriter();
        var env = new RunEnvironment { Log = new RunLog(output, output, OutputMode.Plain), StatusInterval = TimeSpan.FromMilliseconds(50), SpinWindow = TimeSpan.Zero };
        var report = RunHost.Run(new RunConfig { Model = model, Sim = "pong", Devices = map, RateHz = 1000, DurationSeconds = 1 }, env);
        Assert.Equal(1, report.ExitCode);
        Assert.Equal(StopReason.Fault, report.Loop.Reason);
        Assert.Contains("non-finite network output", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Simulated hardware whose pong_sensor returns NaN on every other read.</summary>
    private sealed class NaNSensorHardware(SimulatedHardware inner) : IHardwareFactory
    {
        public DeviceClock Clock => inner.Clock;
        public GpioController Gpio(int chip) => inner.Gpio(chip);
        public I2cDevice OpenI2c(int bus, int address) => inner.OpenI2c(bus, address);
        public PwmChannel OpenPwm(int chip, int channel, int frequencyHz) => inner.OpenPwm(chip, channel, frequencyHz);
        public Stream OpenSerial(string port, int baudRate) => inner.OpenSerial(port, baudRate);
        public ISensor? CreateSensor(DeviceSpec device) => new Sensor(device.Name!);
        public IActuator? CreateActuator(DeviceSpec device) => inner.CreateActuator(device);
        public void EndPeriod(long period) => inner.EndPeriod(period);
        public void Dispose() => inner.Dispose();

        private sealed class Sensor(string name) : ISensor
        {
            private int _reads;
            public string Name => name;
            public int ChannelCount => 4; // pong_sensor: ball_x, ball_y, paddle_x, contact

            public bool Read(Span<float> destination)
            {
                destination.Fill(_reads++ % 2 == 0 ? 100f : float.NaN);
                return true;
            }

            public void Dispose() { }
        }
    }

    [Fact]
    public void NaN_sensor_samples_count_as_stale_and_the_last_good_sample_is_held()
    {
        var model = Models.AlwaysOn();
        using var devices = DeviceSet.Bind(DeviceMap.Parse(LampMap), model.InputNames, model.OutputNames, new NaNSensorHardware(new SimulatedHardware()), ownsHardware: true);
        var inputs = new float[1];
        for (int p = 0; p < 10; p++)
        {
            devices.ReadAndEncode(p, inputs);
            Assert.Equal(0.5f, inputs[0]); // linear 0..200 → 100 is 0.5, also in the periods whose read was NaN
        }

        DeviceCounters c = devices.Counters.Single(d => d.Name == "probe");
        Assert.Equal(10, c.Accesses);
        Assert.Equal(5, c.NonFiniteReads);
        Assert.Equal(5, c.StaleReads);
    }

    [Fact]
    public void A_checkpoint_into_a_missing_folder_is_refused_before_the_run()
    {
        string ckpt = Path.Combine(Paths.TempDir(), "missing", "state.ckpt");
        var output = new StringWriter();
        var env = new RunEnvironment { Log = new RunLog(output, output, OutputMode.Plain), StatusInterval = TimeSpan.FromMilliseconds(50), SpinWindow = TimeSpan.Zero };
        var e = Assert.Throws<IOException>(() => RunHost.Run(new RunConfig { Model = Paths.Model("pavlov.ifm"), Sim = "pavlov", RateHz = 1000, Checkpoint = ckpt }, env));
        Assert.StartsWith($"{ckpt}: cannot be written: the folder", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("periods", output.ToString(), StringComparison.Ordinal); // nothing ran
    }

    [Fact]
    public void A_map_of_thousands_of_huge_ranges_is_refused_without_expanding_them()
    {
        string ranges = string.Join(",", Enumerable.Repeat("\"x0..x4095\"", 20_000));
        string json = LampMap.Replace("\"neurons\": [\"x\"]", $"\"neurons\": [{ranges}]", StringComparison.Ordinal);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(json, "ranges.json"));
        Assert.Contains("devices[0].channels[0].neurons: at most 4096 neurons, got 81920000", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "the check expanded the ranges");
    }

    [Theory]
    [InlineData("\"inMax\": 200", "\"inMax\": 200, \"outMax\": 1e39", "devices[0].channels[0].encoder.outMax: must be a finite number")]
    [InlineData("\"threshold\": 0.5", "\"threshold\": -1e39", "devices[1].channels[0].decoder.threshold: must be a finite number")]
    [InlineData("\"loopRateHz\": 1000", "\"loopRateHz\": 1e-300", "loopRateHz: must be in [0.001, 100000] Hz, got 1E-300")]
    public void Numbers_beyond_a_float_or_any_meaning_are_refused_with_their_path(string from, string to, string message)
    {
        var e = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(LampMap.Replace(from, to, StringComparison.Ordinal), "map.json"));
        Assert.StartsWith("map.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_maps_and_run_configurations_from_devices_or_directories_are_refused_at_their_limit()
    {
        var e = Assert.Throws<DeviceMapException>(() => DeviceMap.Load("/dev/zero"));
        Assert.Equal($"/dev/zero: longer than the limit of {DeviceMap.MaxFileBytes} bytes (is it the right file?)", e.Message);
        var c = Assert.Throws<RunConfigException>(() => RunConfigLoader.Load("/dev/zero"));
        Assert.StartsWith("/dev/zero: cannot read the file: longer than the limit", c.Message, StringComparison.Ordinal);
        string dir = Paths.TempDir();
        Assert.Equal($"{dir}: is a directory, not a device map file", Assert.Throws<DeviceMapException>(() => DeviceMap.Load(dir)).Message);
        Assert.StartsWith($"{dir}: is a directory", Assert.Throws<RunConfigException>(() => RunConfigLoader.Load(dir)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loop_rate_of_almost_zero_is_refused()
    {
        var e = Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse("""{ "model": "m.ifm", "sim": "pong", "rateHz": 1e-300 }""", "run.json"));
        Assert.Contains("rateHz: must be in [0.001, 100000] Hz, got 1E-300", e.Message, StringComparison.Ordinal);
        var d = Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse("""{ "model": "m.ifm", "sim": "pong", "rateHz": 1, "durationSeconds": 0.1 }""", "run.json"));
        Assert.Contains("durationSeconds: 0.1 s at 1 Hz is less than one period", d.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The soak's periodic checkpoints are the one steady source of garbage (about 0.5 MB a save for 7,000 plastic
    /// edges): after hundreds of saves no snapshot may still be reachable, i.e. RSS growth between two GCs is garbage
    /// awaiting collection, not a leak. (Weak references, not the heap size: other tests allocate in this process.)
    /// </summary>
    [Fact]
    public void Hundreds_of_checkpoint_saves_leave_no_live_memory_behind()
    {
        var model = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 200, Connectivity = 0.2, Rule = new Ifm.Runtime.Plasticity.HebbianTraceRule(0.1f) });
        using var session = new CpuSession(model);
        string path = Path.Combine(Paths.TempDir(), "soak.ckpt");
        using var writer = new Ifm.Control.Checkpoints.BackgroundCheckpointWriter(session, path);
        var saved = Save(session, writer, 300);
        LiveBytes();
        int alive = saved.Count(w => w.IsAlive);
        Assert.Equal(300, writer.Written);
        Assert.True(alive <= 1, $"{alive} of 300 saved snapshots are still reachable");

        static List<WeakReference> Save(CpuSession session, Ifm.Control.Checkpoints.BackgroundCheckpointWriter writer, int count)
        {
            var refs = new List<WeakReference>();
            for (int i = 0; i < count; i++)
            {
                session.Step(5);
                var snapshot = session.Snapshot();
                refs.Add(new WeakReference(snapshot));
                writer.WriteNow(snapshot);
            }

            return refs;
        }
    }

    private static long LiveBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Ifm.Control.Config;
using Ifm.Control.Diagnostics;
using Ifm.Control.Service;
using Ifm.Control.Simulation;
using Ifm.Control.Timing;

namespace Ifm.Control.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_the_bucket_precision()
    {
        var rng = new Random(3);
        var h = new LatencyHistogram();
        var values = new long[20000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (long)Math.Exp(rng.NextDouble() * 16); // 1 ns .. ~9 ms, log-uniform
            h.Record(values[i]);
        }

        Array.Sort(values);
        foreach (double q in new[] { 0.5, 0.9, 0.99 })
        {
            long exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            long est = h.Percentile(q);
            Assert.InRange(est, exact * 0.99 - 1, exact * 1.01 + 1);
        }

        Assert.Equal(values[^1], h.Max);
        Assert.Equal(values[0], h.Min);
        Assert.Equal(values.Length, h.Count);
    }

    [Fact]
    public void Buckets_are_contiguous_and_contain_their_values()
    {
        for (long v = 0; v < 1 << 20; v = v < 1000 ? v + 1 : v + 997)
        {
            int i = LatencyHistogram.IndexOf(v);
            var (lo, hi) = LatencyHistogram.BoundsOf(i);
            Assert.InRange(v, lo, hi - 1);
            Assert.Equal(hi, LatencyHistogram.BoundsOf(i + 1).Lo);
        }

        Assert.Equal(0, new LatencyHistogram().Percentile(0.99));
    }
}

public sealed class HybridWaiterTests
{
    [Fact]
    public void Never_returns_before_the_deadline()
    {
        var w = new HybridWaiter(100_000);
        for (int i = 0; i < 50; i++)
        {
            long deadline = MonotonicClock.NowNanoseconds() + (i % 5 * 300_000);
            long returned = w.WaitUntil(deadline);
            Assert.True(returned >= deadline);
            Assert.True(MonotonicClock.NowNanoseconds() >= deadline);
        }
    }
}

public sealed class RunConfigTests
{
    private const string Good = """
        { "model": "models/pong.ifm", "devices": "maps/devices.json", "sim": null, "rateHz": 1000, "ticksPerPeriod": 1,
          "durationSeconds": null, "plasticity": "on", "checkpoint": "state/state.ckpt", "checkpointIntervalSeconds": 60,
          "overrunPolicy": "count", "realtime": { "priority": null, "cpus": [2, 3], "mlock": false }, "backend": "cpu" }
        """;

    [Fact]
    public void Parses_the_documented_schema_and_resolves_paths_against_the_file()
    {
        string dir = Paths.TempDir();
        string file = Path.Combine(dir, "run.json");
        File.WriteAllText(file, Good);
        RunConfig c = RunConfigLoader.Load(file);
        Assert.Equal(Path.Combine(dir, "models", "pong.ifm"), c.Model);
        Assert.Equal(Path.Combine(dir, "maps", "devices.json"), c.Devices);
        Assert.Equal(Path.Combine(dir, "state", "state.ckpt"), c.Checkpoint);
        Assert.Equal(1000, c.RateHz);
        Assert.Equal([2, 3], c.Realtime.Cpus!);
        Assert.Equal("count", c.OverrunPolicy);
    }

    [Theory]
    [InlineData("\"rateHz\": 1000", "\"rateHz\": -5", "rateHz: must be in [0.001, 100000] Hz, got -5")]
    [InlineData("\"priority\": null", "\"priority\": 120", "realtime.priority: must be null or 1..99")]
    [InlineData("\"overrunPolicy\": \"count\"", "\"overrunPolicy\": \"ignore\"", "overrunPolicy: must be")]
    [InlineData("\"backend\": \"cpu\"", "\"backend\": \"gpu\"", "backend: must be")]
    [InlineData("\"plasticity\": \"on\"", "\"plasticity\": \"yes\"", "plasticity: must be")]
    [InlineData("\"cpus\": [2, 3]", "\"cpus\": [2, 2]", "realtime.cpus[1]: CPU 2 is listed twice")]
    [InlineData("\"ticksPerPeriod\": 1", "\"ticksPerPeriod\": 0", "ticksPerPeriod: must be")]
    [InlineData("\"sim\": null", "\"sim\": \"tetris\"", "sim: must be")]
    [InlineData("\"rateHz\": 1000", "\"rateHz\": 1000, \"rate\": 5", "rate: unknown key")]
    [InlineData("\"mlock\": false", "\"mlock\": false, \"nice\": 3", "realtime.nice: unknown key")]
    [InlineData("\"rateHz\": 1000", "\"rateHz\": \"fast\"", "rateHz: wrong type")]
    public void Errors_name_the_key(string from, string to, string expected)
    {
        var e = Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse(Good.Replace(from, to, StringComparison.Ordinal), "run.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("run.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_every_problem_at_once()
    {
        var e = Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse("""{ "rateHz": 0, "backend": "x" }""", "run.json"));
        Assert.Contains("model: required", e.Message, StringComparison.Ordinal);
        Assert.Contains("devices: required", e.Message, StringComparison.Ordinal);
        Assert.Contains("rateHz:", e.Message, StringComparison.Ordinal);
        Assert.Contains("backend:", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.Errors.Count);
    }

    [Fact]
    public void Missing_file_and_bad_json_are_clear()
    {
        Assert.Contains("does not exist", Assert.Throws<RunConfigException>(() => RunConfigLoader.Load("/nonexistent/run.json")).Message, StringComparison.Ordinal);
        Assert.Contains("line 2", Assert.Throws<RunConfigException>(() => RunConfigLoader.Parse("{\n \"model\": ,}", "x")).Message, StringComparison.Ordinal);
    }
}

public sealed class SystemdNotifierTests
{
    [Theory]
    [InlineData("200000", null, 100_000_000L)]
    [InlineData("200000", "SELF", 100_000_000L)]
    [InlineData("200000", "1", 0L)]
    [InlineData("0", null, 0L)]
    [InlineData("abc", null, 0L)]
    [InlineData(null, null, 0L)]
    public void Watchdog_interval_is_half_of_WATCHDOG_USEC_for_this_process(string? usec, string? pid, long expected)
    {
        int own = Environment.ProcessId;
        Assert.Equal(expected, SystemdNotifier.WatchdogInterval(usec, pid == "SELF" ? own.ToString(System.Globalization.CultureInfo.InvariantCulture) : pid, own));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sends_datagrams_to_path_and_abstract_sockets(bool isAbstract)
    {
        string name = isAbstract ? "@ifm-test-" + Guid.NewGuid().ToString("N") : Path.Combine(Paths.TempDir(), "notify.sock");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint(isAbstract ? "\0" + name[1..] : name));
        server.ReceiveTimeout = 30_000;
        string? before = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", name);
        try
        {
            using var n = SystemdNotifier.FromEnvironment();
            Assert.NotNull(n);
            Assert.True(n!.Ready());
            Assert.True(n.Watchdog());
            Assert.True(n.Stopping());
            var buf = new byte[256];
            Assert.Equal("READY=1", Encoding.UTF8.GetString(buf, 0, server.Receive(buf)));
            Assert.Equal("WATCHDOG=1", Encoding.UTF8.GetString(buf, 0, server.Receive(buf)));
            Assert.Equal("STOPPING=1", Encoding.UTF8.GetString(buf, 0, server.Receive(buf)));
            Assert.Equal(1, n.WatchdogPings);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", before);
        }
    }
}

public sealed class MetricsTests
{
    [Fact]
    public void Loop_statistics_are_published_on_the_Ifm_Control_meter()
    {
        var model = Models.AlwaysOn();
        using var devices = DeviceSet.Bind(Maps.InOut(), model.InputNames, model.OutputNames, new Devices.Simulation.SimulatedHardware());
        var loop = new ControlLoop(new CpuSession(model), devices, new LoopOptions { RateHz = 5000, MaxPeriods = 123 });
        loop.Run(CancellationToken.None);
        using var metrics = new LoopMetrics(loop.Statistics, 5000);
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == LoopMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => seen[i.Name] = v);
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => seen[i.Name] = v);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(123, seen["ifm.loop.periods"]);
        Assert.Equal(loop.Statistics.Overruns, seen["ifm.loop.overruns"]);
        Assert.Equal(loop.Statistics.Jitter.Max / 1000.0, seen["ifm.loop.period.jitter.max"]);
        Assert.Equal(5000, seen["ifm.loop.rate_target"]);
        Assert.True(seen.ContainsKey("ifm.loop.compute.p99"));
        Assert.True(seen.ContainsKey("ifm.plasticity.learning_ticks"));
    }
}

public sealed class BuiltInPlantTests
{
    [Fact]
    public void Embedded_maps_bind_models_by_name_or_by_position()
    {
        var demo = Models.PavlovHebbian(0.05f);
        Assert.Null(BuiltInPlants.FitNames(BuiltInPlants.LoadMap("pavlov"), demo, "pavlov"));

        // The shipped pavlov.ifm names its channels F, R, S like the map; a model with generic names binds by position.
        Assert.Null(BuiltInPlants.FitNames(BuiltInPlants.LoadMap("pavlov"), IfmFile.Read(Paths.Model("pavlov.ifm")), "pavlov"));
        var generic = Ifm.Runtime.Model.RandomNetwork.Create(new Ifm.Runtime.Model.RandomNetworkOptions { Neurons = 10, Inputs = 2, Outputs = 1 });
        var map = BuiltInPlants.LoadMap("pavlov");
        Assert.Contains("by position", BuiltInPlants.FitNames(map, generic, "pavlov"), StringComparison.Ordinal);
        Assert.Equal(["in0"], map.Devices[0].Channels[0].Neurons!);
        Assert.Equal(["in1"], map.Devices[1].Channels[0].Neurons!);
        Assert.Equal(["out0"], map.Devices[2].Channels[0].Neurons!);

        var pong = IfmFile.Read(Paths.Model("pong.ifm"));
        var e = Assert.Throws<Ifm.Core.IfmException>(() => BuiltInPlants.FitNames(BuiltInPlants.LoadMap("pavlov"), pong, "pavlov"));
        Assert.Contains("needs a model with 2 inputs", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BuiltInPlants.LoadMap("tetris"));
    }
}

public sealed class RealTimeSettingsTests
{
    [Fact]
    public void Affinity_is_applied_to_the_calling_thread_and_an_impossible_cpu_is_reported_not_thrown()
    {
        IReadOnlyList<RealTime.RealTimeOutcome>? ok = null, bad = null;
        var t = new Thread(() =>
        {
            ok = new RealTime.RealTimeSettings(Cpus: [0]).ApplyToCurrentThread();
            bad = new RealTime.RealTimeSettings(Cpus: [1000]).ApplyToCurrentThread();
        });
        t.Start();
        t.Join();
        Assert.True(Assert.Single(ok!).Applied);
        var refused = Assert.Single(bad!);
        Assert.False(refused.Applied);
        Assert.Contains("CPU affinity 1000 refused", refused.Message, StringComparison.Ordinal);
        Assert.Contains("running unpinned", refused.Message, StringComparison.Ordinal);
        Assert.Empty(new RealTime.RealTimeSettings().ApplyToCurrentThread());
    }
}

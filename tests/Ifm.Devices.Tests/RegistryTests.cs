using System.Diagnostics;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Xunit.Abstractions;

namespace Ifm.Devices.Tests;

/// <summary>
/// The registry of device types: every registered type describes itself fully, its example validates, binds to its
/// simulator and runs allocation-free on the loop thread; example maps dry-run on their simulators.
/// </summary>
public sealed class RegistryTests(ITestOutputHelper output)
{
    static RegistryTests() => Ifm.Devices.Catalog.CatalogTypes.Register();

    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    /// <summary>The types of this library (test assemblies may register their own, without examples).</summary>
    public static TheoryData<string> LibraryTypes()
    {
        Ifm.Devices.Catalog.CatalogTypes.Register();
        var data = new TheoryData<string>();
        foreach (DeviceType t in DeviceTypes.Registered.Where(t => t.Summary != "test"))
        {
            data.Add(t.Name);
        }

        return data;
    }

    [Fact]
    public void Built_in_drivers_and_plants_are_registered()
    {
        Assert.Subset(DeviceTypes.All.ToHashSet(), new HashSet<string>
        {
            "digital_input", "digital_output", "servo", "hbridge_motor", "hcsr04", "mpu6050", "quadrature_encoder", "serial_line",
            "pong_sensor", "pong_paddle",
        });
        Assert.DoesNotContain(DeviceTypes.All, n => n.StartsWith("bridge_", StringComparison.Ordinal)); // the bridge registers its own
    }

    [Fact]
    public void Unknown_type_lists_the_registered_ones()
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse("""{ "version": 1, "loopRateHz": 60, "devices": [ { "name": "l", "type": "lidar", "channels": [] } ] }"""));
        Assert.Equal($"devices[0].type: unknown type 'lidar', expected one of {string.Join(", ", DeviceTypes.All)}", Assert.Single(ex.Errors));
        Assert.Contains("digital_input, digital_output", ex.Errors[0]);
        Assert.Contains("ads1115", ex.Errors[0]);
    }

    [Theory]
    [MemberData(nameof(LibraryTypes))]
    public void Every_type_has_channels_fields_an_example_and_a_simulator(string name)
    {
        DeviceType t = DeviceTypes.Get(name);
        Assert.False(string.IsNullOrWhiteSpace(t.Summary));
        Assert.True(t.Channels.Count > 0 || t.ChannelsOf is not null);
        Assert.All(t.Fields, f => Assert.Contains(f.Kind, new[] { "int", "number", "string", "bool", "int[]", "object" }));
        Assert.NotNull(t.Simulate);
        Assert.False(string.IsNullOrWhiteSpace(t.Simulator));
        Assert.Contains($"\"type\": \"{name}\"", t.Example);
        Assert.True(t.CreateSensor is not null || t.CreateActuator is not null || t.MissingCreatorMessage is not null || name.StartsWith("pong_", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(LibraryTypes))]
    public void Every_type_runs_on_its_simulator_without_allocating_in_steady_state(string name)
    {
        DeviceType t = DeviceTypes.Get(name);
        DeviceMap map = DeviceMap.Parse($$"""{ "version": 1, "loopRateHz": 60, "devices": [ {{t.Example}} ] }""", $"{name} example");
        var (inputs, outputs) = NeuronNames(map);
        using var set = DeviceSet.Bind(map, inputs, outputs, SimulatedHardware.ForMap(map));
        float[] x = new float[inputs.Length], y = new float[outputs.Length];
        DeviceCounters c = set.Counters[0];

        // Warm up until the sensor has delivered (the serial device prints at its own wall-clock rate).
        var clock = Stopwatch.StartNew();
        long p = 0;
        for (; p < 600 || (!t.IsActuator && c.Accesses == c.StaleReads && clock.Elapsed < TimeSpan.FromSeconds(20)); p++)
        {
            Step(set, p, x, y);
            if (p >= 600)
            {
                Thread.Sleep(5);
            }
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long end = p + 6000; p < end; p++)
        {
            Step(set, p, x, y);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{name}: {allocated} bytes in 6000 steady periods; accesses {c.Accesses}, stale {c.StaleReads}");
        Assert.Equal(0, allocated);
        if (!t.IsActuator)
        {
            Assert.True(c.StaleReads < c.Accesses, $"{name}: no fresh sample from the simulator");
        }

        Assert.Equal(0, set.EnterSafeState());
    }

    [Theory]
    [InlineData("raspberry-pi.json")]
    [InlineData("jetson.json")]
    [InlineData("robot-pi.json")]
    [InlineData("robot-jetson.json")]
    public void Robot_example_maps_dry_run_on_their_simulators(string file)
    {
        DeviceMap map = DeviceMap.Load(Example(file));
        var (inputs, outputs) = NeuronNames(map);
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        using var set = DeviceSet.Bind(map, inputs, outputs, hw);
        float[] x = new float[inputs.Length], y = new float[outputs.Length];
        var clock = Stopwatch.StartNew();
        for (long p = 0; p < 1000 || (set.Counters.Any(c => !c.IsActuator && c.Accesses == c.StaleReads) && clock.Elapsed < TimeSpan.FromSeconds(20)); p++)
        {
            Step(set, p, x, y);
            if (p >= 1000)
            {
                Thread.Sleep(5);
            }
        }

        foreach (DeviceCounters c in set.Counters)
        {
            output.WriteLine($"{c.Name} ({c.Type}): accesses {c.Accesses}, stale {c.StaleReads}");
            Assert.True(c.Accesses > 0, c.Name);
            if (!c.IsActuator)
            {
                Assert.True(c.StaleReads < c.Accesses, $"{c.Name}: no fresh sample");
            }
        }

        Assert.All(hw.Plants.OfType<SimulatedSwitch>(), s => Assert.True(s.Presses > 0));
        Assert.All(hw.Plants.OfType<SimulatedQuadratureWheel>(), w => Assert.NotEqual(0, w.Position));
        Assert.Equal(0, set.EnterSafeState());
    }

    [Fact]
    public void Simulated_devices_produce_what_the_parts_would()
    {
        const string json = """
            { "version": 1, "loopRateHz": 100, "devices": [
              { "name": "imu", "type": "mpu6050", "channels": [ { "channel": "az", "neurons": ["az"], "encoder": { "type": "linear", "inMin": 0, "inMax": 10 } } ] },
              { "name": "sonar", "type": "hcsr04", "triggerPin": 23, "echoPin": 24, "rateHz": 10,
                "channels": [ { "channel": "distance", "neurons": ["d"], "encoder": { "type": "linear", "inMin": 0, "inMax": 2 } } ] },
              { "name": "wheel", "type": "quadrature_encoder", "pinA": 5, "pinB": 6,
                "channels": [ { "channel": "count", "neurons": ["n"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1000 } } ] },
              { "name": "button", "type": "digital_input", "pin": 17, "debounceMs": 5,
                "channels": [ { "channel": "count", "neurons": ["b"], "encoder": { "type": "linear", "inMin": 0, "inMax": 10 } } ] } ] }
            """;
        DeviceMap map = DeviceMap.Parse(json);
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        using var set = DeviceSet.Bind(map, ["az", "d", "n", "b"], [], hw);
        float[] x = new float[4];
        for (long p = 0; p < 150; p++)
        {
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, []);
        }

        set.ReadAndEncode(150, x); // t = 1.5 s of periods (plus the time the sonar's polling took)

        // t = 1.5 s: the board is tilted 20·sin(2π·1.5/5) = 19.0°, az = g·cos(19.0°) = 9.27 m/s² (the MPU-6050's count
        // resolution at ±2 g is 1/16384 g).
        Assert.Equal(9.81 * Math.Cos(20 * Math.Sin(2 * Math.PI * 1.5 / 5) * Math.PI / 180) / 10, x[0], 2);
        // The echo times the target's distance to the clock's 10 µs (1.7 mm); the target moves 0.3 → 1.5 m in 2 s.
        SimulatedRangeTarget target = hw.Plants.OfType<SimulatedRangeTarget>().Single();
        Assert.InRange(target.Sensor.DistanceMeters!.Value, 1.15, 1.35);
        Assert.Equal(target.Sensor.DistanceMeters.Value / 2, x[1], 0.005);
        // 200 counts/s for 1.5 s forward: 300 counts (×4 decoding of the Gray steps).
        Assert.Equal(300 / 1000f, x[2], 2);
        // Presses at 0 s (the first period) and 2 s: one by 1.5 s, its bounces swallowed by the debounce.
        Assert.Equal(1 / 10f, x[3], 3);
    }

    private static (string[] Inputs, string[] Outputs) NeuronNames(DeviceMap map)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (DeviceSpec d in map.Devices)
        {
            bool actuator = DeviceTypes.IsActuator(d.Type!);
            foreach (ChannelBinding c in d.Channels)
            {
                (actuator ? outputs : inputs).AddRange(DeviceMap.ExpandNeurons(c.Neurons!));
            }
        }

        return ([.. inputs], [.. outputs]);
    }

    private static void Step(DeviceSet set, long p, float[] x, float[] y)
    {
        set.ReadAndEncode(p, x);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = MathF.Sin((p * 0.05f) + i);
        }

        set.DecodeAndWrite(p, y);
    }
}

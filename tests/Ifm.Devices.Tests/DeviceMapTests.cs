using System.Device.Gpio;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

public class DeviceMapValidationTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    [Theory]
    [InlineData("raspberry-pi.json")]
    [InlineData("jetson.json")]
    [InlineData("pong-sim.json")]
    [InlineData("pavlov-sim.json")]
    public void Example_maps_are_valid(string file)
    {
        DeviceMap map = DeviceMap.Load(Example(file));
        Assert.NotEmpty(map.Devices);
        DeviceMap again = DeviceMap.Parse(map.ToJson(), "round trip");
        Assert.Equal(map.Devices.Count, again.Devices.Count);
    }

    [Fact]
    public void Jetson_map_sets_its_chip()
    {
        DeviceMap map = DeviceMap.Load(Example("jetson.json"));
        Assert.Contains("\"gpioChip\"", File.ReadAllText(Example("jetson.json")));
        Assert.Equal(1, map.Devices.Single(d => d.Name == "bumper").GpioChip);
    }

    private const string Head = """{ "version": 1, "loopRateHz": 60, "devices": [""";
    private const string Tail = "] }";
    private const string Button = """{ "name": "b", "type": "digital_input", "pin": 17, "channels": [ { "channel": "level", "neurons": ["x"], "encoder": { "type": "threshold", "threshold": 0.5 } } ] }""";

    [Theory]
    [InlineData(
        Button + """, { "name": "c", "type": "digital_input", "pin": 18, "channels": [ { "channel": "level", "neurons": ["a..z"], "encoder": { "type": "binary", "bits": 40 } } ] }""",
        "devices[1].channels[0].encoder.bits: must be 1..32, got 40")]
    [InlineData("""{ "name": "l", "type": "lidar", "channels": [] }""",
        "devices[0].type: unknown type 'lidar', expected one of ")] // the registered types, sorted (see RegistryTests)
    [InlineData(Button + """, { "name": "c", "type": "digital_input", "pin": 18, "rateHz": 100, "channels": [ { "channel": "level", "neurons": ["y"], "encoder": { "type": "threshold", "threshold": 0.5 } } ] }""",
        "devices[1].rateHz: must be in [0.001, loopRateHz = 60], got 100")]
    [InlineData(Button + "," + Button,
        "devices[1].name: 'b' is already used by devices[0]")]
    [InlineData(Button + """, { "name": "c", "type": "digital_output", "pin": 17, "channels": [ { "channel": "value", "neurons": ["y"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] }""",
        "devices[1].pin: GPIO 17 on chip 0 is already used by devices[0].pin")]
    [InlineData("""{ "name": "p", "type": "pong_sensor", "channels": [ { "channel": "ball_x", "neurons": ["in0..in6"], "encoder": { "type": "binary", "bits": 8, "offset": 2 } } ] }""",
        "devices[0].channels[0].neurons: the binary encoder writes 8 neuron(s), 7 listed")]
    [InlineData("""{ "name": "p", "type": "pong_sensor", "channels": [ { "channel": "ball_z", "neurons": ["a"], "encoder": { "type": "threshold", "threshold": 1 } } ] }""",
        "devices[0].channels[0].channel: pong_sensor has no channel 'ball_z'; its channels are ball_x, ball_y, paddle_x, contact")]
    [InlineData("""{ "name": "m", "type": "hbridge_motor", "pwmChannel": 0, "in1Pin": 5, "in2Pin": 6, "safeState": { "mode": "stop" }, "channels": [ { "channel": "speed", "neurons": ["m"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] }""",
        "devices[0].safeState.mode: must be brake or coast, got 'stop'")]
    [InlineData("""{ "name": "m", "type": "servo", "pwmChannel": 0, "channels": [ { "channel": "angle", "neurons": ["m"], "encoder": { "type": "threshold", "threshold": 1 } } ] }""",
        "devices[0].channels[0].encoder: servo is an actuator: bind its channels with a decoder")]
    [InlineData("""{ "name": "s", "type": "hcsr04", "triggerPin": 1, "echoPin": 2, "channels": [ { "channel": "distance", "neurons": ["d"], "encoder": { "type": "linear", "inMin": 0, "inMax": 4 } } ] }""",
        "devices[0].rateHz: the HC-SR04 needs >= 60 ms between measurements, so at most 16.67 Hz, got 60")]
    [InlineData("""{ "name": "i", "type": "mpu6050", "address": 80, "accelRangeG": 3, "channels": [ { "channel": "ax", "neurons": ["a"], "encoder": { "type": "population", "count": 1, "min": 0, "max": 1 } } ] }""",
        "devices[0].address: MPU-6050 answers at 104 (0x68, AD0 low) or 105 (0x69, AD0 high), got 80")]
    [InlineData("""{ "name": "u", "type": "serial_line", "port": "/dev/ttyUSB0", "channels": [] }""",
        "devices[0].fields: required, 1..64 numeric fields per line, got nothing")]
    [InlineData("""{ "name": "o", "type": "digital_output", "pin": 3, "channels": [ { "channel": "value", "neurons": ["o"], "decoder": { "type": "argmax", "values": [1, 0] } } ] }""",
        "devices[0].channels[0].neurons: the argmax decoder reads 2 neuron(s), 1 listed")]
    public void Malformed_maps_name_the_offending_entry(string devices, string expected)
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Head + devices + Tail, "test.json"));
        Assert.Contains(ex.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.StartsWith("test.json: ", ex.Message);
    }

    [Fact]
    public void Several_problems_are_reported_together()
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(
            """{ "version": 2, "loopRateHz": -5, "devices": [ { "type": "digital_input", "channels": [] } ] }""", "m"));
        Assert.Contains("version: must be 1, got 2", ex.Errors);
        Assert.Contains("loopRateHz: must be in [0.001, 100000] Hz, got -5", ex.Errors);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains("devices[0].name: required", ex.Errors);
        Assert.Contains("devices[0].pin: required for digital_input", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("devices[0].channels: must bind at least one channel", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_property_is_an_error_naming_it_and_the_types_fields()
    {
        // Reported with the device's other problems (the misspelled pin is also missing).
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Head + """{ "name": "b", "type": "digital_input", "pinn": 17 }""" + Tail, "typo.json"));
        Assert.Contains("devices[0].pinn: digital_input has no field 'pinn'; its fields are pin, pull, activeLow, debounceMs", ex.Errors);
        Assert.Contains("devices[0].pin: required for digital_input", ex.Errors);

        // A field of another type is not silently ignored either.
        ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Head + Button.Replace("\"pin\": 17", "\"pin\": 17, \"pwmChannel\": 1", StringComparison.Ordinal) + Tail, "t"));
        Assert.StartsWith("devices[0].pwmChannel: digital_input has no field 'pwmChannel'", Assert.Single(ex.Errors));

        // Map-level and binding-level unknown keys stay JSON errors with their path.
        ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Head + Button.Replace("\"encoder\"", "\"encodr\"", StringComparison.Ordinal) + Tail, "t"));
        Assert.StartsWith("devices[0].channels[0]", ex.Errors[0]);
        Assert.Contains("encodr", ex.Errors[0]);
    }

    [Fact]
    public void Broken_json_reports_its_line()
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse("{\n  \"loopRateHz\": 60,\n  \"devices\": [ {\"name\": } ]\n}", "broken.json"));
        string e = Assert.Single(ex.Errors);
        Assert.Contains("invalid JSON (line 3", e);
    }

    [Fact]
    public void Wrong_value_type_names_its_path()
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Head + """{ "name": "b", "type": "digital_input", "pin": "seventeen" }""" + Tail, "t"));
        Assert.StartsWith("devices[0].pin: invalid JSON", Assert.Single(ex.Errors));
    }

    [Fact]
    public void Missing_file_is_a_map_error() =>
        Assert.Contains("cannot read the file", Assert.Throws<DeviceMapException>(() => DeviceMap.Load("/nonexistent/map.json")).Message);

    [Fact]
    public void Neuron_ranges_expand()
    {
        Assert.Equal(["in0", "in1", "in2"], DeviceMap.ExpandNeurons(["in0..in2"]));
        Assert.Equal(["x8", "x9", "x10"], DeviceMap.ExpandNeurons(["x8..10"]));
        Assert.Equal(["a..b"], DeviceMap.ExpandNeurons(["a..b"]));
    }
}

public class DeviceSetTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    private static readonly string[] PongInputs = Enumerable.Range(0, 24).Select(i => $"in{i}").ToArray();
    private static readonly string[] PongOutputs = ["out0", "out1", "out2"];

    [Fact]
    public void Unknown_neuron_names_list_the_models_names()
    {
        DeviceMap map = DeviceMap.Load(Example("pong-sim.json"));
        string[] inputs = PongInputs[..23];
        var ex = Assert.Throws<DeviceMapException>(() => DeviceSet.Bind(map, inputs, ["right", "left", "none"], SimulatedHardware.ForPong()));
        Assert.Contains(ex.Errors, e => e.StartsWith("devices[0].channels[2].neurons[7]: 'in23' is not an input neuron of the model; the model's inputs are: in0, in1,", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("devices[1].channels[0].neurons[0]: 'out0' is not an output neuron of the model; the model's outputs are: right, left, none (3)", StringComparison.Ordinal));
    }

    [Fact]
    public void Pong_sim_encodes_the_recorded_format_and_plays()
    {
        using var hw = SimulatedHardware.ForPong(seed: 2);
        PongGame game = hw.Pong!;
        using var set = DeviceSet.Bind(DeviceMap.Load(Example("pong-sim.json")), PongInputs, PongOutputs, hw, ownsHardware: false);
        float[] inputs = new float[24], outputs = new float[3];
        set.ReadAndEncode(0, inputs);
        Assert.Equal("011001101001100001001101", string.Concat(inputs.Select(x => x == 1f ? '1' : '0'))); // 102, 152, 77

        for (long p = 0; p < 20_000; p++)
        {
            set.ReadAndEncode(p, inputs);
            int ball = Decode(inputs, 0) + 7, paddle = Decode(inputs, 16) + 25; // the "network" reads its own inputs
            outputs[0] = ball > paddle + 3 ? 1 : 0;
            outputs[1] = ball < paddle - 3 ? 1 : 0;
            outputs[2] = 0.5f;
            set.DecodeAndWrite(p, outputs);
        }

        Assert.Equal(20_000, game.Ticks);
        Assert.True(game.Hits > 10 * game.Misses, $"hits {game.Hits} misses {game.Misses}");
    }

    private static int Decode(float[] bits, int start)
    {
        int v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 1) | (bits[start + i] == 1f ? 1 : 0);
        }

        return v - 2; // Pong values are -2..188, so the code is never negative
    }

    [Fact]
    public void Pavlov_sim_runs_the_protocol_through_the_map()
    {
        var schedule = new PavlovSchedule(2, 4, 2, StimulusPeriods: 3, GapPeriods: 3);
        using var hw = SimulatedHardware.ForPavlov(schedule);
        using var set = DeviceSet.Bind(DeviceMap.Load(Example("pavlov-sim.json")), ["F", "R"], ["S"], hw, ownsHardware: false);
        float[] input = new float[2], output = new float[1];
        bool paired = false;
        for (long p = 0; p < schedule.TotalPeriods; p++)
        {
            set.ReadAndEncode(p, input);
            paired |= input[0] == 1f && input[1] == 1f;
            output[0] = input[0] == 1f || (input[1] == 1f && paired) ? 0.9f : -0.9f; // a "learned" R→S
            set.DecodeAndWrite(p, output);
        }

        PavlovTrial[] trials = hw.Pavlov!.Trials.ToArray();
        Assert.All(trials, t => Assert.Equal(3, t.SalivationDuringStimulus));
        Assert.All(trials, t => Assert.Equal(0, t.SalivationDuringGap));
        Assert.Equal(PavlovStage.Testing, trials[^1].Stage);
    }

    [Fact]
    public void Lower_rate_devices_are_read_every_kth_period_and_held()
    {
        const string json = """
        { "version": 1, "loopRateHz": 60, "devices": [
          { "name": "slow", "type": "digital_input", "pin": 4, "rateHz": 20,
            "channels": [ { "channel": "level", "neurons": ["a"], "encoder": { "type": "threshold", "threshold": 0.5 } } ] },
          { "name": "out", "type": "digital_output", "pin": 5, "rateHz": 30,
            "channels": [ { "channel": "value", "neurons": ["y"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] } ] }
        """;
        using var hw = new SimulatedHardware();
        SimulatedGpioDriver driver = hw.Driver(0);
        using var set = DeviceSet.Bind(DeviceMap.Parse(json), ["a"], ["y"], hw, ownsHardware: false);
        Assert.Equal(3, set.Counters[0].Divisor);
        Assert.Equal(2, set.Counters[1].Divisor);
        float[] x = new float[1];
        var seen = new List<float>();
        for (long p = 0; p < 9; p++)
        {
            if (p == 1)
            {
                driver.SetInput(4, PinValue.High);
            }

            set.ReadAndEncode(p, x);
            seen.Add(x[0]);
            set.DecodeAndWrite(p, [p == 1 ? 1f : p == 2 ? 1f : 0f]);
            if (p == 2)
            {
                Assert.Equal(PinValue.High, driver.GetLevel(5)); // written at period 2 (even)
            }

            if (p == 1)
            {
                Assert.Equal(PinValue.Low, driver.GetLevel(5));  // period 1 is not a write period
            }
        }

        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f, 1f, 1f, 1f], seen); // change at period 1 seen at period 3
        Assert.Equal(3, set.Counters[0].Accesses);
        Assert.Equal(5, set.Counters[1].Accesses);
    }

    private sealed class ThrowingActuator(string name) : IActuator
    {
        public string Name { get; } = name;
        public int ChannelCount => 1;
        public int SafeCalls;
        public void Write(ReadOnlySpan<float> command) => throw new IOException("cable cut");
        public void EnterSafeState()
        {
            SafeCalls++;
            throw new IOException("cable cut");
        }

        public void Dispose()
        {
        }
    }

    private sealed class FaultyFactory(SimulatedHardware inner) : IHardwareFactory
    {
        public ThrowingActuator? Broken;
        public DeviceClock Clock => inner.Clock;
        public GpioController Gpio(int chip) => inner.Gpio(chip);
        public System.Device.I2c.I2cDevice OpenI2c(int bus, int address) => inner.OpenI2c(bus, address);
        public System.Device.Pwm.PwmChannel OpenPwm(int chip, int channel, int frequencyHz) => inner.OpenPwm(chip, channel, frequencyHz);
        public Stream OpenSerial(string port, int baudRate) => inner.OpenSerial(port, baudRate);
        public ISensor? CreateSensor(DeviceSpec device) => inner.CreateSensor(device);
        public IActuator? CreateActuator(DeviceSpec device) => device.Type == DeviceTypes.PongPaddle ? Broken = new ThrowingActuator(device.Name!) : null;
        public void EndPeriod(long period) => inner.EndPeriod(period);
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Safe_state_reaches_every_actuator_even_when_one_throws()
    {
        const string json = """
        { "version": 1, "loopRateHz": 50, "devices": [
          { "name": "paddle", "type": "pong_paddle", "channels": [ { "channel": "move", "neurons": ["a", "b"], "decoder": { "type": "argmax", "values": [1, -1] } } ] },
          { "name": "motor", "type": "hbridge_motor", "pwmChannel": 1, "in1Pin": 5, "in2Pin": 6, "safeState": { "mode": "coast" },
            "channels": [ { "channel": "speed", "neurons": ["m"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] },
          { "name": "head", "type": "servo", "pwmChannel": 0, "safeState": { "value": 90 },
            "channels": [ { "channel": "angle", "neurons": ["s"], "decoder": { "type": "linear", "outMin": 0, "outMax": 180 } } ] } ] }
        """;
        var sim = new SimulatedHardware();
        var hw = new FaultyFactory(sim);
        using var set = DeviceSet.Bind(DeviceMap.Parse(json), [], ["a", "b", "m", "s"], hw);
        var ex = Assert.Throws<DeviceFaultException>(() => set.DecodeAndWrite(0, [0f, 1f, 0.5f, 1f]));
        Assert.Equal("paddle", ex.DeviceName);
        Assert.Contains("cable cut", ex.Message);

        // the paddle threw before the others were written: drive them first, then fault again
        sim.Pwm(0, 1).DutyCycle = 0.5;
        sim.Driver(0).SetInput(5, PinValue.High);
        Assert.Equal(1, set.EnterSafeState());
        Assert.Equal(1, hw.Broken!.SafeCalls);
        Assert.IsType<IOException>(set.LastSafeStateErrors[0]);
        Assert.Null(set.LastSafeStateErrors[1]);
        Assert.Equal((PinValue.Low, PinValue.Low), (sim.Driver(0).GetLevel(5), sim.Driver(0).GetLevel(6)));
        Assert.Equal(0.0, sim.Pwm(0, 1).DutyCycle);
        Assert.Equal(0.075, sim.Pwm(0, 0).DutyCycle, 9);
        Assert.Equal(1, set.Counters[0].SafeStateFailures);
    }

    [Fact]
    public void Sim_only_type_on_real_hardware_is_a_clear_error()
    {
        using var hw = new LinuxHardware();
        var ex = Assert.Throws<DeviceFaultException>(() =>
            DeviceSet.Bind(DeviceMap.Load(Example("pong-sim.json")), PongInputs, PongOutputs, hw, ownsHardware: false));
        Assert.Contains("only in the simulated hardware", ex.Message);
    }

    [Fact]
    public void Input_length_must_match_the_model()
    {
        using var set = DeviceSet.Bind(DeviceMap.Load(Example("pong-sim.json")), PongInputs, PongOutputs, SimulatedHardware.ForPong());
        Assert.Throws<ArgumentException>(() => set.ReadAndEncode(0, new float[23]));
    }
}

public class ZeroAllocationTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "examples", name);

    private static long Measure(DeviceSet set, float[] inputs, float[] outputs, long from, long count)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long p = from; p < from + count; p++)
        {
            set.ReadAndEncode(p, inputs);
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = MathF.Sin((p * 0.1f) + i);
            }

            set.DecodeAndWrite(p, outputs);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Pong_loop_allocates_nothing_in_steady_state()
    {
        using var set = DeviceSet.Bind(DeviceMap.Load(Example("pong-sim.json")),
            Enumerable.Range(0, 24).Select(i => $"in{i}").ToArray(), ["out0", "out1", "out2"], SimulatedHardware.ForPong());
        float[] x = new float[24], y = new float[3];
        Measure(set, x, y, 0, 500);
        Assert.Equal(0, Measure(set, x, y, 500, 20_000));
    }

    [Fact]
    public void Pavlov_loop_allocates_nothing_in_steady_state()
    {
        var hw = SimulatedHardware.ForPavlov(new PavlovSchedule(50, 500, 50));
        using var set = DeviceSet.Bind(DeviceMap.Load(Example("pavlov-sim.json")), ["F", "R"], ["S"], hw);
        float[] x = new float[2], y = new float[1];
        Measure(set, x, y, 0, 500);
        Assert.Equal(0, Measure(set, x, y, 500, 5_000));
    }

    [Fact]
    public void Every_driver_and_coding_allocates_nothing_in_steady_state()
    {
        const string json = """
        { "version": 1, "loopRateHz": 60, "devices": [
          { "name": "imu", "type": "mpu6050", "accelRangeG": 8,
            "channels": [ { "channel": "ax", "neurons": ["p0..p7"], "encoder": { "type": "population", "count": 8, "min": -10, "max": 10 } },
                          { "channel": "gz", "neurons": ["g"], "encoder": { "type": "poisson", "inMin": 0, "inMax": 100, "seed": 3 } },
                          { "channel": "temp", "neurons": ["t0..t2"], "encoder": { "type": "regular", "inMin": 0, "inMax": 50, "count": 3 } } ] },
          { "name": "sonar", "type": "hcsr04", "triggerPin": 23, "echoPin": 24, "rateHz": 10,
            "channels": [ { "channel": "distance", "neurons": ["d"], "encoder": { "type": "linear", "inMin": 0, "inMax": 4 } } ] },
          { "name": "wheel", "type": "quadrature_encoder", "pinA": 5, "pinB": 6,
            "channels": [ { "channel": "count", "neurons": ["c0..c15"], "encoder": { "type": "binary", "bits": 16 } } ] },
          { "name": "btn", "type": "digital_input", "pin": 17, "debounceMs": 5, "rateHz": 30,
            "channels": [ { "channel": "count", "neurons": ["b"], "encoder": { "type": "linear", "inMin": 0, "inMax": 100 } } ] },
          { "name": "motor", "type": "hbridge_motor", "pwmChannel": 1, "in1Pin": 12, "in2Pin": 13,
            "channels": [ { "channel": "speed", "neurons": ["m"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] },
          { "name": "head", "type": "servo", "pwmChannel": 0, "rateHz": 20,
            "channels": [ { "channel": "angle", "neurons": ["s"], "decoder": { "type": "spike_count", "window": 20, "spikeThreshold": 0, "outMin": 0, "outMax": 180 } } ] },
          { "name": "led", "type": "digital_output", "pin": 26,
            "channels": [ { "channel": "value", "neurons": ["l0", "l1"], "decoder": { "type": "argmax", "values": [1, 0] } } ] } ] }
        """;
        var hw = new SimulatedHardware(new SimulatedClock(stepPerReadNanoseconds: 10_000)); // 10 µs per poll keeps the test fast
        var sonar = new SimulatedHcsr04(hw.Driver(0), 23, 24) { DistanceMeters = 1.2 };
        hw.Imu().AccelG = (0.3, 0, 1);
        DeviceMap map = DeviceMap.Parse(json);
        string[] inputs = [.. DeviceMap.ExpandNeurons(["p0..p7", "g", "t0..t2", "d", "c0..c15", "b"])];
        using var set = DeviceSet.Bind(map, inputs, ["m", "s", "l0", "l1"], hw);
        float[] x = new float[inputs.Length], y = new float[4];
        SimulatedGpioDriver gpio = hw.Driver(0);

        long Run(long from, long count)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (long p = from; p < from + count; p++)
            {
                gpio.SetInput(p % 4 < 2 ? 5 : 6, (p % 2 == 0) ? PinValue.High : PinValue.Low); // wheel turning
                gpio.SetInput(17, (p / 10) % 2 == 0 ? PinValue.High : PinValue.Low);            // button presses
                set.ReadAndEncode(p, x);
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = MathF.Sin((p * 0.05f) + i);
                }

                set.DecodeAndWrite(p, y);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Run(0, 600);
        Assert.Equal(0, Run(600, 6_000));
        Assert.True(sonar.Triggers > 500);
        Assert.InRange(x[Array.IndexOf(inputs, "d")], 0.29f, 0.31f); // d = 1.2 m / 4 m
        Assert.True(set.Counters[2].Accesses == 6_600);
        Assert.True(hw.Pwm(0, 0).IsRunning);
    }
}

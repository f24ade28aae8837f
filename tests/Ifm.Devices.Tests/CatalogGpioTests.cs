using System.Device.Gpio;
using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>The catalog's GPIO parts against their edge-timing simulators: button, ULN2003 stepper, HX711.</summary>
public sealed class CatalogGpioTests
{
    static CatalogGpioTests() => CatalogTypes.Register();

    private static float[] Run(DeviceMap map, SimulatedHardware hw, string[] inputs, string[] outputs, long periods, Func<long, float>? command = null)
    {
        using var set = DeviceSet.Bind(map, inputs, outputs, hw, ownsHardware: false);
        float[] x = new float[inputs.Length], y = new float[outputs.Length];
        for (long p = 0; p < periods; p++)
        {
            set.ReadAndEncode(p, x);
            if (y.Length > 0)
            {
                y[0] = command?.Invoke(p) ?? 0;
            }

            set.DecodeAndWrite(p, y);
        }

        return x;
    }

    [Fact]
    public void Button_debounces_by_stable_time_and_times_the_hold()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var gpio = new SimulatedGpioDriver(8, clock);
        gpio.SetInput(2, PinValue.High);   // released (pull-up, button to GND)
        using var button = new Button("b", new GpioController(gpio), 2, PinMode.InputPullUp, activeLow: true, 20_000_000, clock);
        float[] v = new float[3];

        // A 5 ms glitch (shorter than the 20 ms debounce) is not a press.
        gpio.SetInput(2, PinValue.Low);
        clock.Advance(5_000_000);
        gpio.SetInput(2, PinValue.High);
        clock.Advance(50_000_000);
        button.Read(v);
        Assert.Equal([0f, 0f, 0f], v);

        // A press that bounces for 2 ms, then holds 300 ms: one press, held from its last bounce edge.
        for (int i = 0; i < 5; i++)
        {
            gpio.SetInput(2, i % 2 == 0 ? PinValue.Low : PinValue.High);
            clock.Advance(500_000);
        }

        clock.Advance(10_000_000);
        button.Read(v);
        Assert.Equal(0f, v[0]);                           // 12 ms stable: not yet
        clock.Advance(288_000_000);
        button.Read(v);
        Assert.Equal(1f, v[0]);
        Assert.Equal(1f, v[1]);
        Assert.Equal(0.2985, v[2], 4);                    // since the last bounce edge (2 ms after the first)
        Assert.Equal(7, button.Edges);

        // A press and release both between two reads, each longer than the debounce, still counts.
        gpio.SetInput(2, PinValue.High);
        clock.Advance(30_000_000);
        gpio.SetInput(2, PinValue.Low);
        clock.Advance(30_000_000);
        gpio.SetInput(2, PinValue.High);
        clock.Advance(30_000_000);
        button.Read(v);
        Assert.Equal([0f, 2f, 0f], v);
    }

    [Fact]
    public void Button_on_its_simulator_counts_every_press_and_sees_the_long_one()
    {
        DeviceMap map = DeviceMap.Parse($$"""{ "version": 1, "loopRateHz": 100, "devices": [ {{ButtonType.Descriptor.Example.Replace("\"heldS\"", "\"presses\"").Replace("\"inMax\": 2", "\"inMax\": 100")}} ] }""");
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        float max = 0;
        using var set = DeviceSet.Bind(map, ["go", "hold"], [], hw);
        var b = (Button)set.Sensors.Single();
        float[] x = new float[2], v = new float[3];
        for (long p = 0; p < 1200; p++)   // 12 s: two cycles of the finger
        {
            set.ReadAndEncode(p, x);
            b.Read(v);
            max = Math.Max(max, v[2]);
            set.DecodeAndWrite(p, []);
        }

        Assert.Equal(8, hw.Plants.OfType<SimulatedButton>().Single().Presses);
        Assert.Equal(8, b.Presses);
        Assert.True(b.Edges > 8 * 5, $"bounces were seen: {b.Edges} edges");
        Assert.InRange(max, 1.15f, 1.21f);   // the long press (1.2 s) less the debounce's sample granularity
    }

    [Fact]
    public void Button_on_a_pcf8574_expander_counts_the_presses()
    {
        DeviceMap map = DeviceMap.Parse("""
            { "version": 1, "loopRateHz": 200, "boards": [ { "name": "keys", "type": "pcf8574", "address": 39 } ],
              "devices": [ { "name": "go", "type": "button", "expander": "keys", "pin": 7, "channels": [ { "channel": "presses", "neurons": ["n"], "encoder": { "type": "linear", "inMin": 0, "inMax": 100 } } ] } ] }
            """);
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        float[] x = Run(map, hw, ["n"], [], 1200);   // 6 s
        Assert.Equal(4, hw.Plants.OfType<SimulatedButton>().Single().Presses);
        Assert.Equal(4 / 100f, x[0], 4);
    }

    [Theory]
    [InlineData(true, 250, 250)]    // half steps: one half-step per step
    [InlineData(false, 200, 400)]   // full steps: two half-steps per step
    [InlineData(true, -100, -100)]
    public void Stepper_steps_at_the_commanded_speed_and_the_rotor_follows(bool half, float speed, int halfSteps)
    {
        var gpio = new SimulatedGpioDriver(32);
        int[] pins = [6, 13, 19, 26];
        var rotor = new SimulatedStepperMotor(gpio, pins);
        using var stepper = new Stepper("s", new GpioController(gpio), pins, half, 500, 0.001);
        for (int p = 0; p < 1000; p++)   // 1 s at 1 kHz
        {
            stepper.Write([speed]);
            rotor.Advance(p, 0);
        }

        Assert.Equal((long)speed, stepper.Position);
        Assert.Equal(halfSteps, rotor.HalfSteps);         // the first phase was energised before the first step
        Assert.Equal(0, rotor.MissedSteps);
        stepper.Write([2000]);                             // clamped to 500 steps/s: one step per two writes
        stepper.Write([2000]);
        Assert.Equal((long)speed + 1, stepper.Position);
        stepper.EnterSafeState();
        Assert.True(stepper.CoilsOff);
        Assert.All(pins, pin => Assert.Equal(PinValue.Low, gpio.GetLevel(pin)));
        stepper.Write([float.NaN]);
        Assert.All(pins, pin => Assert.Equal(PinValue.Low, gpio.GetLevel(pin)));
    }

    [Fact]
    public void Stepper_on_an_mcp23017_turns_the_rotor_and_goes_off_in_its_safe_state()
    {
        DeviceMap map = DeviceMap.Parse("""
            { "version": 1, "loopRateHz": 500, "boards": [ { "name": "io", "type": "mcp23017" } ],
              "devices": [ { "name": "pan", "type": "stepper", "expander": "io", "in1Pin": 8, "in2Pin": 9, "in3Pin": 10, "in4Pin": 11, "mode": "full", "maxStepsPerSecond": 100,
                             "channels": [ { "channel": "speed", "neurons": ["v"], "decoder": { "type": "linear", "inMin": -1, "inMax": 1, "outMin": -100, "outMax": 100 } } ] } ] }
            """);
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        var part = (SimulatedMcp23017)hw.AttachedI2c(1, 0x20)!;
        using (var set = DeviceSet.Bind(map, [], ["v"], hw, ownsHardware: false))
        {
            float[] y = [0.5f];   // 50 full steps/s
            for (long p = 0; p < 1000; p++)   // 2 s
            {
                set.ReadAndEncode(p, []);
                set.DecodeAndWrite(p, y);
            }

            SimulatedStepperMotor rotor = hw.Plants.OfType<SimulatedStepperMotor>().Single();
            Assert.InRange(rotor.HalfSteps, 198, 200);     // 100 full steps = 200 half-steps
            Assert.Equal(0, rotor.MissedSteps);
            Assert.Equal(0xF0FF, part.Directions);         // GPB0..3 outputs
            Assert.Equal(0, set.EnterSafeState());
            Assert.Equal(0, part.Latches & 0x0F00);        // coils off
        }

        Assert.Equal(0xFFFF, part.Directions);             // board released: all inputs
    }

    [Theory]
    [InlineData("\"maxStepsPerSecond\": 600", "devices[0].maxStepsPerSecond: at most one step per write: must be ≤ the device's rate 500 Hz, got 600")]
    [InlineData("\"safeState\": { \"mode\": \"brake\" }", "devices[0].safeState.mode: must be off, got 'brake'")]
    [InlineData("\"in4Pin\": 6", "devices[0].in4Pin: GPIO 6 on chip 0 is already used by devices[0].in1Pin")]
    public void Stepper_mistakes_are_reported_with_their_json_path(string field, string error)
    {
        string json = """{ "version": 1, "loopRateHz": 500, "devices": [ { "name": "s", "type": "stepper", "in1Pin": 6, "in2Pin": 13, "in3Pin": 19, "in4Pin": 26, FIELD, "channels": [ { "channel": "speed", "neurons": ["v"], "decoder": { "type": "linear" } } ] } ] }""";
        json = json.Replace("\"in4Pin\": 26, \"in4Pin\": 6", "\"in4Pin\": 6").Replace("FIELD", field);
        if (field.StartsWith("\"in4Pin\"", StringComparison.Ordinal))
        {
            json = json.Replace("\"in4Pin\": 26, ", "");
        }

        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(json));
        Assert.Contains(error, ex.Errors);
    }

    private static (SimulatedClock Clock, SimulatedGpioDriver Gpio, SimulatedHx711 Part) Hx711Parts()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var gpio = new SimulatedGpioDriver(16, clock);
        return (clock, gpio, new SimulatedHx711(gpio, 5, 6, clock) { LoadKg = 1 });
    }

    [Fact]
    public void Hx711_reads_the_24_bit_word_the_datasheet_shifts_out()
    {
        var (clock, gpio, part) = Hx711Parts();
        using var hx = new Hx711("w", new GpioController(gpio), 5, 6, 128, scale: 1.0 / 858_993, offset: 0);
        float[] v = new float[2];
        Assert.False(hx.Read(v));                 // DOUT high: no conversion yet (it never waits)
        clock.Advance(100_000_000);
        part.Advance(0, clock.Peek);
        Assert.True(hx.Read(v));
        // 1 kg on a 5 kg, 2 mV/V cell at 5 V: 2 mV; gain 128 over ±0.5·AVDD = ±2.5 V: 0.002 · 128 / 2.5 · 2^23 = 858,993.
        Assert.Equal(858_993, hx.Counts);
        Assert.Equal(858_993f, v[1]);
        Assert.Equal(1f, v[0], 5);
        Assert.Equal(1, part.Reads);
        Assert.False(hx.Read(v));                 // the 25th pulse set DOUT high until the next conversion
        clock.Advance(100_000_000);
        part.Advance(1, clock.Peek);
        part.LoadKg = -0.5;                       // a negative input: two's complement
        Assert.True(hx.Read(v));
        Assert.Equal(-429_497, hx.Counts);
        part.LoadKg = 100;                        // over range: the part saturates at 0x7FFFFF
        clock.Advance(100_000_000);
        part.Advance(2, clock.Peek);
        Assert.True(hx.Read(v));
        Assert.Equal(0x7FFFFF, hx.Counts);
    }

    [Fact]
    public void Hx711_gain_pulses_select_channel_b_and_a_long_clock_high_powers_it_down()
    {
        var (clock, gpio, part) = Hx711Parts();
        var controller = new GpioController(gpio);
        using var hx = new Hx711("w", controller, 5, 6, 32, 1, 0);
        part.ChannelBMillivolts = 10;
        float[] v = new float[2];
        clock.Advance(100_000_000);
        part.Advance(0, clock.Peek);
        Assert.True(hx.Read(v));                  // the power-on conversion: channel A, gain 128
        Assert.Equal(858_993, hx.Counts);
        part.Advance(1, clock.Peek);              // 26 pulses: channel B, gain 32 from now on, 4 conversions to settle
        Assert.Equal(32, part.Gain);
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(100_000_000);
            part.Advance(2 + i, clock.Peek);
            Assert.False(hx.Read(v));
        }

        clock.Advance(100_000_000);
        part.Advance(5, clock.Peek);
        Assert.True(hx.Read(v));
        Assert.Equal((int)Math.Round(0.010 * 32 / 2.5 * 8_388_608), hx.Counts);   // 10 mV on B at gain 32

        // PD_SCK high for 70 µs (> 60 µs): power-down; low again: reset to channel A, gain 128.
        controller.Write(6, PinValue.High);
        clock.Advance(70_000);
        controller.Write(6, PinValue.Low);
        Assert.Equal(1, part.PowerDowns);
        Assert.Equal(128, part.Gain);
    }

    [Fact]
    public void Hx711_gpio_error_is_a_stale_read_and_the_example_runs_fresh_at_10_sps()
    {
        var pins = new SimulatedGpioDriver(16);
        var mcp = new SimulatedMcp23017(pins, 1, 0x20);
        var expander = new Mcp23017("io", mcp);
        using var hx = new Hx711("w", expander.Controller, 1, 2, 128, 1, 0);
        pins.SetInput(1, PinValue.Low);           // DOUT low: data ready
        expander.Poll();
        mcp.FailTransfers = 1;
        Assert.False(hx.Read(new float[2]));
        Assert.Equal(1, hx.BusErrors);

        DeviceMap map = DeviceMap.Parse($$"""{ "version": 1, "loopRateHz": 100, "devices": [ {{Hx711Type.Descriptor.Example}} ] }""");
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        using var set = DeviceSet.Bind(map, ["kg"], [], hw);
        float[] x = new float[1];
        for (long p = 0; p < 200; p++)   // 2 s at 100 Hz
        {
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, []);
        }

        DeviceCounters c = set.Counters[0];
        Assert.InRange(c.Accesses - c.StaleReads, 18, 20);   // 10 SPS for 2 s
        // The ramp loads 4 kg over 4 s: at 2 s, 2 kg (the example's scale 1.164e-6 kg per count = 1 / (2 mV/kg · 128 / 2.5 V · 2^23)).
        Assert.InRange(x[0] * 5, 1.85f, 2.05f);
    }

    [Fact]
    public void Hx711_cannot_sit_on_an_expander()
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse("""
            { "version": 1, "loopRateHz": 100, "boards": [ { "name": "io", "type": "mcp23017" } ],
              "devices": [ { "name": "w", "type": "hx711", "expander": "io", "dataPin": 1, "clockPin": 2, "channels": [ { "channel": "raw", "neurons": ["r"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1 } } ] } ] }
            """));
        Assert.Contains("devices[0].expander: hx711 times its lines in microseconds, but the pins of an I2C expander are sampled once per loop period; wire it to the board's own GPIO", ex.Errors);
    }
}

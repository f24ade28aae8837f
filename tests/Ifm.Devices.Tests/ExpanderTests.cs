using System.Device.Gpio;
using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>
/// MCP23017 and PCF8574 GPIO expanders as GPIO chips: register maps from the datasheets, existing GPIO types running on
/// their pins through the map's <c>expander</c> field, validation with JSON paths, bus errors, safe states.
/// </summary>
public sealed class ExpanderTests
{
    static ExpanderTests() => CatalogTypes.Register();

    private static string Map(string boards, string devices, int rate = 1000) =>
        $$"""{ "version": 1, "loopRateHz": {{rate}}, "boards": [ {{boards}} ], "devices": [ {{devices}} ] }""";

    private const string Mcp = """{ "name": "io", "type": "mcp23017", "address": 33 }""";
    private const string Pcf = """{ "name": "keys", "type": "pcf8574", "address": 56 }""";

    private const string Button = """{ "name": "start", "type": "digital_input", "expander": "io", "pin": 9, "pull": "up", "activeLow": true, "debounceMs": 20, "channels": [ { "channel": "count", "neurons": ["presses"], "encoder": { "type": "linear", "inMin": 0, "inMax": 100 } } ] }""";
    private const string Led = """{ "name": "led", "type": "digital_output", "expander": "io", "pin": 3, "safeState": { "value": 0 }, "channels": [ { "channel": "value", "neurons": ["alarm"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] }""";

    [Fact]
    public void Mcp23017_register_map_resets_addresses_sequentially_and_routes_gpio_writes_to_olat()
    {
        var pins = new SimulatedGpioDriver(16);
        var part = new SimulatedMcp23017(pins, 1, 0x20);
        Span<byte> r = stackalloc byte[4];
        part.WriteRead([0x00], r);                       // IODIRA, IODIRB, IPOLA, IPOLB
        Assert.Equal([0xFF, 0xFF, 0x00, 0x00], r.ToArray());   // datasheet table 3-5: IODIR resets to 0xFF
        part.Write([0x14, 0x5A, 0xA5]);                  // OLATA, OLATB (sequential: SEQOP = 0)
        Assert.Equal(0xA55A, part.Latches);
        part.Write([0x13, 0x0F]);                        // a write to GPIOB goes to OLATB
        Assert.Equal(0x0F5A, part.Latches);
        part.Write([0x0A, 0x20]);                        // IOCON.SEQOP = 1: the pointer toggles within the pair
        part.WriteRead([0x14], r);
        Assert.Equal([0x5A, 0x0F, 0x5A, 0x0F], r.ToArray());
        Assert.Equal(0x20, part.Register(0x0B));         // IOCON is one register at 0x0A and 0x0B
        Assert.Throws<NotSupportedException>(() => part.Write([0x0A, 0x80]));   // BANK = 1 is not modelled
    }

    [Fact]
    public void Mcp23017_inputs_read_their_lines_with_polarity_and_outputs_drive_theirs()
    {
        var pins = new SimulatedGpioDriver(16);
        var part = new SimulatedMcp23017(pins, 1, 0x20);
        var mcp = new Mcp23017("io", part);
        GpioController gpio = mcp.Controller;
        gpio.OpenPin(2, PinMode.Output, PinValue.High);
        gpio.OpenPin(10, PinMode.InputPullUp);
        Assert.Equal(0xFFFB, part.Directions);           // GPA2 an output (IODIRA bit 2 = 0)
        Assert.Equal(1 << 10, part.PullUps);             // GPPUB bit 2
        Assert.Equal(PinValue.High, pins.GetLevel(2));   // OLATA bit 2 drives the line

        pins.SetInput(10, PinValue.High);
        Assert.True(mcp.Poll());
        Assert.Equal(PinValue.High, gpio.Read(10));
        part.Write([0x03, 0x04]);                        // IPOLB bit 2: the GPIO bit reads inverted
        Assert.True(mcp.Poll());
        Assert.Equal(PinValue.Low, gpio.Read(10));

        gpio.Write(2, PinValue.Low);
        Assert.Equal(PinValue.Low, pins.GetLevel(2));
        Assert.Equal(0, part.Latches & 4);
        Assert.Throws<InvalidOperationException>(() => gpio.OpenPin(11, PinMode.InputPullDown));   // pull-ups only
        mcp.Dispose();
        Assert.Equal(0xFFFF, part.Directions);          // released: every pin back to an input (high impedance)
    }

    [Fact]
    public void Pcf8574_is_quasi_bidirectional_a_pin_latched_low_reads_low()
    {
        var pins = new SimulatedGpioDriver(8);
        var part = new SimulatedPcf8574(pins, 1, 0x38);
        var pcf = new Pcf8574("keys", part);
        Assert.Equal(0xFF, part.Latch);                  // inputs are latched 1 (weak pull-up)
        GpioController gpio = pcf.Controller;
        gpio.OpenPin(0, PinMode.Output, PinValue.Low);
        gpio.OpenPin(5, PinMode.Input);
        Assert.Equal(0xFE, part.Latch);                  // P0 driven low, the others released high
        Assert.Equal(PinValue.Low, pins.GetLevel(0));
        pins.SetInput(5, PinValue.High);
        pins.SetInput(0, PinValue.High);                 // something pulls P0 high: the strong low wins
        Assert.True(pcf.Poll());
        Assert.Equal(PinValue.High, gpio.Read(5));
        Assert.Equal(0, pcf.Levels & 1);
        pins.SetInput(5, PinValue.Low);
        Assert.True(pcf.Poll());
        Assert.Equal(PinValue.Low, gpio.Read(5));
        pcf.Dispose();
        Assert.Equal(0xFF, part.Latch);
    }

    [Fact]
    public void A_bus_error_while_sampling_holds_the_levels_and_is_counted()
    {
        var pins = new SimulatedGpioDriver(16);
        var part = new SimulatedMcp23017(pins, 1, 0x20);
        var mcp = new Mcp23017("io", part);
        mcp.Controller.OpenPin(4, PinMode.Input);
        pins.SetInput(4, PinValue.High);
        Assert.True(mcp.Poll());
        pins.SetInput(4, PinValue.Low);
        part.FailTransfers = 1;
        Assert.False(mcp.Poll());
        Assert.Equal(1, mcp.BusErrors);
        Assert.Equal(PinValue.High, mcp.Controller.Read(4));   // held
        Assert.True(mcp.Poll());
        Assert.Equal(PinValue.Low, mcp.Controller.Read(4));
        part.FailTransfers = 1;
        Assert.Throws<IOException>(() => { mcp.Controller.OpenPin(5, PinMode.Output); mcp.Controller.Write(5, PinValue.High); });
    }

    [Fact]
    public void A_button_on_an_mcp23017_counts_presses_without_allocating()
    {
        DeviceMap map = DeviceMap.Parse(Map(Mcp, Button + "," + Led));
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        var part = (SimulatedMcp23017)hw.AttachedI2c(1, 33)!;
        using var set = DeviceSet.Bind(map, ["presses"], ["alarm"], hw);
        float[] x = new float[1], y = new float[1];
        for (long p = 0; p < 500; p++)
        {
            y[0] = p % 2;
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, y);
        }

        Assert.Equal(0xFFF7, part.Directions);           // GPA3 the LED output, the rest inputs
        Assert.Equal(1 << 9, part.PullUps);              // GPB1 the button's pull-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long p = 500; p < 4500; p++)
        {
            y[0] = p % 2;
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, y);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // 4.5 s at 1 kHz: the simulated switch is pressed at 0, 2 and 4 s. The first press is already down when the
        // input opens (the undriven line reads low = active), so the edges are those of 2 and 4 s; the 0.4 ms bounces
        // fall between samples or inside the debounce.
        Assert.Equal(2 / 100f, x[0], 4);
        Assert.Equal(3, hw.Plants.OfType<SimulatedSwitch>().Single().Presses);
        Assert.Equal(PinValue.High, hw.Driver(map.Boards![0].ExpanderChip).GetLevel(3));   // the last command (4499 odd → 1)

        Assert.Equal(0, set.EnterSafeState());
        Assert.Equal(0, part.Latches & 8);               // the LED's safe state (0) reached the latch
    }

    [Fact]
    public void A_quadrature_encoder_on_a_pcf8574_follows_the_wheel()
    {
        const string wheel = """{ "name": "wheel", "type": "quadrature_encoder", "expander": "keys", "pinA": 6, "pinB": 7, "channels": [ { "channel": "count", "neurons": ["n"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1000 } } ] }""";
        DeviceMap map = DeviceMap.Parse(Map(Pcf, wheel));
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        using var set = DeviceSet.Bind(map, ["n"], [], hw);
        float[] x = new float[1];
        for (long p = 0; p <= 1500; p++)
        {
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, []);
        }

        // 200 counts/s for 1.5 s, sampled at 1 kHz (0.2 counts per sample: no step is missed); the sample is taken
        // at the start of the period, before the wheel's last step.
        SimulatedQuadratureWheel w = hw.Plants.OfType<SimulatedQuadratureWheel>().Single();
        Assert.InRange(w.Position, 299, 301);
        Assert.InRange(x[0] * 1000, w.Position - 1.01, w.Position + 0.01);
    }

    [Theory]
    [InlineData("""{ "name": "b", "type": "digital_input", "expander": "ioo", "pin": 1, "channels": [] }""", "devices[0].expander: no board named 'ioo'; the map's GPIO expanders are 'io', 'keys'")]
    [InlineData("""{ "name": "b", "type": "digital_input", "expander": "io", "pin": 16, "channels": [] }""", "devices[0].pin: expander 'io' (mcp23017) has pins 0..15, got 16")]
    [InlineData("""{ "name": "b", "type": "digital_input", "expander": "keys", "pin": 8, "channels": [] }""", "devices[0].pin: expander 'keys' (pcf8574) has pins 0..7, got 8")]
    [InlineData("""{ "name": "a", "type": "digital_input", "expander": "io", "pin": 4, "channels": [] }, { "name": "b", "type": "digital_output", "expander": "io", "pin": 4, "channels": [] }""", "devices[1].pin: pin 4 of expander 'io' is already used by devices[0].pin")]
    [InlineData("""{ "name": "s", "type": "hcsr04", "expander": "io", "triggerPin": 1, "echoPin": 2, "channels": [] }""", "devices[0].expander: hcsr04 times its lines in microseconds, but the pins of an I2C expander are sampled once per loop period; wire it to the board's own GPIO")]
    [InlineData("""{ "name": "b", "type": "digital_input", "expander": "io", "pin": 1, "pull": "down", "channels": [] }""", "devices[0].pull: a mcp23017 has pull-ups only; use \"up\" (with activeLow) or an external pull-down")]
    [InlineData("""{ "name": "b", "type": "digital_input", "expander": "io", "gpioChip": 1, "pin": 1, "channels": [] }""", "devices[0].gpioChip: give either gpioChip (a chip of the board) or expander, not both")]
    [InlineData("""{ "name": "b", "type": "mpu6050", "expander": "io", "channels": [] }""", "devices[0].expander: mpu6050 has no GPIO lines")]
    public void Expander_mistakes_are_reported_with_their_json_path(string devices, string error)
    {
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Map(Mcp + "," + Pcf, devices)));
        Assert.Contains(error, ex.Errors);
    }

    [Fact]
    public void The_same_pin_number_on_two_expanders_and_the_board_is_fine_and_bad_board_fields_are_named()
    {
        const string ch = """ "channels": [ { "channel": "level", "neurons": ["n"], "encoder": { "type": "threshold", "threshold": 0.5 } } ] """;
        DeviceMap.Parse(Map(Mcp + "," + Pcf, $$"""
            { "name": "a", "type": "digital_input", "expander": "io", "pin": 4, {{ch.Replace("\"n\"", "\"a\"")}} },
            { "name": "b", "type": "digital_input", "expander": "keys", "pin": 4, {{ch.Replace("\"n\"", "\"b\"")}} },
            { "name": "c", "type": "digital_input", "pin": 4, {{ch.Replace("\"n\"", "\"c\"")}} }
            """));
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Map("""{ "name": "io", "type": "mcp23017", "address": 64, "pwmChip": 100 }""",
            """{ "name": "a", "type": "digital_input", "expander": "io", "pin": 4, "channels": [] }""")));
        Assert.Contains("boards[0].address: a mcp23017 answers at 0x20..0x27 (A2..A0), got 64", ex.Errors);
        Assert.Contains("boards[0].pwmChip: a mcp23017 is a GPIO expander (devices name it in 'expander'), it has no PWM chip", ex.Errors);
        ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(Map("""{ "name": "hat", "type": "pca9685", "pwmChip": 100 }""",
            """{ "name": "a", "type": "digital_input", "expander": "hat", "pin": 4, "channels": [] }""")));
        Assert.Contains("devices[0].expander: board 'hat' is a pca9685, not a GPIO expander (mcp23017, pcf8574)", ex.Errors);
    }
}

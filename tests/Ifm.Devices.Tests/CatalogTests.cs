using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>
/// Catalog adapters (Iot.Device.Bindings) against register-map simulators: values from known register contents,
/// configuration written and read back, bus errors, safe states, map validation.
/// </summary>
public sealed class CatalogTests
{
    static CatalogTests() => CatalogTypes.Register();

    private const string ServoBoardMap = """
        { "version": 1, "loopRateHz": 50,
          "boards": [ { "name": "hat", "type": "pca9685", "i2cBus": 1, "address": 64, "pwmChip": 100, "frequencyHz": 50 } ],
          "devices": [
            { "name": "pan", "type": "servo", "pwmChip": 100, "pwmChannel": 0, "safeState": { "value": 90 },
              "channels": [ { "channel": "angle", "neurons": ["pan"], "decoder": { "type": "linear", "outMin": 0, "outMax": 180 } } ] },
            { "name": "tilt", "type": "servo", "pwmChip": 100, "pwmChannel": 15, "minPulseUs": 500, "maxPulseUs": 2500,
              "channels": [ { "channel": "angle", "neurons": ["tilt"], "decoder": { "type": "linear", "outMin": 0, "outMax": 180 } } ] },
            { "name": "drive", "type": "hbridge_motor", "pwmChip": 100, "pwmChannel": 4, "frequencyHz": 50, "in1Pin": 5, "in2Pin": 6,
              "channels": [ { "channel": "speed", "neurons": ["drive"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] } ] }
        """;

    [Fact]
    public void Pca9685_channels_drive_servos_and_a_motor_with_the_datasheet_pulse_widths()
    {
        DeviceMap map = DeviceMap.Parse(ServoBoardMap);
        SimulatedHardware hw = SimulatedHardware.ForMap(map);
        var pca = (SimulatedPca9685)hw.AttachedI2c(1, 0x40)!;
        using var set = DeviceSet.Bind(map, [], ["pan", "tilt", "drive"], hw);

        // 50 Hz: PRE_SCALE = round(25 MHz / (4096 · 50)) − 1 = 121 (0x79), written while asleep; then awake with AI.
        Assert.Equal(0x79, pca.Peek(SimulatedPca9685.PreScale));
        Assert.False(pca.IsSleeping);
        Assert.Equal(0x20, pca.Peek(SimulatedPca9685.Mode1) & 0x20);
        Assert.Equal(25e6 / 4096 / 122, pca.FrequencyHz, 6);

        // pan 0 (tanh) → 90° → 1.5 ms; tilt 1 → 180° → 2.5 ms; motor +0.5 → duty 0.5, IN1 high, IN2 low.
        set.DecodeAndWrite(0, [0f, 1f, 0.5f]);
        double countUs = 1e6 / pca.FrequencyHz / 4096;          // one 12-bit count: 4.88 µs
        Assert.Equal(1500 * (pca.FrequencyHz / 50), pca.PulseMicroseconds(0), countUs); // the servo computes duty at 50 Hz
        Assert.Equal(2500 * (pca.FrequencyHz / 50), pca.PulseMicroseconds(15), countUs);
        Assert.Equal(0.5, pca.Duty(4), 3);
        Assert.Equal(System.Device.Gpio.PinValue.High, hw.Driver(0).GetLevel(5));
        Assert.Equal(307, (pca.Peek(0x08) | ((pca.Peek(0x09) & 0x0F) << 8))); // LED0_OFF = round(0.075 · 4096)

        // Safe states: pan to its 90°, tilt pulses off (full-off bit), motor braked with duty 0 → full off... or braked.
        Assert.Equal(0, set.EnterSafeState());
        Assert.Equal(1500 * (pca.FrequencyHz / 50), pca.PulseMicroseconds(0), countUs);
        Assert.Equal(0x10, pca.Peek(0x06 + (4 * 15) + 3) & 0x10);
        Assert.Equal(0, pca.Duty(15));

        // A bus error on a write is a fault naming the device (the loop then enters the safe state).
        pca.FailTransfers = 1;
        var ex = Assert.Throws<DeviceFaultException>(() => set.DecodeAndWrite(1, [0.2f, 0.2f, 0.2f]));
        Assert.Equal("pan", ex.DeviceName);
    }

    [Theory]
    [InlineData("\"pwmChannel\": 15", "\"pwmChannel\": 16", "devices[1].pwmChannel: board 'hat' (pca9685) has channels 0..15, got 16")]
    [InlineData("\"pwmChannel\": 15", "\"pwmChannel\": 0", "devices[1].pwmChannel: channel 0 of board 'hat' is already used by devices[0]")]
    [InlineData("\"pwmChannel\": 4, \"frequencyHz\": 50", "\"pwmChannel\": 4, \"frequencyHz\": 1000", "devices[2].frequencyHz: board 'hat' runs all its channels at 50 Hz, got 1000")]
    [InlineData("\"type\": \"pca9685\"", "\"type\": \"pca9686\"", "boards[0].type: unknown board type 'pca9686'; expected one of mcp23017, pca9685, pcf8574")]
    [InlineData("\"address\": 64", "\"address\": 112", "boards[0].address: a PCA9685 answers at 64..127")]
    [InlineData("\"frequencyHz\": 50 }", "\"frequencyHz\": 50, \"prescale\": 3 }", "boards[0].prescale: pca9685 has no field 'prescale'")]
    public void Pca9685_board_errors_name_the_entry(string replace, string with, string expected)
    {
        var errors = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(ServoBoardMap.Replace(replace, with, StringComparison.Ordinal))).Errors;
        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Pca9685_device_at_another_frequency_is_refused_at_bind_time_with_the_board_named()
    {
        // hbridge_motor's default is 1000 Hz; on a 50 Hz board the device must say so.
        DeviceMap map = DeviceMap.Parse(ServoBoardMap.Replace("\"pwmChannel\": 4, \"frequencyHz\": 50", "\"pwmChannel\": 4", StringComparison.Ordinal));
        var ex = Assert.Throws<DeviceFaultException>(() => DeviceSet.Bind(map, [], ["pan", "tilt", "drive"], SimulatedHardware.ForMap(map)));
        Assert.Contains("PCA9685 board 'hat' runs every channel at 50 Hz", ex.Message);
    }

    private const string AdcMap = """
        { "version": 1, "loopRateHz": 100, "devices": [
          { "name": "adc", "type": "ads1115", "address": 73, "rangeV": 2.048, "dataRate": 475,
            "channels": [ { "channel": "ain0", "neurons": ["a0"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1 } },
                          { "channel": "ain3", "neurons": ["a3"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1 } } ] } ] }
        """;

    [Fact]
    public void Ads1115_reads_the_volts_its_conversion_registers_hold_and_writes_its_configuration()
    {
        using var hw = new SimulatedHardware();
        var adc = new SimulatedAds1115(1, 0x49);
        hw.AttachI2c(1, 0x49, adc);
        adc.Volts[0] = 1.5;      // at FSR 2.048 V: round(1.5 · 32768 / 2.048) = 24000 = 0x5DC0
        adc.Volts[1] = 0.25;
        adc.Volts[2] = -0.1;     // below GND: negative code −1600
        adc.Volts[3] = 3.0;      // beyond +FS: 0x7FFF
        DeviceMap map = DeviceMap.Parse(AdcMap);
        using var set = DeviceSet.Bind(map, ["a0", "a3"], [], hw, ownsHardware: false);
        var sensor = Assert.IsType<Ads1115Sensor>(Assert.Single(set.Sensors));
        float[] v = Fresh(sensor);

        Assert.Equal(24000 * 2.048 / 32768, v[0], 1e-6);
        Assert.Equal(4000 * 2.048 / 32768, v[1], 1e-6);
        Assert.Equal(-1600 * 2.048 / 32768, v[2], 1e-6);
        Assert.Equal(32767 * 2.048 / 32768, v[3], 1e-6);

        // Config as the datasheet lays it out: MUX 111 (AIN3, the last input converted), PGA 010 (±2.048 V),
        // MODE 1 (single-shot), DR 110 (475 SPS), comparator disabled (COMP_QUE 11).
        ushort config = adc.Config;
        Assert.Equal(0b111, (config >> 12) & 7);
        Assert.Equal(0b010, (config >> 9) & 7);
        Assert.Equal(1, (config >> 8) & 1);
        Assert.Equal(0b110, (config >> 5) & 7);
        Assert.Equal(0b11, config & 3);
    }

    [Fact]
    public void Ads1115_bus_errors_are_stale_reads_that_are_counted_and_recover()
    {
        using var hw = new SimulatedHardware();
        var adc = new SimulatedAds1115(1, 0x49);
        hw.AttachI2c(1, 0x49, adc);
        using var set = DeviceSet.Bind(DeviceMap.Parse(AdcMap), ["a0", "a3"], [], hw, ownsHardware: false);
        var sensor = (Ads1115Sensor)set.Sensors.Single();
        Fresh(sensor);

        adc.FailTransfers = 1_000_000;
        SpinWait.SpinUntil(() => sensor.BusErrors >= 3, TimeSpan.FromSeconds(20));
        float[] x = new float[2];
        while (sensor.Read(x))
        {
            // drain a sweep finished before the failure
        }

        long before = sensor.BusErrors;
        Assert.True(before >= 3);
        set.ReadAndEncode(0, x);
        Assert.Equal(1, set.Counters[0].StaleReads);

        adc.FailTransfers = 0;
        adc.Volts[0] = 1.0;
        float[] v = Fresh(sensor);
        Assert.Equal(Math.Round(1.0 * 32768 / 2.048) * 2.048 / 32768, v[0], 1e-6);
    }

    private static float[] Fresh(BackgroundSensor sensor, int channels = 4)
    {
        float[] v = new float[channels];
        long start = sensor.Samples;
        Assert.True(SpinWait.SpinUntil(() => sensor.Samples > start + 1, TimeSpan.FromSeconds(20)), $"no sample from {sensor.Name}");
        Assert.True(sensor.Read(v));
        return v;
    }

    [Fact]
    public void Bno055_reads_orientation_rate_and_linear_acceleration_from_its_data_registers()
    {
        using var hw = new SimulatedHardware();
        var imu = new SimulatedBno055(1, 0x29);
        hw.AttachI2c(1, 0x29, imu);
        imu.Euler = (123.5, -10.25, 3.0625);           // 16 LSB/°: 1976, −164, 49
        imu.GyroDps = (1.5, -2, 250);
        imu.LinearAcceleration = (0.5, -0.25, 9.81);  // 100 LSB/(m/s²)
        DeviceMap map = DeviceMap.Parse("""
            { "version": 1, "loopRateHz": 100, "devices": [ { "name": "imu", "type": "bno055", "address": 41,
              "channels": [ { "channel": "heading", "neurons": ["h"], "encoder": { "type": "linear", "inMin": 0, "inMax": 360 } } ] } ] }
            """);
        using var set = DeviceSet.Bind(map, ["h"], [], hw, ownsHardware: false);
        var sensor = Assert.IsType<Bno055Adapter>(Assert.Single(set.Sensors));

        // The binding configured the part in CONFIGMODE, then NDOF (0x0C), units °, °/s, m/s², °C, Windows format (UNIT_SEL 0).
        Assert.Equal(0x0C, imu.Peek(SimulatedBno055.OprMode));
        Assert.Equal(0x00, imu.Peek(SimulatedBno055.UnitSel));
        Assert.Equal(0x24, imu.Peek(SimulatedBno055.AxisMapConfig));

        float[] v = Fresh(sensor, 9);
        Assert.Equal([123.5f, -10.25f, 3.0625f, 1.5f, -2f, 250f, 0.5f, -0.25f, 9.81f], v);
        float[] x = new float[1];
        SpinWait.SpinUntil(() => sensor.Samples > 3, TimeSpan.FromSeconds(20));
        set.ReadAndEncode(0, x);
        Assert.Equal(123.5f / 360, x[0], 6);

        // Bus errors lose samples (counted); the loop sees stale reads meanwhile; sampling recovers.
        imu.FailTransfers = 1_000_000;
        Assert.True(SpinWait.SpinUntil(() => sensor.BusErrors >= 3, TimeSpan.FromSeconds(20)));
        while (sensor.Read(v))
        {
        }

        set.ReadAndEncode(1, x);
        Assert.Equal(1, set.Counters[0].StaleReads);
        imu.FailTransfers = 0;
        Fresh(sensor, 9);

        // Outside a fusion mode the fusion outputs read 0 (datasheet §3.3).
        imu.Write([SimulatedBno055.OprMode, 0x00]);
        v = Fresh(sensor, 9);
        Assert.Equal(0f, v[0]);
        Assert.Equal(250f, v[5]);
    }

    [Fact]
    public void Bno055_refuses_an_address_the_part_cannot_have()
    {
        var errors = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse("""
            { "version": 1, "loopRateHz": 100, "devices": [ { "name": "imu", "type": "bno055", "address": 42,
              "channels": [ { "channel": "roll", "neurons": ["r"], "encoder": { "type": "linear", "inMin": -90, "inMax": 90 } } ] } ] }
            """)).Errors;
        Assert.Contains("devices[0].address: a BNO055 answers at 40 (0x28, COM3 low) or 41 (0x29, COM3 high), got 42", errors);
    }
}

using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>The BME280 and VL53L1X drivers against their register-map simulators.</summary>
public sealed class EnvironmentAndRangeTests
{
    static EnvironmentAndRangeTests() => CatalogTypes.Register();

    [Fact]
    public void Bme280_compensates_the_datasheet_example()
    {
        // BMP280 datasheet §3.12 (the BME280 shares the T and P formulas): with its trimming parameters,
        // adc_T 519888 is 25.08 °C and adc_P 415148 is 100653.27 Pa.
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var part = new SimulatedBme280(clock, 1, 0x76);
        var bme = new Bme280("air", part, 1);
        part.SetRaw(519888, 415148, 0x8000);
        float[] v = new float[3];
        Assert.True(bme.Read(v));
        Assert.Equal(25.08f, v[0], 0.001f);
        Assert.Equal(1006.5327, v[1], 0.01);
    }

    [Fact]
    public void Bme280_configuration_and_measurement_timing_follow_the_datasheet()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var part = new SimulatedBme280(clock, 1, 0x76) { Celsius = 30.5, Pascal = 95_000, Humidity = 62 };
        var bme = new Bme280("air", part, 4);
        // osrs 4x = 0b011 for T, P (ctrl_meas 0x6F: normal mode) and H (ctrl_hum 0x03); config 0 (0.5 ms standby).
        Assert.Equal(0x03, part.Peek(Bme280.RegCtrlHum));
        Assert.Equal(0b011_011_11, part.Peek(Bme280.RegCtrlMeas));
        // Appendix B: 1.25 + 2.3·4 + 2.3·4 + 0.575 + 2.3·4 + 0.575 = 30.0 ms.
        Assert.Equal(30_000_000, part.MeasurementNanoseconds);
        float[] v = new float[3];
        Assert.False(bme.Read(v));           // data registers at their reset value 0x80000
        clock.Advance(29_000_000);
        Assert.False(bme.Read(v));
        clock.Advance(1_000_000);
        Assert.True(bme.Read(v));
        Assert.Equal(30.5, v[0], 0.01);
        Assert.Equal(950.0, v[1], 0.01);
        Assert.Equal(62.0, v[2], 0.01);
        Assert.Equal(1, part.Measurements);
    }

    [Fact]
    public void Bme280_wrong_chip_and_bus_errors()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var part = new SimulatedBme280(clock);
        var bme = new Bme280("air", part, 1);
        clock.Advance(20_000_000);
        part.FailTransfers = 1;
        float[] v = new float[3];
        Assert.False(bme.Read(v));
        Assert.Equal(1, bme.BusErrors);
        Assert.True(bme.Read(v));

        // A BNO055 answering at 0x76 (its register 0xD0 wraps to 0x50, which reads 0).
        var ex = Assert.Throws<IOException>(() => new Bme280("air", new SimulatedBno055(1, 0x76), 1));
        Assert.Equal("air: chip id 0x00 at I2C address 0x76 is not a BME280's 0x60", ex.Message);
    }

    private static (SimulatedClock Clock, SimulatedVl53l1x Part, Vl53l1x Driver) OpenTof()
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var part = new SimulatedVl53l1x(clock);
        return (clock, part, new Vl53l1x("tof", part, clock));
    }

    [Fact]
    public void Vl53l1x_initialises_as_the_uld_does_and_ranges_continuously()
    {
        var (clock, part, tof) = OpenTof();
        Assert.True(part.IsRanging);
        Assert.Equal(1, part.Rangings);                        // the VHV calibration ranging of the start-up
        Assert.Equal(0x09, part.Peek(Vl53l1x.RegVhvLoopBound));
        Assert.Equal(0xC8, part.Peek(0x2D + 39));               // a byte inside the ULD block as written
        part.DistanceMeters = 0.734;
        float[] v = new float[1];
        Assert.False(tof.Read(v));                             // the next ranging has not finished
        clock.Advance(100_000_000);
        Assert.True(tof.Read(v));
        Assert.Equal(0.734f, v[0], 0.0005f);
        Assert.False(tof.Read(v));                             // interrupt cleared: one value per ranging
    }

    [Fact]
    public void Vl53l1x_out_of_range_and_bus_errors_are_counted_stale_reads()
    {
        var (clock, part, tof) = OpenTof();
        float[] v = new float[1];
        part.DistanceMeters = 5;
        clock.Advance(100_000_000);
        Assert.False(tof.Read(v));
        Assert.Equal(1, tof.InvalidRanges);

        part.DistanceMeters = 1.5;
        clock.Advance(100_000_000);
        part.FailTransfers = 1;
        Assert.False(tof.Read(v));
        Assert.Equal(1, tof.BusErrors);
        Assert.True(tof.Read(v));                              // the ranging is still there after the failed transfer
        Assert.Equal(1.5f, v[0], 0.0005f);

        var ex = Assert.Throws<IOException>(() => new Vl53l1x("tof", new SimulatedBno055(1, 0x29), clock));
        Assert.StartsWith("tof: model id 0x", ex.Message);
    }

    [Theory]
    [InlineData("bme280", "\"address\": 100", "devices[0].address: a BME280 answers at 118 (0x76, SDO to GND) or 119 (0x77, SDO to VDDIO), got 100")]
    [InlineData("bme280", "\"oversampling\": 3", "devices[0].oversampling: must be 1, 2, 4, 8 or 16, got 3")]
    [InlineData("vl53l1x", "\"address\": 200", "devices[0].address: a VL53L1X answers at 41 (0x29) at power-on; another address only after re-addressing (8..119), got 200")]
    public void Map_errors_name_the_field(string type, string field, string expected)
    {
        string map = $$"""{ "version": 1, "loopRateHz": 100, "devices": [ { "name": "p", "type": "{{type}}", {{field}}, "channels": [ { "channel": "{{DeviceTypes.Get(type).Channels[0]}}", "neurons": ["c"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3 } } ] } ] }""";
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(map, "m"));
        Assert.Contains(expected, ex.Errors);
    }
}

using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>The INA219 driver against its register-map simulator (datasheet SBOS448G: registers, calibration, CNVR timing).</summary>
public sealed class Ina219Tests
{
    static Ina219Tests() => CatalogTypes.Register();

    private static (SimulatedClock Clock, SimulatedIna219 Part, Ina219 Driver) Open(double shunt = 0.1, double maxA = 3.2, int busV = 32, int shuntMv = 320)
    {
        var clock = new SimulatedClock(stepPerReadNanoseconds: 0);
        var part = new SimulatedIna219(clock, 1, 0x40) { ShuntOhms = 0.1 };
        return (clock, part, new Ina219("supply", part, shunt, maxA, busV, shuntMv));
    }

    [Fact]
    public void Reads_bus_shunt_current_and_power_from_the_registers_the_datasheet_defines()
    {
        var (clock, part, ina) = Open();
        part.CurrentA = 1.0;     // 0.1 V across 0.1 Ω: shunt register 10000 (10 µV LSB)
        part.BusVolts = 12.0;    // bus register 3000 << 3 (4 mV LSB)
        clock.Advance(600_000);

        float[] v = new float[4];
        Assert.True(ina.Read(v));
        // Current LSB = 3.2 A / 32768; calibration = trunc(0.04096 / (LSB · 0.1 Ω)) = 4194 (datasheet eq. 1).
        Assert.Equal(4194, part.Calibration);
        double lsb = 3.2 / 32768;
        Assert.Equal(12.0, v[0], 1e-5);
        Assert.Equal(0.1, v[1], 1e-6);
        Assert.Equal(10000L * 4194 / 4096 * lsb, v[2], 1e-6);                  // current register 10239
        Assert.Equal(10000L * 4194 / 4096 * 3000 / 5000 * 20 * lsb, v[3], 1e-5); // power register 6143, 20 · LSB per bit
    }

    [Fact]
    public void Configuration_written_is_the_one_the_datasheet_encodes()
    {
        var (_, part, _) = Open(busV: 16, shuntMv: 160);
        // BRNG 0 (16 V), PG 10 (±160 mV), BADC = SADC = 0011 (12 bit, 532 µs), MODE 111 (continuous shunt and bus).
        Assert.Equal((2 << 11) | (0b0011 << 7) | (0b0011 << 3) | 0b111, part.Configuration);
        Assert.Equal(532_000, part.ConversionNanoseconds);
    }

    [Fact]
    public void A_value_is_fresh_once_per_finished_conversion()
    {
        var (clock, part, ina) = Open();
        part.BusVolts = 5;
        float[] v = new float[4];
        Assert.False(ina.Read(v));        // the configuration write restarted the conversion: 532 µs to go
        clock.Advance(500_000);
        Assert.False(ina.Read(v));
        clock.Advance(40_000);
        Assert.True(ina.Read(v));
        Assert.Equal(5.0, v[0], 1e-5);
        Assert.False(ina.Read(v));        // reading the power register cleared CNVR
        clock.Advance(532_000);
        Assert.True(ina.Read(v));
    }

    [Fact]
    public void Overflow_and_bus_errors_are_stale_reads_that_are_counted()
    {
        // maxCurrentA 0.5: calibration 26843, so 1 A makes the current register overflow (OVF set).
        var (clock, part, ina) = Open(maxA: 0.5);
        part.CurrentA = 1.0;
        part.BusVolts = 12;
        clock.Advance(600_000);
        float[] v = new float[4];
        Assert.False(ina.Read(v));
        Assert.Equal(1, ina.Overflows);

        part.CurrentA = 0.2;
        clock.Advance(600_000);
        part.FailTransfers = 1;
        Assert.False(ina.Read(v));
        Assert.Equal(1, ina.BusErrors);
        Assert.True(ina.Read(v));         // the conversion is still there after the failed transfer
        Assert.Equal(0.2, v[2], 1e-3);
    }

    [Theory]
    [InlineData("\"address\": 96", "devices[0].address: an INA219 answers at 64..79 (0x40..0x4F) by A0/A1, got 96")]
    [InlineData("\"shuntRangeMv\": 100", "devices[0].shuntRangeMv: must be 40, 80, 160 or 320, got 100")]
    [InlineData("\"shuntOhms\": 0.0001", "devices[0].maxCurrentA: with shuntOhms 0.0001 the calibration value would be 4194304, outside 1..65534")]
    [InlineData("\"shuntOhms\": 0", "devices[0].shuntOhms: must be in (0, 100], got 0")]
    public void Map_errors_name_the_field(string field, string expected)
    {
        string map = $$"""{ "version": 1, "loopRateHz": 100, "devices": [ { "name": "p", "type": "ina219", {{field}}, "channels": [ { "channel": "current", "neurons": ["c"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3 } } ] } ] }""";
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(map, "m"));
        Assert.Contains(expected, ex.Errors);
    }

    [Fact]
    public void Simulated_map_reads_the_supply()
    {
        string map = $$"""{ "version": 1, "loopRateHz": 100, "devices": [ {{Ina219Type.Descriptor.Example}} ] }""";
        DeviceMap m = DeviceMap.Parse(map, "m");
        using var hw = SimulatedHardware.ForMap(m);
        using var set = DeviceSet.Bind(m, ["load"], [], hw, ownsHardware: false);
        float[] x = new float[1];
        for (int p = 0; p < 200; p++)
        {
            set.ReadAndEncode(p, x);
            set.DecodeAndWrite(p, []);
        }

        long fresh = set.Counters[0].Accesses - set.Counters[0].StaleReads;
        Assert.True(fresh > 150, $"{fresh} fresh reads in 200 periods of 10 ms");
        Assert.InRange(x[0], 0.05f / 3, 2.05f / 3);   // 0.2..2 A on the 0..3 A encoder
    }
}

using Ifm.Devices.Catalog;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Tests;

/// <summary>The mcp3008 adapter (Iot.Device.Bindings' Mcp3008) against the bit-level SPI simulator (datasheet DS21295D).</summary>
public sealed class Mcp3008Tests
{
    static Mcp3008Tests() => CatalogTypes.Register();

    [Fact]
    public void Frame_bits_are_the_datasheets()
    {
        var adc = new SimulatedMcp3008();
        adc.Volts[3] = 2.0;   // round(1024 · 2.0 / 3.3) = 621 = 0b10_0110_1101
        byte[] rx = new byte[4];
        // Start bit = last bit of byte 0; SGL = 1, D2..D0 = 011; then 18 more clocks.
        adc.TransferFullDuplex([0x01, 0b1011_0000, 0x00, 0x00], rx);
        Assert.Equal(0b1011, adc.LastConfig);
        Assert.Equal(0, (rx[1] >> 2) & 1);              // null bit
        Assert.Equal(0b10, rx[1] & 3);                  // B9 B8
        Assert.Equal(0b0110_1101, rx[2]);               // B7..B0
        Assert.Equal(0b0110_1100, rx[3]);               // then B1..B8, LSB first (B0 is not sent twice)
        Assert.Equal(0b1111_1000, rx[1] & 0b1111_1000); // high impedance before the null bit
    }

    [Fact]
    public void Sensor_reads_the_eight_inputs_in_volts()
    {
        var adc = new SimulatedMcp3008();
        double[] volts = [0, 1.65, 3.3, 0.001, 0.8, 2.5, 3.0, -0.2];
        volts.CopyTo(adc.Volts, 0);
        using var sensor = new Mcp3008Sensor("pots", adc, 3.3);
        float[] v = new float[8];
        Assert.True(sensor.Read(v));
        for (int ch = 0; ch < 8; ch++)
        {
            double code = Math.Clamp(Math.Round(1024 * volts[ch] / 3.3), 0, 1023);
            Assert.Equal(code * 3.3 / 1024, v[ch], 1e-6);
        }

        Assert.Equal(8, adc.Conversions);
        Assert.Equal(0b1111, adc.LastConfig);            // single-ended CH7 last
    }

    [Fact]
    public void Differential_pairs_follow_the_channel_bits()
    {
        var adc = new SimulatedMcp3008();
        adc.Volts[0] = 2.0;
        adc.Volts[1] = 0.5;
        byte[] rx = new byte[3];
        adc.TransferFullDuplex([0x01, 0b0000_0000, 0x00], rx);  // SGL/DIFF = 0, D = 000: CH0 − CH1
        Assert.Equal(Math.Round(1024 * 1.5 / 3.3), ((rx[1] & 3) << 8) | rx[2]);
        adc.TransferFullDuplex([0x01, 0b0001_0000, 0x00], rx);  // D = 001: CH1 − CH0, negative: 0
        Assert.Equal(0, ((rx[1] & 3) << 8) | rx[2]);
    }

    [Fact]
    public void Spi_errors_are_stale_reads_counted()
    {
        var adc = new SimulatedMcp3008();
        using var sensor = new Mcp3008Sensor("pots", adc, 3.3);
        adc.FailTransfers = 1;
        float[] v = new float[8];
        Assert.False(sensor.Read(v));
        Assert.Equal(1, sensor.BusErrors);
        Assert.True(sensor.Read(v));
    }

    [Fact]
    public void Map_errors_name_the_field()
    {
        string map = """{ "version": 1, "loopRateHz": 100, "devices": [ { "name": "p", "type": "mcp3008", "clockHz": 3600000, "vrefV": 1, "channels": [ { "channel": "ch0", "neurons": ["c"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3 } } ] } ] }""";
        var ex = Assert.Throws<DeviceMapException>(() => DeviceMap.Parse(map, "m"));
        Assert.Contains("devices[0].clockHz: must be 10000..1350000, got 3600000", ex.Errors);
        Assert.Contains("devices[0].vrefV: must be 2.7..5.5, got 1", ex.Errors);
    }
}

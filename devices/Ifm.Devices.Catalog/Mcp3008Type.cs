using System.Device.Spi;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Iot.Device.Adc;

namespace Ifm.Devices.Catalog;

/// <summary>Device type <c>mcp3008</c>: the Microchip MCP3008 8-channel 10-bit ADC on SPI through Iot.Device.Bindings' <see cref="Mcp3008"/>.</summary>
public static class Mcp3008Type
{
    private static readonly IntField SpiBus = new("spiBus", 0, "SPI bus (/dev/spidevB.C: B)") { Min = 0, Max = 15 };
    private static readonly IntField ChipSelect = new("chipSelect", 0, "chip select (C: CE0 = 0, CE1 = 1 on a Pi)") { Min = 0, Max = 15 };
    private static readonly NumberField VrefV = new("vrefV", 3.3, "reference voltage at VREF, 2.7..5.5 V") { Min = 2.7, Max = 5.5 };
    private static readonly IntField ClockHz = new("clockHz", 1_000_000, "SPI clock, 10000..1350000 Hz (the datasheet's limit at 2.7 V)") { Min = 10_000, Max = 1_350_000 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "mcp3008",
        Role = DeviceRole.Sensor,
        Summary = "MCP3008 8-channel 10-bit ADC (SPI): ch0..ch7 in volts, single-ended; 8 three-byte transfers per read",
        Channels = Mcp3008Sensor.Channels,
        Fields = [SpiBus, ChipSelect, VrefV, ClockHz],
        CreateSensor = c => new Mcp3008Sensor(c.Name, c.Hardware.OpenSpi(c.Get(SpiBus), c.Get(ChipSelect), c.Get(ClockHz), SpiMode.Mode0), c.Get(VrefV)),
        Simulate = static (c, hw) =>
        {
            var adc = new SimulatedMcp3008(c.Get(SpiBus), c.Get(ChipSelect), c.Get(ClockHz)) { VrefV = c.Get(VrefV) };
            hw.AttachSpi(c.Get(SpiBus), c.Get(ChipSelect), adc);
            hw.AddPlant(new SimulatedPotentiometers(adc));
        },
        Simulator = "MCP3008 bit-level SPI protocol (start bit, SGL/DIFF, D2..D0, sample clock, null bit, B9..B0 then LSB-first repeat; single-ended and differential pairs; clock limit) on eight potentiometers swept slowly",
        Example = """{ "name": "pots", "type": "mcp3008", "chipSelect": 0, "channels": [ { "channel": "ch0", "neurons": ["knob"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3.3 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The MCP3008 as a sensor: eight single-ended conversions per read through the binding's <c>Read(channel)</c>
/// (raw 0..1023, no UnitsNet; it frames each conversion in one 3-byte full-duplex transfer), scaled by VREF/1024.
/// The read runs on the loop thread: it allocates nothing (RegistryTests) and takes 8 × 24 clocks (≈0.2 ms at 1 MHz).
/// An SPI error (<see cref="IOException"/>) is a stale read, counted in <see cref="BusErrors"/>.
/// </summary>
public sealed class Mcp3008Sensor : ISensor
{
    public static readonly string[] Channels = ["ch0", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7"];

    private readonly Mcp3008 _adc;
    private readonly double _voltsPerCode;

    /// <param name="spi">Owned by the hardware factory: the binding is never disposed (it would dispose the bus).</param>
    public Mcp3008Sensor(string name, SpiDevice spi, double vrefV)
    {
        Name = name;
        _adc = new Mcp3008(spi);
        _voltsPerCode = vrefV / 1024;
    }

    public string Name { get; }
    public int ChannelCount => 8;

    public long BusErrors { get; private set; }

    public bool Read(Span<float> destination)
    {
        try
        {
            for (int ch = 0; ch < 8; ch++)
            {
                destination[ch] = (float)(_adc.Read(ch) * _voltsPerCode);
            }

            return true;
        }
        catch (IOException)
        {
            BusErrors++;
            return false;
        }
    }

    public void Dispose()
    {
    }
}

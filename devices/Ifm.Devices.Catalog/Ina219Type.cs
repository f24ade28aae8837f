using System.Buffers.Binary;
using System.Device.I2c;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>ina219</c>: the TI INA219 high-side current/power monitor (I2C). Our own driver, not Iot.Device.Bindings'
/// <c>Ina219</c>: every reading member of the binding returns a UnitsNet quantity (<c>ElectricCurrent</c>,
/// <c>ElectricPotential</c>, <c>Power</c>), and any UnitsNet quantity adds ≈6.8 MB to the NativeAOT binary.
/// </summary>
public static class Ina219Type
{
    private static readonly NumberField ShuntOhms = new("shuntOhms", 0.1, "shunt resistor, Ω (0.1 on the Adafruit board)") { Min = 0, MinOpen = true, Max = 100 };
    private static readonly NumberField MaxCurrent = new("maxCurrentA", 3.2, "largest expected current, A: sets the current LSB = maxCurrentA / 32768") { Min = 0, MinOpen = true, Max = 100 };
    private static readonly IntField BusRange = new("busRangeV", 32, "bus voltage range 16 | 32 V (BRNG)") { Values = [16, 32] };
    private static readonly IntField ShuntRange = new("shuntRangeMv", 320, "shunt voltage range ±40 | 80 | 160 | 320 mV (PGA)") { Values = [40, 80, 160, 320] };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "ina219",
        Role = DeviceRole.Sensor,
        Summary = "INA219 current/power monitor (I2C): bus V, shunt V, current A, power W; a fresh value per finished conversion (CNVR)",
        Channels = Ina219.Channels,
        Fields = DeviceFields.I2c(DeviceFields.I2cAddress("an INA219", 0x40, [.. Enumerable.Range(0x40, 16)], "64..79 (0x40..0x4F) by A0/A1"),
            ShuntOhms, MaxCurrent, BusRange, ShuntRange),
        Validate = c =>
        {
            // The calibration register holds trunc(0.04096 / (currentLsb · R)) in 15 bits (datasheet eq. 1).
            double cal = 0.04096 / (MaxCurrent.Of(c.Spec) / 32768 * ShuntOhms.Of(c.Spec));
            if (cal is < 1 or > 0xFFFE)
            {
                c.Add("maxCurrentA", $"with shuntOhms {DeviceCheck.Num(ShuntOhms.Of(c.Spec))} the calibration value would be {DeviceCheck.Num(Math.Floor(cal))}, outside 1..65534");
            }
        },
        CreateSensor = c => new Ina219(c.Name, c.OpenI2c(), c.Get(ShuntOhms), c.Get(MaxCurrent), c.Get(BusRange), c.Get(ShuntRange)),
        Simulate = static (c, hw) =>
        {
            var part = new SimulatedIna219(hw.SimClock, c.I2cBus, c.I2cAddress) { ShuntOhms = c.Get(ShuntOhms) };
            hw.AttachI2c(c.I2cBus, c.I2cAddress, part);
            hw.AddPlant(new SimulatedMotorSupply(part));
        },
        Simulator = "INA219 register map (config reset 0x399F, PGA/BRNG ranges and overflow, calibration, current and power registers, CNVR cleared by a power read, 532 µs conversions) on a 12 V supply feeding a motor that draws 0.2–2 A",
        Example = """{ "name": "supply", "type": "ina219", "shuntOhms": 0.1, "maxCurrentA": 3.2, "channels": [ { "channel": "current", "neurons": ["load"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The INA219 driver (datasheet SBOS448G §8.6): configures continuous shunt+bus conversions at 12 bits (532 µs),
/// the bus range (BRNG), the PGA and the calibration register, then reads four 16-bit registers per sample with
/// <see cref="I2cDevice.WriteRead"/> on stack buffers (no allocation). A sample is fresh when the bus register's
/// CNVR bit says a conversion finished since the last read (reading the power register clears it); an overflow
/// (OVF) or an I2C error is no fresh value.
/// </summary>
public sealed class Ina219 : ISensor
{
    public static readonly string[] Channels = ["busVoltage", "shuntVoltage", "current", "power"];

    private const byte Config = 0x00, Shunt = 0x01, Bus = 0x02, PowerReg = 0x03, Current = 0x04, Calibration = 0x05;
    private readonly I2cDevice _bus;
    private readonly double _currentLsb;

    /// <param name="bus">Owned by the hardware factory.</param>
    public Ina219(string name, I2cDevice bus, double shuntOhms, double maxCurrentA, int busRangeV, int shuntRangeMv)
    {
        Name = name;
        _bus = bus;
        _currentLsb = maxCurrentA / 32768;
        ushort cal = (ushort)((int)(0.04096 / (_currentLsb * shuntOhms)) & 0xFFFE);
        int pg = shuntRangeMv switch { 40 => 0, 80 => 1, 160 => 2, _ => 3 };
        // BADC = SADC = 0b0011 (12-bit, 532 µs), MODE = 0b111 (shunt and bus, continuous).
        ushort config = (ushort)((busRangeV == 32 ? 1 << 13 : 0) | (pg << 11) | (0b0011 << 7) | (0b0011 << 3) | 0b111);
        WriteRegister(Config, 0x8000);   // RST: registers to their defaults
        WriteRegister(Config, config);
        WriteRegister(Calibration, cal);
    }

    public string Name { get; }
    public int ChannelCount => 4;

    /// <summary>Reads that failed on the bus.</summary>
    public long BusErrors { get; private set; }

    /// <summary>Conversions that overflowed (OVF: current or power beyond the registers).</summary>
    public long Overflows { get; private set; }

    public bool Read(Span<float> destination)
    {
        try
        {
            ushort bus = ReadRegister(Bus);
            if ((bus & 0x2) == 0)
            {
                return false;   // no conversion finished since the last read
            }

            short shunt = (short)ReadRegister(Shunt);
            short current = (short)ReadRegister(Current);
            ushort power = ReadRegister(PowerReg);   // clears CNVR
            if ((bus & 0x1) != 0)
            {
                Overflows++;
                return false;
            }

            destination[0] = (float)((bus >> 3) * 0.004);
            destination[1] = (float)(shunt * 10e-6);
            destination[2] = (float)(current * _currentLsb);
            destination[3] = (float)(power * 20 * _currentLsb);
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

    private ushort ReadRegister(byte register)
    {
        Span<byte> pointer = [register];
        Span<byte> value = stackalloc byte[2];
        _bus.WriteRead(pointer, value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    private void WriteRegister(byte register, ushort value)
    {
        Span<byte> b = [register, (byte)(value >> 8), (byte)value];
        _bus.Write(b);
    }
}

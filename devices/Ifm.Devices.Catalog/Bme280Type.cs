using System.Buffers.Binary;
using System.Device.I2c;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>bme280</c>: the Bosch BME280 temperature / pressure / humidity sensor (I2C). Our own driver, not
/// Iot.Device.Bindings' <c>Bme280</c>: its reading members return UnitsNet quantities (<c>Temperature</c>,
/// <c>Pressure</c>, <c>RelativeHumidity</c>), and any UnitsNet quantity adds ≈6.8 MB to the NativeAOT binary.
/// </summary>
public static class Bme280Type
{
    private static readonly IntField Oversampling = new("oversampling", 1, "oversampling of each of T, P, H: 1 | 2 | 4 | 8 | 16 (more is slower and less noisy)") { Values = [1, 2, 4, 8, 16] };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "bme280",
        Role = DeviceRole.Sensor,
        Summary = "BME280 environment sensor (I2C, normal mode): temperature °C, pressure hPa, humidity %RH",
        Channels = Bme280.Channels,
        Fields = DeviceFields.I2c(DeviceFields.I2cAddress("a BME280", 0x76, [0x76, 0x77], "118 (0x76, SDO to GND) or 119 (0x77, SDO to VDDIO)"), Oversampling),
        CreateSensor = c => new Bme280(c.Name, c.OpenI2c(), c.Get(Oversampling)),
        Simulate = static (c, hw) =>
        {
            var part = new SimulatedBme280(hw.SimClock, c.I2cBus, c.I2cAddress);
            hw.AttachI2c(c.I2cBus, c.I2cAddress, part);
            hw.AddPlant(new SimulatedWeather(part));
        },
        Simulator = "BME280 register map (chip id 0x60, soft reset, trimming parameters, ctrl_hum latched by ctrl_meas, status measuring bit, datasheet measurement time and standby in normal and forced modes, 0x80000 for a skipped measurement) in a room drifting 21–23 °C, 1013 hPa, 40–50 %RH",
        Example = """{ "name": "air", "type": "bme280", "address": 118, "rateHz": 10, "channels": [ { "channel": "temperature", "neurons": ["warm"], "encoder": { "type": "linear", "inMin": 15, "inMax": 35 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The BME280 driver (datasheet BST-BME280-DS002 §4.2, §5.4): checks the chip id (0x60), reads the trimming parameters
/// once, runs normal mode (0.5 ms standby, filter off, the same oversampling for T, P and H) and reads the eight data
/// registers 0xF7..0xFE in one burst into a stack buffer per sample (no allocation), compensated with the datasheet's
/// integer formulas. A data register still holding its reset value 0x80000 (no measurement yet) or an I2C error
/// is no fresh value.
/// </summary>
public sealed class Bme280 : ISensor
{
    public static readonly string[] Channels = ["temperature", "pressure", "humidity"];

    public const byte RegChipId = 0xD0, RegReset = 0xE0, RegCtrlHum = 0xF2, RegStatus = 0xF3, RegCtrlMeas = 0xF4, RegConfig = 0xF5, RegData = 0xF7;
    public const byte ChipIdValue = 0x60;

    private readonly I2cDevice _bus;
    private readonly Bme280Calibration _cal;

    /// <param name="bus">Owned by the hardware factory.</param>
    /// <param name="oversampling">1, 2, 4, 8 or 16 for each of temperature, pressure and humidity.</param>
    public Bme280(string name, I2cDevice bus, int oversampling)
    {
        Name = name;
        _bus = bus;
        byte id = ReadRegister(RegChipId);
        if (id != ChipIdValue)
        {
            throw new IOException($"{name}: chip id 0x{id:X2} at I2C address 0x{bus.ConnectionSettings.DeviceAddress:X2} is not a BME280's 0x60");
        }

        Span<byte> low = stackalloc byte[26], high = stackalloc byte[7];
        ReadRegisters(0x88, low);
        ReadRegisters(0xE1, high);
        _cal = Bme280Calibration.Parse(low, high);
        int osrs = oversampling switch { 1 => 1, 2 => 2, 4 => 3, 8 => 4, _ => 5 };
        WriteRegister(RegCtrlHum, (byte)osrs);                          // takes effect with the ctrl_meas write (§5.4.3)
        WriteRegister(RegConfig, 0);                                     // t_sb 0.5 ms, filter off
        WriteRegister(RegCtrlMeas, (byte)((osrs << 5) | (osrs << 2) | 0b11)); // normal mode
    }

    public string Name { get; }
    public int ChannelCount => 3;

    /// <summary>Reads that failed on the bus.</summary>
    public long BusErrors { get; private set; }

    public bool Read(Span<float> destination)
    {
        Span<byte> d = stackalloc byte[8];
        try
        {
            ReadRegisters(RegData, d);
        }
        catch (IOException)
        {
            BusErrors++;
            return false;
        }

        int adcP = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4);
        int adcT = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4);
        int adcH = (d[6] << 8) | d[7];
        if (adcT == 0x80000 || adcP == 0x80000)
        {
            return false;   // reset value: no measurement finished yet
        }

        int tFine = _cal.TFine(adcT);
        destination[0] = Bme280Calibration.Celsius(tFine);
        destination[1] = (float)(_cal.PressurePa(adcP, tFine) / 100.0);
        destination[2] = (float)_cal.HumidityPercent(adcH, tFine);
        return true;
    }

    public void Dispose()
    {
    }

    private byte ReadRegister(byte register)
    {
        Span<byte> b = stackalloc byte[1];
        ReadRegisters(register, b);
        return b[0];
    }

    private void ReadRegisters(byte register, Span<byte> destination)
    {
        Span<byte> pointer = [register];
        _bus.WriteRead(pointer, destination);
    }

    private void WriteRegister(byte register, byte value)
    {
        Span<byte> b = [register, value];
        _bus.Write(b);
    }
}

/// <summary>The BME280's trimming parameters and the datasheet's integer compensation formulas (§4.2.2, §4.2.3, §8.2).</summary>
public readonly record struct Bme280Calibration(
    ushort T1, short T2, short T3,
    ushort P1, short P2, short P3, short P4, short P5, short P6, short P7, short P8, short P9,
    byte H1, short H2, byte H3, short H4, short H5, sbyte H6)
{
    /// <summary>From calib00..25 (0x88..0xA1) and calib26..32 (0xE1..0xE7).</summary>
    public static Bme280Calibration Parse(ReadOnlySpan<byte> low, ReadOnlySpan<byte> high)
    {
        return new(
            BinaryPrimitives.ReadUInt16LittleEndian(low), S(low, 2), S(low, 4),
            BinaryPrimitives.ReadUInt16LittleEndian(low[6..]), S(low, 8), S(low, 10), S(low, 12), S(low, 14), S(low, 16), S(low, 18), S(low, 20), S(low, 22),
            low[25], BinaryPrimitives.ReadInt16LittleEndian(high), high[2],
            (short)((sbyte)high[3] << 4 | (high[4] & 0x0F)), (short)((sbyte)high[5] << 4 | (high[4] >> 4)), (sbyte)high[6]);
    }

    private static short S(ReadOnlySpan<byte> b, int i) => BinaryPrimitives.ReadInt16LittleEndian(b[i..]);

    /// <summary>t_fine, the temperature carried into the pressure and humidity formulas.</summary>
    public int TFine(int adcT)
    {
        int var1 = (((adcT >> 3) - (T1 << 1)) * T2) >> 11;
        int var2 = (((((adcT >> 4) - T1) * ((adcT >> 4) - T1)) >> 12) * T3) >> 14;
        return var1 + var2;
    }

    public static float Celsius(int tFine) => ((tFine * 5) + 128 >> 8) / 100f;

    /// <summary>Pressure in Pa (the 64-bit formula's Q24.8 result / 256).</summary>
    public double PressurePa(int adcP, int tFine)
    {
        long var1 = (long)tFine - 128000;
        long var2 = var1 * var1 * P6;
        var2 += (var1 * P5) << 17;
        var2 += (long)P4 << 35;
        var1 = ((var1 * var1 * P3) >> 8) + ((var1 * P2) << 12);
        var1 = (((1L << 47) + var1) * P1) >> 33;
        if (var1 == 0)
        {
            return 0;
        }

        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = (P9 * (p >> 13) * (p >> 13)) >> 25;
        var2 = (P8 * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long)P7 << 4);
        return p / 256.0;
    }

    /// <summary>Relative humidity in % (the 32-bit formula's Q22.10 result / 1024).</summary>
    public double HumidityPercent(int adcH, int tFine)
    {
        int v = tFine - 76800;
        v = ((((adcH << 14) - (H4 << 20) - (H5 * v)) + 16384) >> 15)
            * (((((((v * H6) >> 10) * (((v * H3) >> 11) + 32768)) >> 10) + 2097152) * H2 + 8192) >> 14);
        v -= ((((v >> 15) * (v >> 15)) >> 7) * H1) >> 4;
        v = Math.Clamp(v, 0, 419430400);
        return (v >> 12) / 1024.0;
    }
}

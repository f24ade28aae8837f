using System.Device.I2c;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The TI INA219 register map (datasheet SBOS448G §8.6): a pointer byte selects Configuration (0x00, reset 0x399F),
/// Shunt voltage (0x01, signed, 10 µV LSB, clipped to the PGA range ±40/80/160/320 mV), Bus voltage (0x02: bits 15..3
/// at 4 mV, bit 1 CNVR, bit 0 OVF), Power (0x03, = current · bus / 5000), Current (0x04, = shunt · calibration / 4096)
/// and Calibration (0x05, bit 0 reads 0); registers are 16-bit big-endian. Conversions take their datasheet time
/// (9..12 bits: 84, 148, 276, 532 µs; averaging n samples: n × 532 µs) on the simulated clock: CNVR sets when one
/// finishes and a power read clears it; the bus range (BRNG 16 or 32 V) clips the bus reading. Writing RST resets
/// every register.
/// </summary>
public sealed class SimulatedIna219(SimulatedClock clock, int busId = 1, int address = 0x40) : I2cDevice
{
    private const ushort ConfigReset = 0x399F;
    private readonly I2cConnectionSettings _settings = new(busId, address);
    private readonly ushort[] _reg = [ConfigReset, 0, 0, 0, 0, 0];
    private byte _pointer;
    private long _conversionStart = clock.Peek;
    private bool _ready;

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>The current through the shunt, A (the plant sets it).</summary>
    public double CurrentA { get; set; }

    /// <summary>The voltage at IN− to ground, V.</summary>
    public double BusVolts { get; set; }

    /// <summary>The shunt resistance the simulated board carries, Ω.</summary>
    public double ShuntOhms { get; set; } = 0.1;

    /// <summary>Transfers that fail with an <see cref="IOException"/> (a loose wire).</summary>
    public int FailTransfers { get; set; }

    public ushort Configuration => _reg[0];
    public ushort Calibration => _reg[5];

    /// <summary>The conversion time of the current configuration, ns (the longer of the shunt and bus ADC settings).</summary>
    public long ConversionNanoseconds => Math.Max(AdcTime((_reg[0] >> 3) & 0xF), AdcTime((_reg[0] >> 7) & 0xF));

    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public override void Read(Span<byte> buffer)
    {
        Fail();
        Convert();
        ushort value = _pointer == 2 ? (ushort)(_reg[2] | (_ready ? 2 : 0)) : _reg[_pointer];
        if (_pointer == 3)
        {
            _ready = false;   // reading Power clears CNVR
        }

        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(i % 2 == 0 ? value >> 8 : value);
        }
    }

    public override void WriteByte(byte value)
    {
        Span<byte> b = [value];
        Write(b);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Fail();
        if (buffer.IsEmpty)
        {
            return;
        }

        if (buffer[0] > 5)
        {
            throw new IOException($"INA219 has no register 0x{buffer[0]:X2} (NACK)");
        }

        _pointer = buffer[0];
        if (buffer.Length < 3)
        {
            return;
        }

        ushort v = (ushort)((buffer[1] << 8) | buffer[2]);
        if (_pointer == 0)
        {
            if ((v & 0x8000) != 0)
            {
                Array.Clear(_reg);
                _reg[0] = ConfigReset;
            }
            else
            {
                _reg[0] = (ushort)(v & 0x7FFF);
            }

            _conversionStart = clock.Peek;   // a configuration write restarts the conversion
            _ready = false;
        }
        else if (_pointer == 5)
        {
            _reg[5] = (ushort)(v & 0xFFFE);
        }

        // Shunt, bus, power and current are read-only.
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private static long AdcTime(int adc) => adc switch
    {
        0 or 4 => 84_000,
        1 or 5 => 148_000,
        2 or 6 => 276_000,
        3 or 7 or 8 => 532_000,
        _ => 532_000L << (adc - 8),   // 9..15: 2..128 samples averaged
    };

    /// <summary>Completes the conversions whose time has passed (continuous modes 5..7) with the present inputs.</summary>
    private void Convert()
    {
        int mode = _reg[0] & 7;
        long conversion = ConversionNanoseconds;
        if (mode < 5 || clock.Peek - _conversionStart < conversion)
        {
            return;
        }

        _conversionStart += (clock.Peek - _conversionStart) / conversion * conversion;
        int pg = (_reg[0] >> 11) & 3;
        double shuntFullScale = 0.04 * (1 << pg);
        double shunt = Math.Clamp(CurrentA * ShuntOhms, -shuntFullScale, shuntFullScale);
        short shuntReg = (short)Math.Round(shunt / 10e-6);
        double busFullScale = (_reg[0] & 0x2000) != 0 ? 32 : 16;
        int busCode = (int)Math.Round(Math.Clamp(BusVolts, 0, busFullScale) / 0.004);
        long current = (long)shuntReg * _reg[5] / 4096;
        long power = current * busCode / 5000;
        bool overflow = current is > short.MaxValue or < short.MinValue || power > ushort.MaxValue;
        _reg[1] = (ushort)shuntReg;
        _reg[4] = (ushort)(short)Math.Clamp(current, short.MinValue, short.MaxValue);
        _reg[3] = (ushort)Math.Clamp(power, 0, ushort.MaxValue);
        _reg[2] = (ushort)((Math.Min(busCode, 0x1FFF) << 3) | (overflow ? 1 : 0));
        _ready = true;
    }

    private void Fail()
    {
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException("simulated INA219: remote I/O error (NACK)");
        }
    }
}

/// <summary>A 12 V supply through the INA219's shunt to a motor drawing 0.2–2 A (8 s cycle), sagging 0.15 V per A.</summary>
public sealed class SimulatedMotorSupply(SimulatedIna219 part) : ISimulatedPlant
{
    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9;
        part.CurrentA = 1.1 + (0.9 * Math.Sin(t * 2 * Math.PI / 8));
        part.BusVolts = 12.0 - (0.15 * part.CurrentA);
    }
}

using System.Device.I2c;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The TI ADS1115 register map (datasheet SBAS444D §9.6): a pointer register (the first byte of a write) selects
/// Conversion (0x00), Config (0x01, reset 0x8583), Lo_thresh (0x02, 0x8000) or Hi_thresh (0x03, 0x7FFF); registers are
/// 16-bit big-endian. Writing Config with OS = 1 in single-shot mode (MODE = 1) starts a conversion: OS reads 0 (busy)
/// for <see cref="BusyReads"/> config reads, then 1 with the result in Conversion. The result is
/// round(V · 32768 / FSR) clamped to −32768..32767 for the MUX input (single-ended AINx vs GND, or the differential
/// pairs) and the PGA range (FSR 6.144, 4.096, 2.048, 1.024, 0.512, 0.256 V). In continuous mode the conversion
/// register follows the inputs.
/// </summary>
public sealed class SimulatedAds1115 : I2cDevice
{
    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
    private readonly ushort[] _reg = [0, 0x8583, 0x8000, 0x7FFF];
    private readonly I2cConnectionSettings _settings;
    private byte _pointer;
    private int _busy;

    public SimulatedAds1115(int busId = 1, int address = 0x48)
    {
        _settings = new I2cConnectionSettings(busId, address);
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Voltages at AIN0..AIN3 (relative to GND).</summary>
    public double[] Volts { get; } = new double[4];

    /// <summary>Config reads that still show the conversion busy after it is started (exercises the poll).</summary>
    public int BusyReads { get; set; } = 2;

    public int FailTransfers { get; set; }
    public long Conversions { get; private set; }

    public ushort Config => _reg[1];
    public ushort Conversion => _reg[0];

    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public override void Read(Span<byte> buffer)
    {
        Fail();
        ushort value = Register(_pointer & 3);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)(i % 2 == 0 ? value >> 8 : value);
        }
    }

    public override void WriteByte(byte value)
    {
        Fail();
        _pointer = (byte)(value & 3);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Fail();
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = (byte)(buffer[0] & 3);
        if (buffer.Length >= 3 && _pointer != 0)
        {
            ushort v = (ushort)((buffer[1] << 8) | buffer[2]);
            if (_pointer == 1)
            {
                bool start = (v & 0x8000) != 0 && (v & 0x0100) != 0;
                _reg[1] = (ushort)(v & 0x7FFF | (start ? 0 : (_reg[1] & 0x8000)));
                if (start)
                {
                    _busy = BusyReads;
                    _reg[0] = Convert();
                    Conversions++;
                }
            }
            else
            {
                _reg[_pointer] = v;
            }
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private ushort Register(int r)
    {
        if (r == 1)
        {
            if (_busy > 0)
            {
                _busy--;
                return (ushort)(_reg[1] & 0x7FFF);
            }

            return (ushort)(_reg[1] | 0x8000);
        }

        if (r == 0 && (_reg[1] & 0x0100) == 0)
        {
            _reg[0] = Convert(); // continuous mode
        }

        return _reg[r];
    }

    private ushort Convert()
    {
        int mux = (_reg[1] >> 12) & 7, pga = (_reg[1] >> 9) & 7;
        double v = mux switch
        {
            0 => Volts[0] - Volts[1],
            1 => Volts[0] - Volts[3],
            2 => Volts[1] - Volts[3],
            3 => Volts[2] - Volts[3],
            _ => Volts[mux - 4],
        };
        return (ushort)(short)Math.Clamp(Math.Round(v * 32768 / FullScale[pga]), short.MinValue, short.MaxValue);
    }

    private void Fail()
    {
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException("simulated I2C error (no ACK from the ADS1115)");
        }
    }
}

/// <summary>What <c>ifm run --simulate</c> wires to an ADS1115: four slow voltage ramps in 0..3.3 V (a pot, a battery divider…).</summary>
public sealed class SimulatedAnalogInputs(SimulatedAds1115 adc) : ISimulatedPlant
{
    public SimulatedAds1115 Adc { get; } = adc;

    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9;
        for (int k = 0; k < 4; k++)
        {
            Adc.Volts[k] = 1.65 + (1.5 * Math.Sin((t * 0.4) + k));
        }
    }
}

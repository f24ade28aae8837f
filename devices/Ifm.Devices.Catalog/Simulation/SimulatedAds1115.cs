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
public sealed class SimulatedAds1115(int busId = 1, int address = 0x48)
    : SimulatedWordRegisters("ADS1115", busId, address, [0, 0x8583, 0x8000, 0x7FFF])
{
    private static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];
    private int _busy;

    /// <summary>Voltages at AIN0..AIN3 (relative to GND).</summary>
    public double[] Volts { get; } = new double[4];

    /// <summary>Config reads that still show the conversion busy after it is started (exercises the poll).</summary>
    public int BusyReads { get; set; } = 2;

    public long Conversions { get; private set; }

    public ushort Config => Registers[1];
    public ushort Conversion => Registers[0];

    protected override void SelectRegister(int value) => Pointer = value & 3;

    protected override void Store(int register, ushort v)
    {
        if (register == 1)
        {
            bool start = (v & 0x8000) != 0 && (v & 0x0100) != 0;
            Registers[1] = (ushort)(v & 0x7FFF | (start ? 0 : (Registers[1] & 0x8000)));
            if (start)
            {
                _busy = BusyReads;
                Registers[0] = Convert();
                Conversions++;
            }
        }
        else if (register != 0)
        {
            Registers[register] = v;
        }
    }

    protected override ushort Load(int r)
    {
        if (r == 1)
        {
            if (_busy > 0)
            {
                _busy--;
                return (ushort)(Registers[1] & 0x7FFF);
            }

            return (ushort)(Registers[1] | 0x8000);
        }

        if (r == 0 && (Registers[1] & 0x0100) == 0)
        {
            Registers[0] = Convert(); // continuous mode
        }

        return Registers[r];
    }

    private ushort Convert()
    {
        int mux = (Registers[1] >> 12) & 7, pga = (Registers[1] >> 9) & 7;
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

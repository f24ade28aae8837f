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
public sealed class SimulatedIna219(SimulatedClock clock, int busId = 1, int address = 0x40)
    : SimulatedWordRegisters("INA219", busId, address, [ConfigReset, 0, 0, 0, 0, 0])
{
    private const ushort ConfigReset = 0x399F;
    private long _conversionStart = clock.Peek;
    private bool _ready;

    /// <summary>The current through the shunt, A (the plant sets it).</summary>
    public double CurrentA { get; set; }

    /// <summary>The voltage at IN− to ground, V.</summary>
    public double BusVolts { get; set; }

    /// <summary>The shunt resistance the simulated board carries, Ω.</summary>
    public double ShuntOhms { get; set; } = 0.1;

    public ushort Configuration => Registers[0];
    public ushort Calibration => Registers[5];

    /// <summary>The conversion time of the current configuration, ns (the longer of the shunt and bus ADC settings).</summary>
    public long ConversionNanoseconds => Math.Max(AdcTime((Registers[0] >> 3) & 0xF), AdcTime((Registers[0] >> 7) & 0xF));

    protected override void BeginRead() => Convert();

    protected override ushort Load(int register)
    {
        if (register == 3)
        {
            _ready = false;   // reading Power clears CNVR
        }

        return register == 2 ? (ushort)(Registers[2] | (_ready ? 2 : 0)) : Registers[register];
    }

    protected override void SelectRegister(int value)
    {
        if (value > 5)
        {
            throw new IOException($"INA219 has no register 0x{value:X2} (NACK)");
        }

        Pointer = value;
    }

    protected override void Store(int register, ushort v)
    {
        if (register == 0)
        {
            if ((v & 0x8000) != 0)
            {
                Array.Clear(Registers);
                Registers[0] = ConfigReset;
            }
            else
            {
                Registers[0] = (ushort)(v & 0x7FFF);
            }

            _conversionStart = clock.Peek;   // a configuration write restarts the conversion
            _ready = false;
        }
        else if (register == 5)
        {
            Registers[5] = (ushort)(v & 0xFFFE);
        }

        // Shunt, bus, power and current are read-only.
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
        int mode = Registers[0] & 7;
        long conversion = ConversionNanoseconds;
        if (mode < 5 || clock.Peek - _conversionStart < conversion)
        {
            return;
        }

        _conversionStart += (clock.Peek - _conversionStart) / conversion * conversion;
        int pg = (Registers[0] >> 11) & 3;
        double shuntFullScale = 0.04 * (1 << pg);
        double shunt = Math.Clamp(CurrentA * ShuntOhms, -shuntFullScale, shuntFullScale);
        short shuntReg = (short)Math.Round(shunt / 10e-6);
        double busFullScale = (Registers[0] & 0x2000) != 0 ? 32 : 16;
        int busCode = (int)Math.Round(Math.Clamp(BusVolts, 0, busFullScale) / 0.004);
        long current = (long)shuntReg * Registers[5] / 4096;
        long power = current * busCode / 5000;
        bool overflow = current is > short.MaxValue or < short.MinValue || power > ushort.MaxValue;
        Registers[1] = (ushort)shuntReg;
        Registers[4] = (ushort)(short)Math.Clamp(current, short.MinValue, short.MaxValue);
        Registers[3] = (ushort)Math.Clamp(power, 0, ushort.MaxValue);
        Registers[2] = (ushort)((Math.Min(busCode, 0x1FFF) << 3) | (overflow ? 1 : 0));
        _ready = true;
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

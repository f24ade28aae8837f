using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The Bosch BME280 register map (datasheet BST-BME280-DS002 §5): chip id 0xD0 = 0x60, soft reset 0xE0 (0xB6), trimming
/// parameters at 0x88..0xA1 and 0xE1..0xE7 (the BMP280 datasheet's worked-example values for T and P), ctrl_hum 0xF2
/// (applied only by the next ctrl_meas write, §5.4.3), status 0xF3 (bit 3 measuring), ctrl_meas 0xF4, config 0xF5, data
/// 0xF7..0xFE (press and temp 20 bit, hum 16 bit, big-endian; 0x80000 / 0x8000 at reset and when that measurement is
/// skipped), auto-increment for bursts. A measurement takes the datasheet's maximum time (Appendix B:
/// 1.25 + 2.3·osrs_t + 2.3·osrs_p + 0.575 + 2.3·osrs_h + 0.575 ms) on the simulated clock; in normal mode one starts
/// every measurement time + t_standby, in forced mode one per ctrl_meas write. The raw values are those for which the
/// datasheet's compensation gives the physical state (<see cref="Celsius"/>, <see cref="Pascal"/>, <see cref="Humidity"/>).
/// </summary>
public sealed class SimulatedBme280 : SimulatedByteRegisters
{
    private static readonly double[] StandbyMs = [0.5, 62.5, 125, 250, 500, 1000, 10, 20];

    // Trimming parameters 0x88..0xA1: T1..T3 and P1..P9 of the BMP280 datasheet's example (§3.12), then H1.
    private static readonly ushort[] TrimWords = [27504, 26435, unchecked((ushort)-1000), 36477, unchecked((ushort)-10685), 3024, 2855, 140,
        unchecked((ushort)-7), 15500, unchecked((ushort)-14600), 6000];

    private readonly SimulatedClock _clock;
    private byte _humidityOversampling;
    private long _measurementStart = long.MinValue, _measurementEnd = long.MinValue;

    public SimulatedBme280(SimulatedClock clock, int busId = 1, int address = 0x76)
        : base("BME280", busId, address, 256)
    {
        _clock = clock;
        Reset();
    }

    public double Celsius { get; set; } = 22;
    public double Pascal { get; set; } = 101_325;
    public double Humidity { get; set; } = 45;

    /// <summary>Measurements completed.</summary>
    public long Measurements { get; private set; }

    /// <summary>The time one measurement takes with the present oversampling, ns (datasheet Appendix B, maximum).</summary>
    public long MeasurementNanoseconds
    {
        get
        {
            byte meas = Registers[Bme280.RegCtrlMeas];
            double ms = 1.25 + Term(meas >> 5, 0) + Term(meas >> 2, 0.575) + Term(_humidityOversampling, 0.575);
            return (long)Math.Round(ms * 1e6);
        }
    }

    /// <summary>Writes raw ADC values to the data registers as a finished measurement would (for datasheet examples).</summary>
    public void SetRaw(int adcT, int adcP, int adcH)
    {
        Registers[0xF7] = (byte)(adcP >> 12);
        Registers[0xF8] = (byte)(adcP >> 4);
        Registers[0xF9] = (byte)(adcP << 4);
        Registers[0xFA] = (byte)(adcT >> 12);
        Registers[0xFB] = (byte)(adcT >> 4);
        Registers[0xFC] = (byte)(adcT << 4);
        Registers[0xFD] = (byte)(adcH >> 8);
        Registers[0xFE] = (byte)adcH;
    }

    protected override void BeginRead() => Measure();

    protected override byte Load(int register)
    {
        if (register == Bme280.RegStatus)
        {
            return (byte)(_clock.Peek < _measurementEnd ? 0x08 : 0);
        }

        return Registers[register];
    }

    protected override void Store(int register, byte value)
    {
        switch (register)
        {
            case Bme280.RegReset when value == 0xB6:
                Reset();
                break;
            case Bme280.RegCtrlHum:
                Registers[register] = (byte)(value & 7);
                break;
            case Bme280.RegCtrlMeas:
                Registers[register] = value;
                _humidityOversampling = (byte)(Registers[Bme280.RegCtrlHum] & 7);
                if ((value & 3) != 0)
                {
                    _measurementStart = _clock.Peek;   // forced or normal: a measurement starts now
                    _measurementEnd = _measurementStart + MeasurementNanoseconds;
                }

                break;
            case Bme280.RegConfig:
                Registers[register] = value;
                break;
        }

        // Everything else is read-only.
    }

    private static double Term(int osrs, double extra) => (osrs & 7) == 0 ? 0 : (2.3 * (1 << Math.Min((osrs & 7) - 1, 4))) + extra;

    private void Reset()
    {
        Array.Clear(Registers);
        Registers[Bme280.RegChipId] = Bme280.ChipIdValue;
        for (int i = 0; i < TrimWords.Length; i++)
        {
            Registers[0x88 + (2 * i)] = (byte)TrimWords[i];
            Registers[0x89 + (2 * i)] = (byte)(TrimWords[i] >> 8);
        }

        // H1 = 75, H2 = 362, H3 = 0, H4 = 313, H5 = 50, H6 = 30 (a production part's values).
        Registers[0xA1] = 75;
        Registers[0xE1] = 362 & 0xFF;
        Registers[0xE2] = 362 >> 8;
        Registers[0xE3] = 0;
        Registers[0xE4] = 313 >> 4;
        Registers[0xE5] = (313 & 0x0F) | ((50 & 0x0F) << 4);
        Registers[0xE6] = 50 >> 4;
        Registers[0xE7] = 30;
        SetRaw(0x80000, 0x80000, 0x8000);
        _humidityOversampling = 0;
        _measurementStart = _measurementEnd = long.MinValue;
    }

    /// <summary>Completes the measurement whose time has passed and, in normal mode, starts the next cycles.</summary>
    private void Measure()
    {
        byte meas = Registers[Bme280.RegCtrlMeas];
        if (_measurementEnd == long.MinValue || _clock.Peek < _measurementEnd)
        {
            return;
        }

        Complete(meas);
        if ((meas & 3) == 3)
        {
            long cycle = MeasurementNanoseconds + (long)(StandbyMs[Registers[Bme280.RegConfig] >> 5] * 1e6);
            _measurementStart += (_clock.Peek - _measurementStart) / cycle * cycle;
            _measurementEnd = _measurementStart + MeasurementNanoseconds;
        }
        else
        {
            _measurementEnd = long.MinValue;   // forced mode: back to sleep
            Registers[Bme280.RegCtrlMeas] = (byte)(meas & ~3);
        }
    }

    private void Complete(byte meas)
    {
        Measurements++;
        Span<byte> low = stackalloc byte[26], high = stackalloc byte[7];
        Registers.AsSpan(0x88, 26).CopyTo(low);
        Registers.AsSpan(0xE1, 7).CopyTo(high);
        var cal = Bme280Calibration.Parse(low, high);
        int adcT = Solve(cal, 0, 0, 0xFFFFF, Celsius);
        int tFine = cal.TFine(adcT);
        int adcP = Solve(cal, 1, tFine, 0xFFFFF, Pascal);
        int adcH = Solve(cal, 2, tFine, 0xFFFF, Humidity);
        SetRaw((meas >> 5) == 0 ? 0x80000 : adcT, ((meas >> 2) & 7) == 0 ? 0x80000 : adcP, _humidityOversampling == 0 ? 0x8000 : adcH);
    }

    /// <summary>
    /// The raw code in 0..<paramref name="hi"/> at which the compensated temperature (<paramref name="kind"/> 0), pressure
    /// (1, falling with the code) or humidity (2) reaches <paramref name="target"/> (the formulas are monotonic).
    /// </summary>
    private static int Solve(in Bme280Calibration cal, int kind, int tFine, int hi, double target)
    {
        int lo = 0;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            double value = kind switch
            {
                0 => Bme280Calibration.Celsius(cal.TFine(mid)),
                1 => cal.PressurePa(mid, tFine),
                _ => cal.HumidityPercent(mid, tFine),
            };
            if ((value < target) == (kind != 1))
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

/// <summary>What <c>ifm run --simulate</c> gives a BME280: a room drifting 21–23 °C, 1013.25 hPa ± 0.5, 40–50 %RH (60 s cycle).</summary>
public sealed class SimulatedWeather(SimulatedBme280 part) : ISimulatedPlant
{
    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9, w = 2 * Math.PI / 60;
        part.Celsius = 22 + Math.Sin(w * t);
        part.Pascal = 101_325 + (50 * Math.Cos(w * t));
        part.Humidity = 45 + (5 * Math.Sin(w * t));
    }
}

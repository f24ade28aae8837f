using System.Device.Gpio;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The HX711's serial interface on two simulated GPIO lines (Avia HX711 datasheet, "Serial Interface" and "Reset and
/// Power-Down"), watched through the driver's output edges on PD_SCK:
/// <list type="bullet">
/// <item>DOUT goes low when a conversion is ready: every 100 ms (RATE low, 10 SPS; <see cref="SamplesPerSecond"/>).</item>
/// <item>Each PD_SCK rising edge of a read shifts the next bit onto DOUT, MSB first (24 bits of two's complement);
/// the 25th pulse sets DOUT high until the next conversion; 25, 26 or 27 pulses in all select channel A·128, B·32
/// or A·64 for the next conversions, which then need 4 conversion times to settle.</item>
/// <item>PD_SCK high for more than 60 µs powers the part down; when it returns low the part resets (channel A, gain
/// 128) and settles for 4 conversion times.</item>
/// </list>
/// The input is a load cell (<see cref="SensitivityMvPerV"/> at <see cref="ExcitationV"/>, <see cref="CapacityKg"/>)
/// loaded 0–4 kg and back every 8 s, or <see cref="LoadKg"/> when set; channel B reads <see cref="ChannelBMillivolts"/>.
/// Counts = V_in · gain / (0.5 · AVDD) · 2^23, saturating at 0x7FFFFF / 0x800000 (AVDD = excitation).
/// </summary>
public sealed class SimulatedHx711 : ISimulatedPlant
{
    private readonly SimulatedGpioDriver _driver;
    private readonly int _data, _clock;
    private readonly SimulatedClock _time;
    private int _gain = 128, _nextGain = 128;
    private int _pulses = -1;          // −1: no read in progress
    private int _word;
    private long _readyAtNs, _clockHighAtNs = -1;

    public SimulatedHx711(SimulatedGpioDriver driver, int dataPin, int clockPin, SimulatedClock clock)
    {
        _driver = driver;
        _data = dataPin;
        _clock = clockPin;
        _time = clock;
        _readyAtNs = clock.Peek + ConversionNs;
        driver.SetInput(dataPin, PinValue.High);
        driver.OutputChanged += OnOutput;
    }

    public double SamplesPerSecond { get; init; } = 10;
    public double SensitivityMvPerV { get; init; } = 2;
    public double ExcitationV { get; init; } = 5;
    public double CapacityKg { get; init; } = 5;

    /// <summary>A fixed load, kg (null: the 8 s ramp).</summary>
    public double? LoadKg { get; set; }

    public double ChannelBMillivolts { get; set; }

    /// <summary>The gain of the conversions now running (128, 64: channel A; 32: channel B).</summary>
    public int Gain => _gain;

    /// <summary>Power-downs (PD_SCK held high over 60 µs).</summary>
    public int PowerDowns { get; private set; }

    /// <summary>Words shifted out completely.</summary>
    public long Reads { get; private set; }

    private long ConversionNs => (long)(1e9 / SamplesPerSecond);

    /// <summary>The counts the part converts now.</summary>
    public int CountsNow()
    {
        double kg = LoadKg ?? 4 * (1 - Math.Abs(((_time.Peek / 8e9) % 1.0 * 2) - 1));
        double mv = _gain == 32 ? ChannelBMillivolts : SensitivityMvPerV * ExcitationV * kg / CapacityKg;
        double counts = mv / 1000 * _gain / (0.5 * ExcitationV) * 8_388_608;
        return (int)Math.Clamp(Math.Round(counts), -8_388_608, 8_388_607);
    }

    public void Advance(long period, long nowNanoseconds)
    {
        if (_pulses >= 25 && _clockHighAtNs < 0)
        {
            // The read is over (its 25..27 pulses came within this period): the pulse count chose the next gain.
            if (_nextGain != _gain)
            {
                _gain = _nextGain;
                _readyAtNs += 3 * ConversionNs;   // a channel or gain change settles for 4 conversions
            }

            _pulses = -1;
        }

        if (_pulses < 0 && _clockHighAtNs < 0 && nowNanoseconds >= _readyAtNs)
        {
            _driver.SetInput(_data, PinValue.Low);   // conversion ready
        }
    }

    private void OnOutput(int pin, PinValue level)
    {
        if (pin != _clock)
        {
            return;
        }

        long now = _time.Peek;
        if (level == PinValue.Low)
        {
            long high = now - _clockHighAtNs;
            _clockHighAtNs = -1;
            if (high > 60_000)
            {
                PowerDowns++;   // power-down; back low = reset: channel A, gain 128, settle 4 conversions
                _gain = _nextGain = 128;
                _pulses = -1;
                _driver.SetInput(_data, PinValue.High);
                _readyAtNs = now + (4 * ConversionNs);
            }

            return;
        }

        _clockHighAtNs = now;
        if (_pulses < 0)
        {
            if (now < _readyAtNs)
            {
                return;   // no conversion ready: the pulse shifts nothing
            }

            _pulses = 0;
            _word = CountsNow() & 0xFFFFFF;
        }

        if (_pulses >= 27)
        {
            return;
        }

        _pulses++;
        if (_pulses <= 24)
        {
            _driver.SetInput(_data, (_word >> (24 - _pulses) & 1) != 0 ? PinValue.High : PinValue.Low);
            return;
        }

        _driver.SetInput(_data, PinValue.High);   // the 25th pulse ends the word: DOUT high until the next conversion
        _nextGain = _pulses switch { 25 => 128, 26 => 32, _ => 64 };
        if (_pulses == 25)
        {
            Reads++;
            _readyAtNs = now + ConversionNs;
        }
    }
}

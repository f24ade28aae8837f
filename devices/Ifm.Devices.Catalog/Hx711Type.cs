using System.Device.Gpio;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>hx711</c>: the Avia HX711 24-bit load-cell ADC, bit-banged on two GPIO lines (DOUT, PD_SCK). Our own
/// code: Iot.Device.Bindings' Hx711 returns UnitsNet <c>Mass</c> (≈6.8 MB of binary) and waits for data.
/// </summary>
public static class Hx711Type
{
    private static readonly PinField Data = new("dataPin", "GPIO line ← DOUT");
    private static readonly PinField Clock = new("clockPin", "GPIO line → PD_SCK");
    private static readonly IntField Gain = new("gain", 128, "128 | 64 (A) | 32 (B)") { Values = [128, 64, 32] };
    private static readonly NumberField Scale = new("scale", 1, "value per count");
    private static readonly NumberField Offset = new("offset", 0, "counts at no load");

    public static readonly DeviceType Descriptor = new()
    {
        Name = "hx711",
        Role = DeviceRole.Sensor,
        Summary = "HX711 load-cell ADC: (counts − offset) · scale, raw counts",
        Channels = Hx711.Channels,
        Fields = [Data, Clock, Gain, Scale, Offset],
        NeedsDirectGpio = true,
        CreateSensor = c => new Hx711(c.Name, c.Gpio, c.Get(Data), c.Get(Clock), c.Get(Gain), c.Get(Scale), c.Get(Offset)),
        Simulate = static (c, hw) =>
        {
            var part = new SimulatedHx711(hw.Driver(c.GpioChip), c.Get(Data), c.Get(Clock), hw.SimClock);
            hw.AddPlant(part);
        },
        Simulator = "DOUT/PD_SCK timing at 10 SPS, gain pulses, power-down; a load cell loaded 0–4 kg",
        Example = """{ "name": "scale", "type": "hx711", "dataPin": 5, "clockPin": 6, "gain": 128, "scale": 0.000001164, "channels": [ { "channel": "value", "neurons": ["kg"], "encoder": { "type": "linear", "inMin": 0, "inMax": 5 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The HX711 driver (Avia HX711 datasheet, "Serial Interface"): DOUT high = no conversion ready, so <see cref="Read"/>
/// returns at once with no fresh value (it never waits); DOUT low = ready: 24 PD_SCK pulses shift the result out MSB
/// first (DOUT read after each rising edge), then 1–3 more pulses select the gain/channel of the next conversion
/// (25 = A·128, 26 = B·32, 27 = A·64). The counts are 24-bit two's complement; 0x7FFFFF and 0x800000 are the
/// saturated ends. About 80 GPIO accesses on the loop thread per fresh value (tens of µs on libgpiod) and no
/// blocking, so no background thread: a read must finish with PD_SCK low within 60 µs of each rising edge or the
/// part powers down (datasheet), which a preempted background thread would risk. A GPIO error is a stale read
/// counted in <see cref="BusErrors"/>. No allocation.
/// </summary>
public sealed class Hx711 : ISensor
{
    public static readonly string[] Channels = ["value", "raw"];

    private readonly GpioController _gpio;
    private readonly int _pulses;
    private readonly double _scale, _offset;
    private bool _disposed;

    public Hx711(string name, GpioController gpio, int dataPin, int clockPin, int gain, double scale, double offset)
    {
        Name = name;
        DataPin = dataPin;
        ClockPin = clockPin;
        _gpio = gpio;
        _pulses = gain switch { 128 => 25, 32 => 26, 64 => 27, _ => throw new ArgumentOutOfRangeException(nameof(gain), gain, "gain must be 128, 64 or 32") };
        _scale = scale;
        _offset = offset;
        _gpio.OpenPin(dataPin, PinMode.Input);
        _gpio.OpenPin(clockPin, PinMode.Output, PinValue.Low);
        _gpio.WritePin(clockPin, PinValue.Low);   // PD_SCK low: normal operation
    }

    public string Name { get; }
    public int DataPin { get; }
    public int ClockPin { get; }
    public int ChannelCount => 2;

    /// <summary>The last counts read.</summary>
    public int Counts { get; private set; }

    /// <summary>Reads that failed on the GPIO (the previous value held).</summary>
    public long BusErrors { get; private set; }

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int counts;
        try
        {
            if (_gpio.Read(DataPin) == PinValue.High)
            {
                return false;   // no conversion ready
            }

            counts = 0;
            for (int i = 0; i < _pulses; i++)
            {
                _gpio.WritePin(ClockPin, PinValue.High);
                if (i < 24)
                {
                    counts = (counts << 1) | (_gpio.Read(DataPin) == PinValue.High ? 1 : 0);
                }

                _gpio.WritePin(ClockPin, PinValue.Low);
            }
        }
        catch (IOException)
        {
            BusErrors++;
            return false;
        }

        Counts = (counts << 8) >> 8;   // sign-extend 24 → 32 bits
        destination[0] = (float)((Counts - _offset) * _scale);
        destination[1] = Counts;
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _gpio.ClosePin(DataPin);
            _gpio.ClosePin(ClockPin);
        }
        catch (Exception)
        {
            // Controller already gone.
        }
    }
}

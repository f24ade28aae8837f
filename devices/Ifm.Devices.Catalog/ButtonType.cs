using System.Device.Gpio;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>button</c>: a momentary push button on a GPIO line, debounced by stable time (a level counts once
/// it has held <c>debounceMs</c>), with press count and hold time. Our own code: Iot.Device.Bindings' GpioButton
/// times holding and double presses with timers and <c>DateTime</c> (allocations off the loop thread, wall clock).
/// </summary>
public static class ButtonType
{
    private static readonly PinField Pin = new("pin", "GPIO line");
    private static readonly StringField Pull = new("pull", "up", "none | up | down") { Values = ["none", "up", "down"] };
    private static readonly BoolField ActiveLow = new("activeLow", true, "pressed = low (button to GND)");
    private static readonly NumberField DebounceMs = new("debounceMs", 20, "a level counts once held this long (0..1000)") { Min = 0, Max = 1000 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "button",
        Role = DeviceRole.Sensor,
        Summary = "push button: debounced state, presses, seconds held",
        Channels = Button.Channels,
        Fields = [Pin, Pull, ActiveLow, DebounceMs],
        CreateSensor = c => new Button(c.Name, c.Gpio, c.Get(Pin),
            c.Get(Pull) switch { "up" => PinMode.InputPullUp, "down" => PinMode.InputPullDown, _ => PinMode.Input },
            c.Get(ActiveLow), (long)(c.Get(DebounceMs) * 1e6), c.Hardware.Clock),
        Simulate = static (c, hw) => hw.AddPlant(new SimulatedButton(hw.Driver(c.GpioChip), c.Get(Pin), c.Get(ActiveLow), hw.SimClock)),
        Simulator = "3 short presses and a 1.2 s one every 6 s, each edge bouncing 1–5 ms",
        Example = """{ "name": "go", "type": "button", "pin": 5, "debounceMs": 20, "channels": [ { "channel": "pressed", "neurons": ["go"], "encoder": { "type": "threshold", "threshold": 0.5 } }, { "channel": "heldS", "neurons": ["hold"], "encoder": { "type": "linear", "inMin": 0, "inMax": 2 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The button driver. Edges (from the GPIO chip's event thread, or an expander's per-period sample) record the raw
/// level and its time; the debounced state takes a raw level once it has been stable for the debounce time, checked
/// at each edge and each <see cref="Read"/>, so a press held longer than the debounce is counted even when it falls
/// between two reads. Channels: <c>pressed</c> (0/1), <c>presses</c> (count), <c>heldS</c> (seconds the current
/// press has lasted, 0 when released). No allocation after construction.
/// </summary>
public sealed class Button : ISensor
{
    public static readonly string[] Channels = ["pressed", "presses", "heldS"];

    private readonly GpioController _gpio;
    private readonly DeviceClock _clock;
    private readonly PinChangeEventHandler _handler;
    private readonly Lock _gate = new();
    private bool _raw, _state;
    private long _rawSinceNs, _pressedAtNs, _presses, _edges;
    private bool _disposed;

    public Button(string name, GpioController gpio, int pin, PinMode mode, bool activeLow, long debounceNanoseconds, DeviceClock clock)
    {
        Name = name;
        Pin = pin;
        ActiveLow = activeLow;
        DebounceNanoseconds = debounceNanoseconds;
        _gpio = gpio;
        _clock = clock;
        _gpio.OpenPin(pin, mode);
        _raw = _state = (_gpio.Read(pin) == PinValue.High) != activeLow;
        _rawSinceNs = _pressedAtNs = clock.Nanoseconds;
        _handler = OnEdge;
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
    }

    public string Name { get; }
    public int Pin { get; }
    public bool ActiveLow { get; }
    public long DebounceNanoseconds { get; }
    public int ChannelCount => 3;

    /// <summary>Debounced presses.</summary>
    public long Presses => Interlocked.Read(ref _presses);

    /// <summary>Raw edges seen (bounces included).</summary>
    public long Edges => Interlocked.Read(ref _edges);

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long now = _clock.Nanoseconds;
        lock (_gate)
        {
            Settle(now);
            destination[0] = _state ? 1f : 0f;
            destination[1] = _presses;
            destination[2] = _state ? (float)((now - _pressedAtNs) / 1e9) : 0f;
        }

        return true;
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        bool level = (e.ChangeType == PinEventTypes.Rising) != ActiveLow;
        long now = _clock.Nanoseconds;
        lock (_gate)
        {
            Interlocked.Increment(ref _edges);
            Settle(now);
            _raw = level;
            _rawSinceNs = now;
        }
    }

    /// <summary>Takes the raw level as the state once it has held the debounce time.</summary>
    private void Settle(long now)
    {
        if (_raw == _state || now - _rawSinceNs < DebounceNanoseconds)
        {
            return;
        }

        _state = _raw;
        if (_state)
        {
            _presses++;
            _pressedAtNs = _rawSinceNs;
        }
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
            _gpio.UnregisterCallbackForPinValueChangedEvent(Pin, _handler);
            _gpio.ClosePin(Pin);
        }
        catch (Exception)
        {
            // The controller may already be disposed by its factory.
        }
    }
}

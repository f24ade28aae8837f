using System.Device.Gpio;

namespace Ifm.Devices.Drivers;

/// <summary>
/// A digital input (push button, limit switch, the Pavlov food/bell lines): channel 0 <c>level</c> (1 = active),
/// channel 1 <c>count</c> (debounced active edges since construction).
/// </summary>
/// <remarks>
/// Wiring: the pin to a 3.3 V logic signal (never 5 V on a Pi/Jetson header); a switch to ground with
/// <c>pull = up</c> and <c>activeLow = true</c>. Edges arrive as GPIO events (libgpiod's event thread on real
/// hardware); an edge within <see cref="DebounceNanoseconds"/> of the last accepted edge is treated as contact
/// bounce and ignored. <see cref="Read"/> samples the level directly and returns the event-driven count.
/// </remarks>
public sealed class DigitalInput : ISensor
{
    /// <summary>Channel names, in <see cref="Read"/> order.</summary>
    public static readonly string[] Channels = ["level", "count"];

    private readonly GpioController _gpio;
    private readonly DeviceClock _clock;
    private readonly PinChangeEventHandler _handler;
    private readonly object _gate = new();
    private long _lastAcceptedNs = long.MinValue / 2;
    private bool _lastAcceptedActive;
    private long _count;
    private long _bounces;
    private bool _disposed;

    public DigitalInput(string name, GpioController gpio, int pin, PinMode mode = PinMode.Input, bool activeLow = false,
        long debounceNanoseconds = 0, DeviceClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        if (mode is not (PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown))
        {
            throw new ArgumentException($"pin mode must be an input mode, got {mode}", nameof(mode));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(debounceNanoseconds);
        Name = name;
        Pin = pin;
        ActiveLow = activeLow;
        DebounceNanoseconds = debounceNanoseconds;
        _gpio = gpio;
        _clock = clock ?? DeviceClock.System;
        _gpio.OpenPin(pin, mode);
        _lastAcceptedActive = IsActive(_gpio.Read(pin));
        _handler = OnEdge;
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
    }

    public string Name { get; }
    public int Pin { get; }
    public bool ActiveLow { get; }
    public long DebounceNanoseconds { get; }
    public int ChannelCount => 2;

    /// <summary>Debounced active edges (press count).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Edges rejected as bounce.</summary>
    public long Bounces => Interlocked.Read(ref _bounces);

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        destination[0] = IsActive(_gpio.Read(Pin)) ? 1f : 0f;
        destination[1] = Interlocked.Read(ref _count);
        return true;
    }

    private bool IsActive(PinValue value) => (value == PinValue.High) != ActiveLow;

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        bool active = (e.ChangeType == PinEventTypes.Rising) != ActiveLow;
        long now = _clock.Nanoseconds;
        lock (_gate)
        {
            if (now - _lastAcceptedNs < DebounceNanoseconds || active == _lastAcceptedActive)
            {
                Interlocked.Increment(ref _bounces);
                return;
            }

            _lastAcceptedNs = now;
            _lastAcceptedActive = active;
            if (active)
            {
                Interlocked.Increment(ref _count);
            }
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
            // The controller may already be disposed by its factory; nothing left to release.
        }
    }
}

/// <summary>
/// A digital output (LED, relay driver, the Pavlov salivation line): one channel, command ≥ 0.5 → active.
/// NaN commands drive the safe level.
/// </summary>
/// <remarks>Wiring: pin → series resistor → LED/transistor base; never drive a relay coil directly from a GPIO.</remarks>
public sealed class DigitalOutput : IActuator
{
    private readonly GpioController _gpio;
    private bool _disposed;

    public DigitalOutput(string name, GpioController gpio, int pin, bool activeLow = false, bool safeActive = false)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        Name = name;
        Pin = pin;
        ActiveLow = activeLow;
        SafeActive = safeActive;
        _gpio = gpio;
        _gpio.OpenPin(pin, PinMode.Output, Level(safeActive));
        _gpio.WritePin(pin, Level(safeActive));
    }

    public string Name { get; }
    public int Pin { get; }
    public bool ActiveLow { get; }
    public bool SafeActive { get; }
    public int ChannelCount => 1;

    /// <summary>Times <see cref="EnterSafeState"/> could not drive the pin.</summary>
    public int SafeStateFailures { get; private set; }

    private PinValue Level(bool active) => active != ActiveLow ? PinValue.High : PinValue.Low;

    public void Write(ReadOnlySpan<float> command)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        float c = command[0];
        bool active = float.IsNaN(c) ? SafeActive : c >= 0.5f;
        _gpio.WritePin(Pin, Level(active));
    }

    public void EnterSafeState()
    {
        try
        {
            _gpio.WritePin(Pin, Level(SafeActive));
        }
        catch (Exception)
        {
            SafeStateFailures++;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        EnterSafeState();
        _disposed = true;
        try
        {
            _gpio.ClosePin(Pin);
        }
        catch (Exception)
        {
            // Controller already gone.
        }
    }
}

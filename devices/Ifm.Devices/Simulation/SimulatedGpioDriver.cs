using System.Device.Gpio;

namespace Ifm.Devices.Simulation;

/// <summary>
/// A scriptable GPIO chip for <see cref="GpioController"/>: pin modes, levels, edge callbacks and
/// <see cref="WaitForEvent"/> behave as on libgpiod, but levels of input pins are driven by the test or by a
/// simulated plant (<see cref="SetInput"/>, <see cref="ScheduleInput"/>), and output writes are observable
/// (<see cref="GetLevel"/>, <see cref="OutputChanged"/>, <see cref="WriteCount"/>).
/// </summary>
/// <remarks>
/// Edge callbacks run synchronously on the thread that changed the level (libgpiod runs them on its event thread);
/// they are invoked outside the driver's lock and without allocation (event-args objects are cached per pin).
/// Scheduled input changes become due against <see cref="Clock"/> and are applied on the next pin access or
/// <see cref="ProcessDue"/>.
/// </remarks>
public sealed class SimulatedGpioDriver : GpioDriver
{
    private readonly object _gate = new();
    private readonly Pin[] _pins;
    private int _scheduled;

    public SimulatedGpioDriver(int pinCount = 64, DeviceClock? clock = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pinCount, 1);
        _pins = new Pin[pinCount];
        for (int i = 0; i < pinCount; i++)
        {
            _pins[i] = new Pin(i);
        }

        Clock = clock ?? new SimulatedClock();
    }

    public DeviceClock Clock { get; }

    /// <summary>Raised after an output pin's level changed through <see cref="Write"/> (pin, new level).</summary>
    public event Action<int, PinValue>? OutputChanged;

    protected override int PinCount => _pins.Length;

    /// <summary>Whether <paramref name="pin"/> is open.</summary>
    public bool IsOpen(int pin) => P(pin).Open;

    /// <summary>Mode last set on <paramref name="pin"/>.</summary>
    public PinMode ModeOf(int pin) => P(pin).Mode;

    /// <summary>Current level (driven input or written output).</summary>
    public PinValue GetLevel(int pin)
    {
        ProcessDue();
        return P(pin).Level;
    }

    /// <summary>Number of <see cref="Write"/> calls on <paramref name="pin"/>.</summary>
    public long WriteCount(int pin) => Interlocked.Read(ref P(pin).Writes);

    /// <summary>Number of callbacks registered on <paramref name="pin"/>.</summary>
    public int CallbackCount(int pin) => P(pin).Callbacks.Length;

    /// <summary>Drives the external level of <paramref name="pin"/> (like a wire); fires edge callbacks on change.</summary>
    public void SetInput(int pin, PinValue level)
    {
        ProcessDue();
        Change(pin, level);
    }

    /// <summary>Drives <paramref name="pin"/> to <paramref name="level"/> once <see cref="Clock"/> reaches <paramref name="atNanoseconds"/>.</summary>
    public void ScheduleInput(int pin, long atNanoseconds, PinValue level)
    {
        Pin p = P(pin);
        lock (_gate)
        {
            p.Scheduled.Add((atNanoseconds, level));
            _scheduled++;
            p.Scheduled.Sort(static (a, b) => a.At.CompareTo(b.At));
        }
    }

    /// <summary>Applies every scheduled change whose time has come (in time order).</summary>
    public void ProcessDue()
    {
        if (Volatile.Read(ref _scheduled) == 0)
        {
            return;
        }

        long now = Clock is SimulatedClock s ? s.Peek : Clock.Nanoseconds;
        for (int i = 0; i < _pins.Length; i++)
        {
            Pin p = _pins[i];
            if (p.Scheduled.Count == 0)
            {
                continue;
            }

            while (true)
            {
                PinValue level;
                lock (_gate)
                {
                    if (p.Scheduled.Count == 0 || p.Scheduled[0].At > now)
                    {
                        break;
                    }

                    level = p.Scheduled[0].Level;
                    p.Scheduled.RemoveAt(0);
                    _scheduled--;
                }

                Change(p.Number, level);
            }
        }
    }

    private void Change(int pin, PinValue level)
    {
        Pin p = P(pin);
        PinValueChangedEventArgs args;
        Registration[] callbacks;
        lock (_gate)
        {
            if (p.Level == level)
            {
                return;
            }

            p.Level = level;
            PinEventTypes type = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            args = type == PinEventTypes.Rising ? p.RisingArgs : p.FallingArgs;
            p.EdgeSerial++;
            p.LastEdge = type;
            callbacks = p.Callbacks;
            Monitor.PulseAll(_gate);
        }

        for (int i = 0; i < callbacks.Length; i++)
        {
            if ((callbacks[i].Types & args.ChangeType) != 0)
            {
                callbacks[i].Handler(this, args);
            }
        }
    }

    private Pin P(int pin)
    {
        if ((uint)pin >= (uint)_pins.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"the simulated chip has pins 0..{_pins.Length - 1}");
        }

        return _pins[pin];
    }

    protected override void OpenPin(int pinNumber)
    {
        Pin p = P(pinNumber);
        lock (_gate)
        {
            if (p.Open)
            {
                throw new InvalidOperationException($"pin {pinNumber} is already open");
            }

            p.Open = true;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        Pin p = P(pinNumber);
        lock (_gate)
        {
            p.Open = false;
            p.Callbacks = [];
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        Pin p = P(pinNumber);
        RequireOpen(p);
        p.Mode = mode;
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        Pin p = P(pinNumber);
        RequireOpen(p);
        return p.Mode;
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber)
    {
        ProcessDue();
        Pin p = P(pinNumber);
        RequireOpen(p);
        return p.Level;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        Pin p = P(pinNumber);
        RequireOpen(p);
        if (p.Mode != PinMode.Output)
        {
            throw new InvalidOperationException($"pin {pinNumber} is not an output (mode {p.Mode})");
        }

        Interlocked.Increment(ref p.Writes);
        bool changed = p.Level != value;
        Change(pinNumber, value);
        if (changed)
        {
            OutputChanged?.Invoke(pinNumber, value);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Pin p = P(pinNumber);
        RequireOpen(p);
        lock (_gate)
        {
            long seen = p.EdgeSerial;
            while (true)
            {
                if (p.EdgeSerial != seen)
                {
                    seen = p.EdgeSerial;
                    if ((p.LastEdge & eventTypes) != 0)
                    {
                        return new WaitForEventResult { EventTypes = p.LastEdge, TimedOut = false };
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
                }

                Monitor.Wait(_gate, 5);
            }
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        Pin p = P(pinNumber);
        RequireOpen(p);
        lock (_gate)
        {
            p.Callbacks = [.. p.Callbacks, new Registration(eventTypes, callback)];
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        Pin p = P(pinNumber);
        lock (_gate)
        {
            p.Callbacks = Array.FindAll(p.Callbacks, r => r.Handler != callback);
        }
    }

    private static void RequireOpen(Pin p)
    {
        if (!p.Open)
        {
            throw new InvalidOperationException($"pin {p.Number} is not open");
        }
    }

    private readonly record struct Registration(PinEventTypes Types, PinChangeEventHandler Handler);

    private sealed class Pin(int number)
    {
        public readonly int Number = number;
        public readonly PinValueChangedEventArgs RisingArgs = new(PinEventTypes.Rising, number);
        public readonly PinValueChangedEventArgs FallingArgs = new(PinEventTypes.Falling, number);
        public readonly List<(long At, PinValue Level)> Scheduled = [];
        public bool Open;
        public PinMode Mode = PinMode.Input;
        public PinValue Level = PinValue.Low;
        public long Writes;
        public long EdgeSerial;
        public PinEventTypes LastEdge;
        public Registration[] Callbacks = [];
    }
}

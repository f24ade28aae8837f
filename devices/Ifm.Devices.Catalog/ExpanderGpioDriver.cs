using System.Device.Gpio;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// An I2C GPIO expander (MCP23017, PCF8574) as a <see cref="GpioDriver"/>, so every GPIO device type runs on its pins
/// through an ordinary <see cref="GpioController"/>. Our own code, not Iot.Device.Bindings' Mcp23xxx/Pcx857x: those
/// read the bus on every pin access and have no edge events without an interrupt line.
/// </summary>
/// <remarks>
/// <para>Inputs are sampled by <see cref="Poll"/>: one I2C transfer reads every pin; the loop polls each expander
/// once per period before the sensors are read (<see cref="IGpioBoard"/>). a pin read returns the
/// last sample (no transfer), and edge callbacks fire from <see cref="Poll"/> for input pins whose level changed, on
/// the polling thread, with cached event arguments (no allocation). An edge shorter than a loop period is not
/// seen, so contact bounce is filtered by the sampling itself.</para>
/// <para>A bus error while polling is counted in <see cref="BusErrors"/> and the previous levels are held (a stale
/// sample); a bus error while writing an output throws <see cref="IOException"/> (the loop's fault path drives
/// the safe states). Writes update an output latch shadow and send it in one transfer.</para>
/// <para>Released (<see cref="Dispose(bool)"/>): every pin back to its power-on state, an input (MCP23017 IODIR =
/// 0xFFFF, high impedance; PCF8574 latch 0xFF, weak pull-up) — the outputs' safe state when the board is let go.</para>
/// </remarks>
public abstract class ExpanderGpioDriver : GpioDriver, IGpioBoard
{
    private readonly PinValueChangedEventArgs[] _rising, _falling;
    private readonly PinChangeEventHandler?[] _handlers;
    private readonly PinEventTypes[] _events;
    private readonly PinMode[] _modes;
    private GpioController? _controller;
    private int _open;
    private long _busErrors;
    private bool _sampled;

    protected ExpanderGpioDriver(string name, int pins)
    {
        Name = name;
        Pins = pins;
        _rising = new PinValueChangedEventArgs[pins];
        _falling = new PinValueChangedEventArgs[pins];
        _handlers = new PinChangeEventHandler?[pins];
        _events = new PinEventTypes[pins];
        _modes = new PinMode[pins];
        for (int i = 0; i < pins; i++)
        {
            _rising[i] = new PinValueChangedEventArgs(PinEventTypes.Rising, i);
            _falling[i] = new PinValueChangedEventArgs(PinEventTypes.Falling, i);
            _modes[i] = PinMode.Input;
        }
    }

    /// <summary>The board's name in the map.</summary>
    public string Name { get; }

    public int Pins { get; }

    /// <summary>Bit i = 1: pin i is an input.</summary>
    protected int InputMask { get; private set; }

    /// <summary>Bit i = 1: pin i has its pull-up enabled.</summary>
    protected int PullUpMask { get; private set; }

    /// <summary>The output latch (bit i = level written to pin i).</summary>
    protected int Latch { get; private set; }

    /// <summary>The last sampled pin levels.</summary>
    public int Levels { get; private set; }

    public long BusErrors => Interlocked.Read(ref _busErrors);

    /// <summary>Successful samples.</summary>
    public long Samples { get; private set; }

    public GpioController Controller => _controller ??= new GpioController(this);

    protected override int PinCount => Pins;

    /// <summary>Reads every pin's level (one transfer); throws <see cref="IOException"/> on a bus error.</summary>
    protected abstract int ReadLevels();

    /// <summary>Sends the output latch (one transfer).</summary>
    protected abstract void WriteLatch(int latch);

    /// <summary>Sends pin directions and pull-ups (after <see cref="InputMask"/> or <see cref="PullUpMask"/> changed).</summary>
    protected abstract void WriteDirections(int inputs, int pullUps);

    /// <summary>Puts the chip in its power-on pin state (all inputs).</summary>
    protected void Initialize()
    {
        InputMask = (1 << Pins) - 1;
        PullUpMask = 0;
        Latch = 0;
        WriteLatch(0);
        WriteDirections(InputMask, 0);
    }

    public bool Poll()
    {
        int levels;
        try
        {
            levels = ReadLevels();
        }
        catch (IOException)
        {
            Interlocked.Increment(ref _busErrors);
            return false;
        }

        int changed = _sampled ? (levels ^ Levels) & InputMask : 0;
        Levels = levels;
        _sampled = true;
        Samples++;
        for (int pin = 0; changed != 0; pin++, changed >>= 1)
        {
            if ((changed & 1) == 0 || _handlers[pin] is not { } handler)
            {
                continue;
            }

            PinValueChangedEventArgs args = ((levels >> pin) & 1) != 0 ? _rising[pin] : _falling[pin];
            if ((_events[pin] & args.ChangeType) != 0)
            {
                handler(this, args);
            }
        }

        return true;
    }

    protected override void OpenPin(int pinNumber)
    {
        Check(pinNumber);
        _open |= 1 << pinNumber;
    }

    protected override void ClosePin(int pinNumber)
    {
        Check(pinNumber);
        _open &= ~(1 << pinNumber);
        _handlers[pinNumber] = null;
        _events[pinNumber] = PinEventTypes.None;
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.InputPullUp or PinMode.Output;

    protected override PinMode GetPinMode(int pinNumber) => _modes[Check(pinNumber)];

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        int bit = 1 << Check(pinNumber);
        if (!IsPinModeSupported(pinNumber, mode))
        {
            throw new InvalidOperationException($"expander '{Name}' pin {pinNumber}: mode {mode} is not supported (pull-ups only)");
        }

        int inputs = mode == PinMode.Output ? InputMask & ~bit : InputMask | bit;
        int pullUps = mode == PinMode.InputPullUp ? PullUpMask | bit : PullUpMask & ~bit;
        if (mode == PinMode.Output)
        {
            WriteLatch(Latch);   // the latch first, so the pin starts at the level written before it became an output
        }

        WriteDirections(inputs, pullUps);
        InputMask = inputs;
        PullUpMask = pullUps;
        _modes[pinNumber] = mode;
    }

    protected override PinValue Read(int pinNumber)
    {
        int bit = 1 << Check(pinNumber);
        if (!_sampled)
        {
            Poll();
        }

        return ((InputMask & bit) != 0 ? Levels : Latch) & bit;
    }

    protected override void Write(int pinNumber, PinValue value)
    {
        int bit = 1 << Check(pinNumber);
        int latch = value == PinValue.High ? Latch | bit : Latch & ~bit;
        if (latch != Latch || (InputMask & bit) == 0)
        {
            WriteLatch(latch);
        }

        Latch = latch;
    }

    /// <summary>Not offered: the pins are sampled by the loop (<see cref="Poll"/>); use edge callbacks.</summary>
    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"expander '{Name}': pins are sampled once per loop period; use edge callbacks");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        Check(pinNumber);
        _handlers[pinNumber] = (PinChangeEventHandler?)Delegate.Combine(_handlers[pinNumber], callback);
        _events[pinNumber] |= eventTypes;
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        Check(pinNumber);
        _handlers[pinNumber] = (PinChangeEventHandler?)Delegate.Remove(_handlers[pinNumber], callback);
        if (_handlers[pinNumber] is null)
        {
            _events[pinNumber] = PinEventTypes.None;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                Initialize();
            }
            catch (IOException)
            {
                // The board is gone; its pins reset with its power.
            }
        }

        base.Dispose(disposing);
    }

    private int Check(int pin)
    {
        if ((uint)pin >= (uint)Pins)
        {
            throw new ArgumentOutOfRangeException(nameof(pin), pin, $"expander '{Name}' has pins 0..{Pins - 1}");
        }

        return pin;
    }
}

using System.Device.Gpio;

namespace Ifm.Devices.Drivers;

/// <summary>
/// Incremental (quadrature) rotary encoder on two GPIO inputs, decoded ×4 from edge events on both lines.
/// Channel 0 <c>count</c> (signed position in edges), channel 1 <c>direction</c> (+1 / −1 = sign of the motion
/// since the previous <see cref="Read"/>, 0 = none).
/// </summary>
/// <remarks>
/// Gray-code sequence with state = A·2 + B: forward (A leads B) is 00 → 10 → 11 → 01 → 00, reverse the opposite.
/// An event that does not change the decoded state (a rising edge on a line already high) means edges were missed
/// (the event rate exceeded what the GPIO driver delivers): it is counted in <see cref="InvalidTransitions"/> and
/// the state follows the line. Mechanical encoders (EC11 and alike)
/// bounce: use the hardware RC filter from their datasheet (10 kΩ pull-up, 10 nF). Wiring: A and B to GPIOs with
/// pull-ups, common to ground.
/// </remarks>
public sealed class QuadratureEncoder : ISensor
{
    public static readonly string[] Channels = ["count", "direction"];

    // [previous state * 4 + new state] → step; 2 = invalid (both lines changed).
    private static readonly sbyte[] Steps =
    [
        // new:  00  01  10  11
        /*00*/    0, -1, +1,  2,
        /*01*/   +1,  0,  2, -1,
        /*10*/   -1,  2,  0, +1,
        /*11*/    2, +1, -1,  0,
    ];

    private readonly GpioController _gpio;
    private readonly PinChangeEventHandler _handler;
    private readonly object _gate = new();
    private int _state;
    private long _count;
    private long _invalid;
    private long _lastReadCount;
    private bool _disposed;

    public QuadratureEncoder(string name, GpioController gpio, int pinA, int pinB, PinMode mode = PinMode.InputPullUp)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        if (pinA == pinB)
        {
            throw new ArgumentException($"A and B must be different pins, both are {pinA}");
        }

        Name = name;
        PinA = pinA;
        PinB = pinB;
        _gpio = gpio;
        _gpio.OpenPin(pinA, mode);
        _gpio.OpenPin(pinB, mode);
        _state = (_gpio.Read(pinA) == PinValue.High ? 2 : 0) | (_gpio.Read(pinB) == PinValue.High ? 1 : 0);
        _handler = OnEdge;
        _gpio.RegisterCallbackForPinValueChangedEvent(pinA, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
        _gpio.RegisterCallbackForPinValueChangedEvent(pinB, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
    }

    public string Name { get; }
    public int PinA { get; }
    public int PinB { get; }
    public int ChannelCount => 2;
    public long Count => Interlocked.Read(ref _count);
    public long InvalidTransitions => Interlocked.Read(ref _invalid);

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        lock (_gate)
        {
            int bit = e.PinNumber == PinA ? 2 : 1;
            int next = e.ChangeType == PinEventTypes.Rising ? _state | bit : _state & ~bit;
            int step = next == _state ? 2 : Steps[(_state * 4) + next];
            _state = next;
            if (step == 2)
            {
                Interlocked.Increment(ref _invalid);
            }
            else if (step != 0)
            {
                Interlocked.Add(ref _count, step);
            }
        }
    }

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long count = Interlocked.Read(ref _count);
        destination[0] = count;
        destination[1] = Math.Sign(count - _lastReadCount);
        _lastReadCount = count;
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
            _gpio.UnregisterCallbackForPinValueChangedEvent(PinA, _handler);
            _gpio.UnregisterCallbackForPinValueChangedEvent(PinB, _handler);
            _gpio.ClosePin(PinA);
            _gpio.ClosePin(PinB);
        }
        catch (Exception)
        {
            // Controller already gone.
        }
    }
}

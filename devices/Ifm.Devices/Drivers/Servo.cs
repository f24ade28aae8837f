using System.Device.Pwm;

namespace Ifm.Devices.Drivers;

/// <summary>
/// A hobby servo on a hardware PWM channel: one channel, the angle in degrees (0..<see cref="MaxAngle"/>,
/// clamped). The pulse width goes linearly from <see cref="MinPulseMicroseconds"/> at 0° to
/// <see cref="MaxPulseMicroseconds"/> at <see cref="MaxAngle"/>; duty = pulse · frequency.
/// </summary>
/// <remarks>
/// Typical hobby servos (SG90, MG996R datasheets): 50 Hz frame (20 ms), 1.0–2.0 ms nominal pulse (many accept
/// 0.5–2.5 ms for their full 180°). Wiring: signal to a hardware-PWM pin (Pi: GPIO18 = PWM0 after
/// <c>dtoverlay=pwm</c>), servo power from a separate 5 V supply with common ground — never from the board's 5 V rail.
/// Safe state: <see cref="SafeAngle"/> when set, otherwise pulses stop (most servos then go limp).
/// </remarks>
public sealed class Servo : IActuator
{
    private readonly PwmChannel _pwm;
    private bool _started;
    private bool _disposed;

    public Servo(string name, PwmChannel pwm, int frequencyHz = 50, double minPulseMicroseconds = 1000,
        double maxPulseMicroseconds = 2000, double maxAngle = 180, double? safeAngle = null)
    {
        ArgumentNullException.ThrowIfNull(pwm);
        if (frequencyHz is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(frequencyHz), frequencyHz, "must be 1..1000 Hz");
        }

        if (!(minPulseMicroseconds > 0 && maxPulseMicroseconds > minPulseMicroseconds && maxPulseMicroseconds * frequencyHz < 1e6))
        {
            throw new ArgumentException(
                $"pulse range must satisfy 0 < min < max < period; got {minPulseMicroseconds}..{maxPulseMicroseconds} µs at {frequencyHz} Hz");
        }

        if (!(maxAngle > 0 && double.IsFinite(maxAngle)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxAngle), maxAngle, "must be > 0");
        }

        if (safeAngle is { } s && !(s >= 0 && s <= maxAngle))
        {
            throw new ArgumentOutOfRangeException(nameof(safeAngle), s, $"must be within 0..{maxAngle}");
        }

        Name = name;
        FrequencyHz = frequencyHz;
        MinPulseMicroseconds = minPulseMicroseconds;
        MaxPulseMicroseconds = maxPulseMicroseconds;
        MaxAngle = maxAngle;
        SafeAngle = safeAngle;
        _pwm = pwm;
        _pwm.Frequency = frequencyHz;
    }

    public string Name { get; }
    public int FrequencyHz { get; }
    public double MinPulseMicroseconds { get; }
    public double MaxPulseMicroseconds { get; }
    public double MaxAngle { get; }
    public double? SafeAngle { get; }
    public int ChannelCount => 1;
    public int SafeStateFailures { get; private set; }

    /// <summary>Duty cycle (0..1) that produces <paramref name="angle"/> (clamped to 0..MaxAngle).</summary>
    public double DutyForAngle(double angle)
    {
        double a = Math.Clamp(angle, 0, MaxAngle);
        double pulse = MinPulseMicroseconds + ((MaxPulseMicroseconds - MinPulseMicroseconds) * a / MaxAngle);
        return pulse * 1e-6 * FrequencyHz;
    }

    public void Write(ReadOnlySpan<float> command)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        float angle = command[0];
        if (float.IsNaN(angle))
        {
            EnterSafeState();
            return;
        }

        _pwm.DutyCycle = DutyForAngle(angle);
        if (!_started)
        {
            _pwm.Start();
            _started = true;
        }
    }

    public void EnterSafeState()
    {
        try
        {
            if (SafeAngle is { } a)
            {
                _pwm.DutyCycle = DutyForAngle(a);
                if (!_started)
                {
                    _pwm.Start();
                    _started = true;
                }
            }
            else if (_started)
            {
                _pwm.Stop();
                _started = false;
            }
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
    }
}

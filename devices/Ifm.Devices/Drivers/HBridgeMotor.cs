using System.Device.Gpio;
using System.Device.Pwm;

namespace Ifm.Devices.Drivers;

/// <summary>What an <see cref="HBridgeMotor"/> does in its safe state.</summary>
public enum MotorSafeState
{
    /// <summary>Both direction inputs low, PWM 0: the bridge is off and the motor spins down freely.</summary>
    Coast,

    /// <summary>Both direction inputs high, PWM 1: the bridge shorts the motor terminals (dynamic brake).</summary>
    Brake,
}

/// <summary>
/// A brushed DC motor through an H-bridge with a PWM enable input and two direction inputs (L298N: ENA/IN1/IN2;
/// TB6612FNG: PWMA/AIN1/AIN2). One channel: speed in −1..1 (clamped); |speed| below <see cref="Deadband"/> coasts.
/// </summary>
/// <remarks>
/// Truth table (TB6612FNG datasheet, "H-SW control function"; L298N datasheet, Fig. 6): IN1=H IN2=L forward,
/// IN1=L IN2=H reverse, IN1=IN2=H with enable high → short brake, IN1=IN2=L or enable low → stop/coast.
/// On a direction change the duty goes to 0 before the direction pins change, so the bridge never drives the
/// old direction at the new duty. NaN commands enter the safe state.
/// </remarks>
public sealed class HBridgeMotor : IActuator
{
    private readonly GpioController _gpio;
    private readonly PwmChannel _pwm;
    private int _direction; // +1, -1, 0 = coast, 2 = brake
    private bool _started;
    private bool _disposed;

    public HBridgeMotor(string name, GpioController gpio, PwmChannel pwm, int in1Pin, int in2Pin,
        MotorSafeState safeState = MotorSafeState.Brake, float deadband = 0.02f, int frequencyHz = 1000)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        ArgumentNullException.ThrowIfNull(pwm);
        if (in1Pin == in2Pin)
        {
            throw new ArgumentException($"in1 and in2 must be different pins, both are {in1Pin}");
        }

        if (!(deadband >= 0f && deadband < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(deadband), deadband, "must be in [0, 1)");
        }

        Name = name;
        In1Pin = in1Pin;
        In2Pin = in2Pin;
        SafeState = safeState;
        Deadband = deadband;
        _gpio = gpio;
        _pwm = pwm;
        _pwm.Frequency = frequencyHz;
        _pwm.DutyCycle = 0;
        _gpio.OpenPin(in1Pin, PinMode.Output, PinValue.Low);
        _gpio.OpenPin(in2Pin, PinMode.Output, PinValue.Low);
        EnterSafeState();
    }

    public string Name { get; }
    public int In1Pin { get; }
    public int In2Pin { get; }
    public MotorSafeState SafeState { get; }
    public float Deadband { get; }
    public int ChannelCount => 1;
    public int SafeStateFailures { get; private set; }

    public void Write(ReadOnlySpan<float> command)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        float speed = command[0];
        if (float.IsNaN(speed))
        {
            EnterSafeState();
            return;
        }

        speed = Math.Clamp(speed, -1f, 1f);
        if (MathF.Abs(speed) < Deadband)
        {
            Apply(0, 0);
            return;
        }

        Apply(speed > 0 ? 1 : -1, MathF.Abs(speed));
    }

    private void Apply(int direction, double duty)
    {
        if (direction != _direction)
        {
            _pwm.DutyCycle = 0;
            (PinValue a, PinValue b) = direction switch
            {
                1 => (PinValue.High, PinValue.Low),
                -1 => (PinValue.Low, PinValue.High),
                2 => (PinValue.High, PinValue.High),
                _ => (PinValue.Low, PinValue.Low),
            };
            _gpio.WritePin(In1Pin, a);
            _gpio.WritePin(In2Pin, b);
            _direction = direction;
        }

        _pwm.DutyCycle = duty;
        if (!_started)
        {
            _pwm.Start();
            _started = true;
        }
    }

    public void EnterSafeState()
    {
        // Each step separately: a failing PWM write must not keep the direction pins from reaching the safe level.
        int dir = SafeState == MotorSafeState.Brake ? 2 : 0;
        PinValue level = dir == 2 ? PinValue.High : PinValue.Low;
        bool failed = false;
        try
        {
            _pwm.DutyCycle = 0;
        }
        catch (Exception)
        {
            failed = true;
        }

        try
        {
            _gpio.WritePin(In1Pin, level);
        }
        catch (Exception)
        {
            failed = true;
        }

        try
        {
            _gpio.WritePin(In2Pin, level);
        }
        catch (Exception)
        {
            failed = true;
        }

        try
        {
            if (dir == 2)
            {
                _pwm.DutyCycle = 1;
                if (!_started)
                {
                    _pwm.Start();
                    _started = true;
                }
            }
        }
        catch (Exception)
        {
            failed = true;
        }

        _direction = failed ? int.MinValue : dir; // unknown after a failure: the next Write re-drives every pin
        if (failed)
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

using System.Device.Pwm;

namespace Ifm.Devices.Simulation;

/// <summary>A PWM channel that records what was asked of it; <see cref="FailWrites"/> makes every setter throw (fault injection).</summary>
public sealed class SimulatedPwmChannel : PwmChannel
{
    private int _frequency;
    private double _duty;

    public SimulatedPwmChannel(int chip = 0, int channel = 0, int frequency = 400, double dutyCycle = 0)
    {
        Chip = chip;
        Channel = channel;
        _frequency = frequency;
        _duty = dutyCycle;
    }

    public int Chip { get; }
    public int Channel { get; }
    public bool IsRunning { get; private set; }
    public int StartCount { get; private set; }
    public int StopCount { get; private set; }
    public long DutyWrites { get; private set; }
    public bool FailWrites { get; set; }
    public bool IsDisposed { get; private set; }

    public override int Frequency
    {
        get => _frequency;
        set
        {
            Check();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _frequency = value;
        }
    }

    public override double DutyCycle
    {
        get => _duty;
        set
        {
            Check();
            if (value is < 0 or > 1 || double.IsNaN(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "duty cycle must be 0..1");
            }

            _duty = value;
            DutyWrites++;
        }
    }

    /// <summary>High time of one period in microseconds.</summary>
    public double PulseMicroseconds => _duty * 1e6 / _frequency;

    public override void Start()
    {
        Check();
        IsRunning = true;
        StartCount++;
    }

    public override void Stop()
    {
        Check();
        IsRunning = false;
        StopCount++;
    }

    private void Check()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (FailWrites)
        {
            throw new IOException($"simulated PWM fault on pwmchip{Chip}/pwm{Channel}");
        }
    }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }
}

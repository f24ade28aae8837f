using System.Device.Gpio;

namespace Ifm.Devices.Simulation;

/// <summary>
/// An HC-SR04 wired to a <see cref="SimulatedGpioDriver"/>: on the falling edge of a trigger pulse it schedules
/// the echo line high after <see cref="BurstDelayNanoseconds"/> (the 8-cycle 40 kHz burst, 200 µs) and low again
/// after the round-trip time of <see cref="DistanceMeters"/>. <see cref="DistanceMeters"/> = null simulates no
/// echo (nothing in range): the line stays low.
/// </summary>
public sealed class SimulatedHcsr04
{
    private readonly SimulatedGpioDriver _driver;
    private readonly DeviceClock _clock;

    public SimulatedHcsr04(SimulatedGpioDriver driver, int triggerPin, int echoPin, double speedOfSound = 343.0)
    {
        _driver = driver;
        _clock = driver.Clock;
        TriggerPin = triggerPin;
        EchoPin = echoPin;
        SpeedOfSound = speedOfSound;
        driver.OutputChanged += OnOutput;
    }

    public int TriggerPin { get; }
    public int EchoPin { get; }
    public double SpeedOfSound { get; }
    public double? DistanceMeters { get; set; } = 1.0;
    public long BurstDelayNanoseconds { get; set; } = 200_000;
    public int Triggers { get; private set; }

    /// <summary>Echo pulse length for <paramref name="meters"/>.</summary>
    public long EchoNanoseconds(double meters) => (long)Math.Round(2.0 * meters / SpeedOfSound * 1e9);

    private void OnOutput(int pin, PinValue value)
    {
        if (pin != TriggerPin || value != PinValue.Low)
        {
            return;
        }

        Triggers++;
        if (DistanceMeters is not { } d)
        {
            return;
        }

        long now = _clock is SimulatedClock s ? s.Peek : _clock.Nanoseconds;
        long rise = now + BurstDelayNanoseconds;
        _driver.ScheduleInput(EchoPin, rise, PinValue.High);
        _driver.ScheduleInput(EchoPin, rise + EchoNanoseconds(d), PinValue.Low);
    }
}

using System.Device.Gpio;

namespace Ifm.Devices.Drivers;

/// <summary>
/// HC-SR04 ultrasonic ranger: one channel, distance in metres. <see cref="Read"/> sends a 10 µs trigger pulse and
/// times the echo pulse by polling the echo pin; no echo within <see cref="TimeoutNanoseconds"/> (or a second
/// call within the 60 ms measurement cycle) returns <see langword="false"/>: no fresh value.
/// </summary>
/// <remarks>
/// Datasheet (ElecFreaks "Ultrasonic Ranging Module HC-SR04"): 5 V supply, trigger ≥ 10 µs TTL pulse, the module
/// sends an 8-cycle 40 kHz burst and raises Echo for the round-trip time; range 2–400 cm; distance = echo time ×
/// speed of sound / 2 (the datasheet's µs/58 = cm); measurement cycle ≥ 60 ms. Wiring: Trig to a GPIO directly,
/// Echo (5 V!) through a divider (1 kΩ / 2 kΩ) to a GPIO. Polling keeps the loop busy for up to the timeout:
/// give this device a read rate ≤ 16 Hz in the map.
/// </remarks>
public sealed class Hcsr04 : ISensor
{
    /// <summary>Minimum interval between triggers, from the datasheet (60 ms).</summary>
    public const long MeasurementCycleNanoseconds = 60_000_000;

    private readonly GpioController _gpio;
    private readonly DeviceClock _clock;
    private long _lastTriggerNs = long.MinValue / 2;
    private bool _disposed;

    public Hcsr04(string name, GpioController gpio, int triggerPin, int echoPin, DeviceClock? clock = null,
        long timeoutNanoseconds = 30_000_000, double speedOfSound = 343.0)
    {
        ArgumentNullException.ThrowIfNull(gpio);
        if (triggerPin == echoPin)
        {
            throw new ArgumentException($"trigger and echo must be different pins, both are {echoPin}");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutNanoseconds, 1_000_000);
        Name = name;
        TriggerPin = triggerPin;
        EchoPin = echoPin;
        TimeoutNanoseconds = timeoutNanoseconds;
        SpeedOfSound = speedOfSound;
        _gpio = gpio;
        _clock = clock ?? DeviceClock.System;
        _gpio.OpenPin(triggerPin, PinMode.Output, PinValue.Low);
        _gpio.OpenPin(echoPin, PinMode.Input);
    }

    public string Name { get; }
    public int TriggerPin { get; }
    public int EchoPin { get; }
    public long TimeoutNanoseconds { get; }
    public double SpeedOfSound { get; }
    public int ChannelCount => 1;

    /// <summary>Measurements that got no (complete) echo in time.</summary>
    public long Timeouts { get; private set; }

    /// <summary>Length of the last echo pulse in nanoseconds.</summary>
    public long LastEchoNanoseconds { get; private set; }

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long now = _clock.Nanoseconds;
        if (now - _lastTriggerNs < MeasurementCycleNanoseconds)
        {
            return false;
        }

        if (_gpio.Read(EchoPin) == PinValue.High)
        {
            // Echo still high from an earlier burst: the module is not ready.
            Timeouts++;
            return false;
        }

        _gpio.WritePin(TriggerPin, PinValue.High);
        _clock.SpinFor(10_000);
        _gpio.WritePin(TriggerPin, PinValue.Low);
        long start = _clock.Nanoseconds;
        _lastTriggerNs = start;

        long riseNs;
        while (true)
        {
            riseNs = _clock.Nanoseconds;
            if (_gpio.Read(EchoPin) == PinValue.High)
            {
                break;
            }

            if (riseNs - start > TimeoutNanoseconds)
            {
                Timeouts++;
                return false;
            }
        }

        long fallNs;
        while (true)
        {
            fallNs = _clock.Nanoseconds;
            if (_gpio.Read(EchoPin) == PinValue.Low)
            {
                break;
            }

            if (fallNs - start > TimeoutNanoseconds)
            {
                Timeouts++;
                return false;
            }
        }

        LastEchoNanoseconds = fallNs - riseNs;
        destination[0] = (float)(LastEchoNanoseconds * 1e-9 * SpeedOfSound / 2.0);
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
            _gpio.ClosePin(TriggerPin);
            _gpio.ClosePin(EchoPin);
        }
        catch (Exception)
        {
            // Controller already gone.
        }
    }
}

using System.Device.Gpio;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>stepper</c>: a unipolar stepper (28BYJ-48) through a ULN2003 Darlington driver on four GPIO lines,
/// half or full steps, speed commanded in steps/s. Our own code: Iot.Device.Bindings' Uln2003 blocks the caller for
/// the whole move (<c>Step</c> sleeps between steps) and has no safe state.
/// </summary>
public static class StepperType
{
    private static readonly PinField In1 = new("in1Pin", "GPIO line → IN1");
    private static readonly PinField In2 = new("in2Pin", "GPIO line → IN2");
    private static readonly PinField In3 = new("in3Pin", "GPIO line → IN3");
    private static readonly PinField In4 = new("in4Pin", "GPIO line → IN4");
    private static readonly StringField Mode = new("mode", "half", "half | full") { Values = ["half", "full"] };
    private static readonly NumberField MaxSpeed = new("maxStepsPerSecond", 500, "steps/s, ≤ the device's rate") { Min = 0, MinOpen = true, Max = 100_000 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "stepper",
        Role = DeviceRole.Actuator,
        Summary = "28BYJ-48 stepper on a ULN2003: speed in steps/s; safe state coils off",
        Channels = Stepper.Channels,
        Fields = [In1, In2, In3, In4, Mode, MaxSpeed, SafeStates.Field("{ mode: off }", "safeState.mode off")],
        Validate = static c =>
        {
            SafeStates.Modes(c, "off");
            if (MaxSpeed.Of(c.Spec) > c.RateHz)
            {
                c.Add("maxStepsPerSecond", $"at most one step per write: must be ≤ the device's rate {DeviceCheck.Num(c.RateHz)} Hz, got {DeviceCheck.Num(MaxSpeed.Of(c.Spec))}");
            }
        },
        CreateActuator = c => new Stepper(c.Name, c.Gpio, [c.Get(In1), c.Get(In2), c.Get(In3), c.Get(In4)], c.Get(Mode) == "half",
            c.Get(MaxSpeed), c.PeriodSeconds),
        Simulate = static (c, hw) => hw.AddPlant(new SimulatedStepperMotor(hw.Driver(c.GpioChip), [c.Get(In1), c.Get(In2), c.Get(In3), c.Get(In4)])),
        Simulator = "a rotor following the coil pattern each period (missed steps counted)",
        Example = """{ "name": "pan", "type": "stepper", "in1Pin": 6, "in2Pin": 13, "in3Pin": 19, "in4Pin": 26, "mode": "half", "maxStepsPerSecond": 50, "safeState": { "mode": "off" }, "channels": [ { "channel": "speed", "neurons": ["pan"], "decoder": { "type": "linear", "outMin": -50, "outMax": 50 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The ULN2003 stepper driver. Each write adds speed × period to a step accumulator and takes at most one step
/// (the next or previous phase of the sequence) when it reaches ±1, writing only the lines that change. Phases
/// (IN1..IN4): half 1000 1100 0100 0110 0010 0011 0001 1001; full 1100 0110 0011 1001 (28BYJ-48 / ULN2003 board
/// sequence). A speed of 0 holds the current phase (holding torque); NaN and the safe state de-energise every coil
/// (the shaft is then free; a 28BYJ-48's gearbox holds it). No allocation after construction.
/// </summary>
public sealed class Stepper : IActuator
{
    public static readonly string[] Channels = ["speed"];
    private static readonly byte[] Half = [0b1000, 0b1100, 0b0100, 0b0110, 0b0010, 0b0011, 0b0001, 0b1001];
    private static readonly byte[] Full = [0b1100, 0b0110, 0b0011, 0b1001];

    private readonly GpioController _gpio;
    private readonly int[] _pins;
    private readonly byte[] _phases;
    private readonly double _maxSpeed, _periodS;
    private int _phase;
    private int _lines = -1;
    private double _accumulator;
    private bool _disposed;

    public Stepper(string name, GpioController gpio, int[] pins, bool halfStep, double maxStepsPerSecond, double periodSeconds)
    {
        Name = name;
        _gpio = gpio;
        _pins = pins;
        _phases = halfStep ? Half : Full;
        _maxSpeed = maxStepsPerSecond;
        _periodS = periodSeconds;
        foreach (int pin in pins)
        {
            _gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
        }

        SetLines(0);
    }

    public string Name { get; }
    public int ChannelCount => 1;

    /// <summary>Steps taken (+ forward), since opening.</summary>
    public long Position { get; private set; }

    public int SafeStateFailures { get; private set; }

    /// <summary>Whether every coil is off.</summary>
    public bool CoilsOff => _lines == 0;

    public void Write(ReadOnlySpan<float> command)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        float speed = command[0];
        if (float.IsNaN(speed))
        {
            _accumulator = 0;
            SetLines(0);
            return;
        }

        _accumulator = Math.Clamp(_accumulator + (Math.Clamp(speed, -_maxSpeed, _maxSpeed) * _periodS), -1.0, 1.0);
        if (Math.Abs(_accumulator) >= 1 - 1e-9)   // 1e-9: 10 × 0.1 steps is a step, whatever the rounding
        {
            int dir = _accumulator > 0 ? 1 : -1;
            _accumulator -= dir;
            _phase = (_phase + dir + _phases.Length) % _phases.Length;
            Position += dir;
            SetLines(_phases[_phase]);
        }
        else if (_lines == 0 && speed != 0)
        {
            SetLines(_phases[_phase]);   // re-energise the phase it stopped on before stepping on
        }
    }

    public void EnterSafeState()
    {
        try
        {
            _accumulator = 0;
            _lines = -1;   // write every line, whatever the last write managed
            SetLines(0);
        }
        catch (Exception)
        {
            SafeStateFailures++;
        }
    }

    private void SetLines(int pattern)
    {
        int previous = _lines;
        for (int i = 0; i < 4; i++)
        {
            int bit = 8 >> i;
            if (previous < 0 || ((pattern ^ previous) & bit) != 0)
            {
                _gpio.WritePin(_pins[i], (pattern & bit) != 0 ? PinValue.High : PinValue.Low);
            }
        }

        _lines = pattern;
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
            foreach (int pin in _pins)
            {
                _gpio.ClosePin(pin);
            }
        }
        catch (Exception)
        {
            // Controller already gone.
        }
    }
}

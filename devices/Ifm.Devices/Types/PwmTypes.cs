using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Types;

/// <summary><c>servo</c>: a hobby servo on a PWM channel.</summary>
internal static class ServoType
{
    public const int DefaultFrequencyHz = 50;
    public const double DefaultMinPulseUs = 1000, DefaultMaxPulseUs = 2000, DefaultMaxAngle = 180;

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Servo,
        Role = DeviceRole.Actuator,
        Summary = "hobby servo on a PWM channel: angle 0..maxAngle → pulse minPulseUs..maxPulseUs",
        Channels = ["angle"],
        Fields =
        [
            new("pwmChip", "int", "0", "PWM chip (sysfs pwmchipN)"),
            new("pwmChannel", "int", "", "PWM channel"),
            new("frequencyHz", "int", "50", "pulse rate"),
            new("minPulseUs", "number", "1000", "pulse at 0°"),
            new("maxPulseUs", "number", "2000", "pulse at maxAngle"),
            new("maxAngle", "number", "180", "angle at maxPulseUs, (0, 3600]"),
            new("safeState", "object", "{ mode: off }", "safeState.value (angle) or safeState.mode off (stop pulses)"),
        ],
        Validate = c =>
        {
            DeviceSpec d = c.Spec;
            c.Pwm();
            double min = d.MinPulseUs ?? DefaultMinPulseUs, max = d.MaxPulseUs ?? DefaultMaxPulseUs, angle = d.MaxAngle ?? DefaultMaxAngle;
            int f = d.FrequencyHz ?? DefaultFrequencyHz;
            if (!(min > 0 && max > min && max * f < 1e6))
            {
                c.Add("minPulseUs/maxPulseUs", $"need 0 < min < max < period (1e6/frequencyHz µs), got {Num(min)}..{Num(max)} at {f} Hz");
            }

            if (!(angle > 0 && angle <= 3600))
            {
                c.Add("maxAngle", $"must be in (0, 3600], got {Num(angle)}");
            }

            if (d.SafeState?.Mode is { } mode and not "off")
            {
                c.Add("safeState.mode", $"servo supports mode 'off' (stop pulses) or a value (angle), got '{mode}'");
            }

            if (d.SafeState?.Value is { } v && !(v >= 0 && v <= angle))
            {
                c.Add("safeState.value", $"angle must be 0..{Num(angle)}, got {Num(v)}");
            }
        },
        CreateActuator = c =>
        {
            DeviceSpec d = c.Spec;
            int f = d.FrequencyHz ?? DefaultFrequencyHz;
            return new Servo(c.Name, c.Hardware.OpenPwm(d.PwmChip ?? 0, d.PwmChannel!.Value, f), f, d.MinPulseUs ?? DefaultMinPulseUs,
                d.MaxPulseUs ?? DefaultMaxPulseUs, d.MaxAngle ?? DefaultMaxAngle, d.SafeState?.Value);
        },
        Simulate = static (_, _) => { },
        Example = """{ "name": "head", "type": "servo", "pwmChannel": 0, "minPulseUs": 500, "maxPulseUs": 2500, "safeState": { "value": 90 }, "channels": [ { "channel": "angle", "neurons": ["look"], "decoder": { "type": "linear", "outMin": 0, "outMax": 180 } } ] }""",
        Simulator = "the simulated PWM channel records frequency, duty cycle and start/stop",
    };

    private static string Num(double v) => DeviceMapValidator.Num(v);

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

/// <summary><c>hbridge_motor</c>: a DC motor through an H-bridge (L298N, TB6612FNG): PWM enable + two direction lines.</summary>
internal static class HBridgeMotorType
{
    public const int DefaultFrequencyHz = 1000;
    public const double DefaultDeadband = 0.02;

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.HBridgeMotor,
        Role = DeviceRole.Actuator,
        Summary = "DC motor through an H-bridge (L298N, TB6612FNG): speed −1..1, brake or coast",
        Channels = ["speed"],
        Fields =
        [
            new("pwmChip", "int", "0", "PWM chip of the enable input"),
            new("pwmChannel", "int", "", "PWM channel of the enable input"),
            new("frequencyHz", "int", "1000", "PWM frequency"),
            new("in1Pin", "int", "", "GPIO line of IN1"),
            new("in2Pin", "int", "", "GPIO line of IN2"),
            new("deadband", "number", "0.02", "|speed| below this coasts, [0, 1)"),
            new("safeState", "object", "{ mode: brake }", "safeState.mode brake | coast"),
        ],
        Validate = c =>
        {
            DeviceSpec d = c.Spec;
            c.Pwm();
            c.Pin(d.In1Pin, "in1Pin");
            c.Pin(d.In2Pin, "in2Pin");
            if (d.SafeState?.Mode is { } mode and not ("brake" or "coast"))
            {
                c.Add("safeState.mode", $"must be brake or coast, got '{mode}'");
            }

            c.NoSafeStateValue("hbridge_motor takes safeState.mode brake or coast, not a value");
            if (d.Deadband is { } dbd && !(dbd >= 0 && dbd < 1))
            {
                c.Add("deadband", $"must be in [0, 1), got {DeviceMapValidator.Num(dbd)}");
            }
        },
        CreateActuator = c =>
        {
            DeviceSpec d = c.Spec;
            int f = d.FrequencyHz ?? DefaultFrequencyHz;
            return new HBridgeMotor(c.Name, c.Gpio, c.Hardware.OpenPwm(d.PwmChip ?? 0, d.PwmChannel!.Value, f), d.In1Pin!.Value, d.In2Pin!.Value,
                d.SafeState?.Mode == "coast" ? MotorSafeState.Coast : MotorSafeState.Brake, (float)(d.Deadband ?? DefaultDeadband), f);
        },
        Simulate = static (_, _) => { },
        Example = """{ "name": "motor", "type": "hbridge_motor", "pwmChannel": 1, "frequencyHz": 20000, "in1Pin": 5, "in2Pin": 6, "safeState": { "mode": "brake" }, "channels": [ { "channel": "speed", "neurons": ["drive"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] }""",
        Simulator = "the simulated PWM channel and GPIO lines record duty and direction levels",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Types;

/// <summary><c>servo</c>: a hobby servo on a PWM channel.</summary>
internal static class ServoType
{
    private static readonly IntField Frequency = PwmFields.Frequency(50, "pulse rate");
    private static readonly NumberField MinPulse = new("minPulseUs", 1000, "pulse at 0°");
    private static readonly NumberField MaxPulse = new("maxPulseUs", 2000, "pulse at maxAngle");
    private static readonly NumberField MaxAngle = new("maxAngle", 180, "angle at maxPulseUs, (0, 3600]") { Min = 0, MinOpen = true, Max = 3600 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Servo,
        Role = DeviceRole.Actuator,
        Summary = "hobby servo on a PWM channel: angle 0..maxAngle → pulse minPulseUs..maxPulseUs",
        Channels = ["angle"],
        Fields =
        [
            PwmFields.Chip, PwmFields.Channel, Frequency, MinPulse, MaxPulse, MaxAngle,
            SafeStates.Field("{ mode: off }", "safeState.value (angle) or safeState.mode off (stop pulses)"),
        ],
        Validate = c =>
        {
            double min = MinPulse.Of(c.Spec), max = MaxPulse.Of(c.Spec), angle = MaxAngle.Of(c.Spec);
            int f = Frequency.Of(c.Spec);
            if (!(min > 0 && max > min && max * f < 1e6))
            {
                c.Add("minPulseUs/maxPulseUs", $"need 0 < min < max < period (1e6/frequencyHz µs), got {DeviceCheck.Num(min)}..{DeviceCheck.Num(max)} at {f} Hz");
            }

            if (c.Spec.SafeState?.Mode is { } mode and not "off")
            {
                c.Add("safeState.mode", $"servo supports mode 'off' (stop pulses) or a value (angle), got '{mode}'");
            }

            if (c.Spec.SafeState?.Value is { } v && !(v >= 0 && v <= angle))
            {
                c.Add("safeState.value", $"angle must be 0..{DeviceCheck.Num(angle)}, got {DeviceCheck.Num(v)}");
            }
        },
        CreateActuator = c => new Servo(c.Name, PwmFields.Open(c, Frequency), c.Get(Frequency), c.Get(MinPulse), c.Get(MaxPulse), c.Get(MaxAngle),
            c.Spec.SafeState?.Value),
        Simulate = static (_, _) => { },
        Example = """{ "name": "head", "type": "servo", "pwmChannel": 0, "minPulseUs": 500, "maxPulseUs": 2500, "safeState": { "value": 90 }, "channels": [ { "channel": "angle", "neurons": ["look"], "decoder": { "type": "linear", "outMin": 0, "outMax": 180 } } ] }""",
        Simulator = "the simulated PWM channel records frequency, duty cycle and start/stop",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

/// <summary><c>hbridge_motor</c>: a DC motor through an H-bridge (L298N, TB6612FNG): PWM enable + two direction lines.</summary>
internal static class HBridgeMotorType
{
    private static readonly IntField Frequency = PwmFields.Frequency(1000, "PWM frequency");
    private static readonly PinField In1 = new("in1Pin", "GPIO line of IN1");
    private static readonly PinField In2 = new("in2Pin", "GPIO line of IN2");
    private static readonly NumberField Deadband = new("deadband", 0.02, "|speed| below this coasts, [0, 1)") { Min = 0, Max = 1, MaxOpen = true };

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.HBridgeMotor,
        Role = DeviceRole.Actuator,
        Summary = "DC motor through an H-bridge (L298N, TB6612FNG): speed −1..1, brake or coast",
        Channels = ["speed"],
        Fields = [PwmFields.Chip, PwmFields.Channel, Frequency, In1, In2, Deadband, SafeStates.Field("{ mode: brake }", "safeState.mode brake | coast")],
        Validate = c => SafeStates.Modes(c, "brake", "coast"),
        CreateActuator = c => new HBridgeMotor(c.Name, c.Gpio, PwmFields.Open(c, Frequency), c.Get(In1), c.Get(In2),
            c.Spec.SafeState?.Mode == "coast" ? MotorSafeState.Coast : MotorSafeState.Brake, (float)c.Get(Deadband), c.Get(Frequency)),
        Simulate = static (_, _) => { },
        Example = """{ "name": "motor", "type": "hbridge_motor", "pwmChannel": 1, "frequencyHz": 20000, "in1Pin": 5, "in2Pin": 6, "safeState": { "mode": "brake" }, "channels": [ { "channel": "speed", "neurons": ["drive"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] }""",
        Simulator = "the simulated PWM channel and GPIO lines record duty and direction levels",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

/// <summary>The PWM output fields of servo and hbridge_motor (a sysfs chip or a board's channel).</summary>
internal static class PwmFields
{
    public static readonly IntField Chip = new("pwmChip", 0, "PWM chip: sysfs pwmchipN, or a board's pwmChip") { Min = 0, Max = 1023, Message = "must be 0..1023 (sysfs pwmchipN, or a board's pwmChip)" };
    public static readonly IntField Channel = new("pwmChannel", null, "PWM channel (0..15 on a PCA9685 board)") { Min = 0, Max = 63, Required = true };

    public static IntField Frequency(int @default, string help) => new("frequencyHz", @default, help) { Min = 1, Max = 1_000_000 };

    /// <summary>Opens the device's PWM channel, stopped, at its frequency.</summary>
    public static System.Device.Pwm.PwmChannel Open(DeviceContext c, IntField frequency) => c.Hardware.OpenPwm(c.Get(Chip), c.Get(Channel), c.Get(frequency));
}

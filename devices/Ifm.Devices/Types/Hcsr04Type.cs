using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>hcsr04</c>: the HC-SR04 ultrasonic range finder on a trigger and an echo line.</summary>
internal static class Hcsr04Type
{
    public const double DefaultTimeoutMs = 30;

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Hcsr04,
        Role = DeviceRole.Sensor,
        Summary = "HC-SR04 ultrasonic range finder: distance in m (2–400 cm), ≤ 16.67 Hz",
        Channels = ["distance"],
        Fields =
        [
            new("triggerPin", "int", "", "GPIO line of TRIG"),
            new("echoPin", "int", "", "GPIO line of ECHO (through a 1 kΩ/2 kΩ divider)"),
            new("timeoutMs", "number", "30", "no echo within this = no fresh value, 1..100"),
        ],
        Validate = c =>
        {
            c.Pin(c.Spec.TriggerPin, "triggerPin");
            c.Pin(c.Spec.EchoPin, "echoPin");
            double timeout = c.Spec.TimeoutMs ?? DefaultTimeoutMs;
            if (!(timeout >= 1 && timeout <= 100))
            {
                c.Add("timeoutMs", $"must be 1..100, got {DeviceMapValidator.Num(timeout)}");
            }

            if (c.RateHz > (1000.0 / 60.0) + 1e-9)
            {
                c.Add("rateHz", $"the HC-SR04 needs >= 60 ms between measurements, so at most 16.67 Hz, got {DeviceMapValidator.Num(c.RateHz)}");
            }
        },
        CreateSensor = c => new Hcsr04(c.Name, c.Gpio, c.Spec.TriggerPin!.Value, c.Spec.EchoPin!.Value, c.Hardware.Clock,
            (long)((c.Spec.TimeoutMs ?? DefaultTimeoutMs) * 1e6)),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedRangeTarget(new SimulatedHcsr04(hw.Driver(c.GpioChip), c.Spec.TriggerPin!.Value, c.Spec.EchoPin!.Value), hw)),
        Example = """{ "name": "sonar", "type": "hcsr04", "triggerPin": 23, "echoPin": 24, "rateHz": 10, "channels": [ { "channel": "distance", "neurons": ["near"], "encoder": { "type": "linear", "inMin": 0, "inMax": 2 } } ] }""",
        Simulator = "echo pulses for a target moving 0.3–1.5 m and back every 4 s (µs/58 = cm), out of range (no echo) 5 % of the time",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>hcsr04</c>: the HC-SR04 ultrasonic range finder on a trigger and an echo line.</summary>
internal static class Hcsr04Type
{
    private static readonly PinField Trigger = new("triggerPin", "GPIO line of TRIG");
    private static readonly PinField Echo = new("echoPin", "GPIO line of ECHO (through a 1 kΩ/2 kΩ divider)");
    private static readonly NumberField TimeoutMs = new("timeoutMs", 30, "no echo within this = no fresh value, 1..100") { Min = 1, Max = 100 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Hcsr04,
        Role = DeviceRole.Sensor,
        Summary = "HC-SR04 ultrasonic range finder: distance in m (2–400 cm), ≤ 16.67 Hz",
        Channels = ["distance"],
        Fields = [Trigger, Echo, TimeoutMs],
        NeedsDirectGpio = true,
        Validate = c =>
        {
            if (c.RateHz > (1000.0 / 60.0) + 1e-9)
            {
                c.Add("rateHz", $"the HC-SR04 needs >= 60 ms between measurements, so at most 16.67 Hz, got {DeviceCheck.Num(c.RateHz)}");
            }
        },
        CreateSensor = c => new Hcsr04(c.Name, c.Gpio, c.Get(Trigger), c.Get(Echo), c.Hardware.Clock, (long)(c.Get(TimeoutMs) * 1e6)),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedRangeTarget(new SimulatedHcsr04(hw.Driver(c.GpioChip), c.Get(Trigger), c.Get(Echo)), hw)),
        Example = """{ "name": "sonar", "type": "hcsr04", "triggerPin": 23, "echoPin": 24, "rateHz": 10, "channels": [ { "channel": "distance", "neurons": ["near"], "encoder": { "type": "linear", "inMin": 0, "inMax": 2 } } ] }""",
        Simulator = "echo pulses for a target moving 0.3–1.5 m and back every 4 s (µs/58 = cm), out of range (no echo) 5 % of the time",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

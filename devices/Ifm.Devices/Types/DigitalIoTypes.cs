using System.Device.Gpio;
using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>digital_input</c>: a GPIO line (switch, button, beam break) read as level and debounced edge count.</summary>
internal static class DigitalInputType
{
    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.DigitalInput,
        Role = DeviceRole.Sensor,
        Summary = "GPIO input (switch, button): level and debounced active-edge count",
        Channels = DigitalInput.Channels,
        Fields =
        [
            new("pin", "int", "", "GPIO line"),
            new("pull", "string", "none", "none | up | down"),
            new("activeLow", "bool", "false", "low level = active (switch to GND with pull up)"),
            new("debounceMs", "number", "0", "lock-out after an edge, 0..10000"),
        ],
        Validate = c =>
        {
            c.Pin(c.Spec.Pin, "pin");
            if (c.Spec.Pull is not (null or "none" or "up" or "down"))
            {
                c.Add("pull", $"must be none, up or down, got '{c.Spec.Pull}'");
            }

            if (c.Spec.DebounceMs is { } db && !(db >= 0 && db <= 10_000))
            {
                c.Add("debounceMs", $"must be 0..10000, got {DeviceMapValidator.Num(db)}");
            }
        },
        CreateSensor = c =>
        {
            DeviceSpec d = c.Spec;
            PinMode mode = d.Pull switch { "up" => PinMode.InputPullUp, "down" => PinMode.InputPullDown, _ => PinMode.Input };
            return new DigitalInput(c.Name, c.Gpio, d.Pin!.Value, mode, d.ActiveLow ?? false, (long)((d.DebounceMs ?? 0) * 1e6), c.Hardware.Clock);
        },
        Simulate = (c, hw) => hw.AddPlant(new SimulatedSwitch(hw.Driver(c.GpioChip), c.Spec.Pin!.Value, c.Spec.ActiveLow ?? false, hw.SimClock)),
        Example = """{ "name": "start", "type": "digital_input", "pin": 17, "pull": "up", "activeLow": true, "debounceMs": 20, "channels": [ { "channel": "count", "neurons": ["presses"], "encoder": { "type": "linear", "inMin": 0, "inMax": 100 } } ] }""",
        Simulator = "a switch pressed 0.3 s every 2 s, with 4 contact-bounce edges 0.4 ms apart on each press and release",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

/// <summary><c>digital_output</c>: a GPIO line driven on/off (LED, relay through a transistor).</summary>
internal static class DigitalOutputType
{
    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.DigitalOutput,
        Role = DeviceRole.Actuator,
        Summary = "GPIO output (LED, relay driver): value ≥ 0.5 = active",
        Channels = ["value"],
        Fields =
        [
            new("pin", "int", "", "GPIO line"),
            new("activeLow", "bool", "false", "active = low level"),
            new("safeState", "object", "{ value: 0 }", "safeState.value 0 or 1"),
        ],
        Validate = c =>
        {
            c.Pin(c.Spec.Pin, "pin");
            if (c.Spec.SafeState?.Mode is not null)
            {
                c.Add("safeState.mode", "digital_output takes safeState.value 0 or 1, not a mode");
            }

            if (c.Spec.SafeState?.Value is not (null or 0 or 1))
            {
                c.Add("safeState.value", $"must be 0 or 1, got {DeviceMapValidator.Num(c.Spec.SafeState!.Value!.Value)}");
            }
        },
        CreateActuator = c => new DigitalOutput(c.Name, c.Gpio, c.Spec.Pin!.Value, c.Spec.ActiveLow ?? false, (c.Spec.SafeState?.Value ?? 0) == 1),
        Simulate = static (_, _) => { },
        Example = """{ "name": "led", "type": "digital_output", "pin": 26, "safeState": { "value": 0 }, "channels": [ { "channel": "value", "neurons": ["alarm"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] }""",
        Simulator = "the simulated GPIO line records every level and write",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

/// <summary><c>quadrature_encoder</c>: a wheel or knob encoder on two GPIO lines, ×4 decoding.</summary>
internal static class QuadratureEncoderType
{
    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.QuadratureEncoder,
        Role = DeviceRole.Sensor,
        Summary = "quadrature encoder on two GPIO lines (×4 decoding, A leads B = +)",
        Channels = QuadratureEncoder.Channels,
        Fields = [new("pinA", "int", "", "GPIO line of A"), new("pinB", "int", "", "GPIO line of B")],
        Validate = c =>
        {
            c.Pin(c.Spec.PinA, "pinA");
            c.Pin(c.Spec.PinB, "pinB");
        },
        CreateSensor = c => new QuadratureEncoder(c.Name, c.Gpio, c.Spec.PinA!.Value, c.Spec.PinB!.Value),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedQuadratureWheel(hw.Driver(c.GpioChip), c.Spec.PinA!.Value, c.Spec.PinB!.Value, hw)),
        Example = """{ "name": "wheel", "type": "quadrature_encoder", "pinA": 16, "pinB": 20, "channels": [ { "channel": "count", "neurons": ["c0..c15"], "encoder": { "type": "binary", "bits": 16 } } ] }""",
        Simulator = "a wheel turning ±200 counts/s (reversing every 3 s): Gray-code edges on A and B",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

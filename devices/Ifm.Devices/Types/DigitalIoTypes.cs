using System.Device.Gpio;
using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>digital_input</c>: a GPIO line (switch, button, beam break) read as level and debounced edge count.</summary>
internal static class DigitalInputType
{
    private static readonly PinField Pin = new("pin", "GPIO line");
    private static readonly StringField Pull = new("pull", "none", "none | up | down") { Values = ["none", "up", "down"] };
    private static readonly BoolField ActiveLow = new("activeLow", false, "low level = active (switch to GND with pull up)");
    private static readonly NumberField DebounceMs = new("debounceMs", 0, "lock-out after an edge, 0..10000") { Min = 0, Max = 10_000 };

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.DigitalInput,
        Role = DeviceRole.Sensor,
        Summary = "GPIO input (switch, button): level and debounced active-edge count",
        Channels = DigitalInput.Channels,
        Fields = [Pin, Pull, ActiveLow, DebounceMs],
        CreateSensor = c => new DigitalInput(c.Name, c.Gpio, c.Get(Pin),
            c.Get(Pull) switch { "up" => PinMode.InputPullUp, "down" => PinMode.InputPullDown, _ => PinMode.Input },
            c.Get(ActiveLow), (long)(c.Get(DebounceMs) * 1e6), c.Hardware.Clock),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedSwitch(hw.Driver(c.GpioChip), c.Get(Pin), c.Get(ActiveLow), hw.SimClock)),
        Example = """{ "name": "start", "type": "digital_input", "pin": 17, "pull": "up", "activeLow": true, "debounceMs": 20, "channels": [ { "channel": "count", "neurons": ["presses"], "encoder": { "type": "linear", "inMin": 0, "inMax": 100 } } ] }""",
        Simulator = "a switch pressed 0.3 s every 2 s, with 4 contact-bounce edges 0.4 ms apart on each press and release",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

/// <summary><c>digital_output</c>: a GPIO line driven on/off (LED, relay through a transistor).</summary>
internal static class DigitalOutputType
{
    private static readonly PinField Pin = new("pin", "GPIO line");
    private static readonly BoolField ActiveLow = new("activeLow", false, "active = low level");

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.DigitalOutput,
        Role = DeviceRole.Actuator,
        Summary = "GPIO output (LED, relay driver): value ≥ 0.5 = active",
        Channels = ["value"],
        Fields = [Pin, ActiveLow, SafeStates.Field("{ value: 0 }", "safeState.value 0 or 1")],
        Validate = c => SafeStates.Values(c, 0, 1),
        CreateActuator = c => new DigitalOutput(c.Name, c.Gpio, c.Get(Pin), c.Get(ActiveLow), (c.Spec.SafeState?.Value ?? 0) == 1),
        Simulate = static (_, _) => { },
        Example = """{ "name": "led", "type": "digital_output", "pin": 26, "safeState": { "value": 0 }, "channels": [ { "channel": "value", "neurons": ["alarm"], "decoder": { "type": "threshold", "threshold": 0.5 } } ] }""",
        Simulator = "the simulated GPIO line records every level and write",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

/// <summary><c>quadrature_encoder</c>: a wheel or knob encoder on two GPIO lines, ×4 decoding.</summary>
internal static class QuadratureEncoderType
{
    private static readonly PinField A = new("pinA", "GPIO line of A");
    private static readonly PinField B = new("pinB", "GPIO line of B");

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.QuadratureEncoder,
        Role = DeviceRole.Sensor,
        Summary = "quadrature encoder on two GPIO lines (×4 decoding, A leads B = +)",
        Channels = QuadratureEncoder.Channels,
        Fields = [A, B],
        CreateSensor = c => new QuadratureEncoder(c.Name, c.Gpio, c.Get(A), c.Get(B)),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedQuadratureWheel(hw.Driver(c.GpioChip), c.Get(A), c.Get(B), hw)),
        Example = """{ "name": "wheel", "type": "quadrature_encoder", "pinA": 16, "pinB": 20, "channels": [ { "channel": "count", "neurons": ["c0..c15"], "encoder": { "type": "binary", "bits": 16 } } ] }""",
        Simulator = "a wheel turning ±200 counts/s (reversing every 3 s): Gray-code edges on A and B",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

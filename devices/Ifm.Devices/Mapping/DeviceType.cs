using System.Globalization;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Mapping;

/// <summary>Whether a device type produces values (bound with encoders) or takes commands (bound with decoders).</summary>
public enum DeviceRole
{
    Sensor,
    Actuator,
}

/// <summary>
/// The descriptor of one device-map type: everything the map, the binder, the simulator and <c>ifm devices list</c>
/// know about it. Register it with <see cref="DeviceTypes.Register"/>; adding a type is one file with its descriptor.
/// </summary>
public sealed class DeviceType
{
    /// <summary>The map's <c>type</c> value.</summary>
    public required string Name { get; init; }

    public required DeviceRole Role { get; init; }

    /// <summary>One line for <c>ifm devices list</c>: the part and what it measures or drives.</summary>
    public required string Summary { get; init; }

    /// <summary>Channel names, when they do not depend on the device's fields.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Channel names that depend on the device's fields (serial_line's <c>fields</c>); overrides <see cref="Channels"/>.</summary>
    public Func<DeviceSpec, string[]>? ChannelsOf { get; init; }

    /// <summary>How the channel list reads in <c>ifm devices list</c> when <see cref="ChannelsOf"/> is set.</summary>
    public string? ChannelsHelp { get; init; }

    /// <summary>The type's own fields (beyond name, type, rateHz, gpioChip, channels and an actuator's safeState).</summary>
    public IReadOnlyList<DeviceField> Fields { get; init; } = [];

    /// <summary>Checks one device's fields; report through <see cref="DeviceCheck.Add"/> (paths are prefixed).</summary>
    public Action<DeviceCheck>? Validate { get; init; }

    /// <summary>
    /// Checks across devices (shared links); gets the (index, spec) pairs of every device whose type has an equal
    /// delegate here (the same method), so related types are checked together.
    /// </summary>
    public Action<IReadOnlyList<(int Index, DeviceSpec Spec)>, List<string>>? ValidateTogether { get; init; }

    /// <summary>After a successful validation: fills values devices share (link settings); grouped like <see cref="ValidateTogether"/>.</summary>
    public Action<IReadOnlyList<DeviceSpec>>? Normalize { get; init; }

    /// <summary>Opens the sensor (called only while binding). Null: only an <see cref="IDeviceProvider"/> or the factory creates it.</summary>
    public Func<DeviceContext, ISensor>? CreateSensor { get; init; }

    /// <inheritdoc cref="CreateSensor"/>
    public Func<DeviceContext, IActuator>? CreateActuator { get; init; }

    /// <summary>
    /// Puts this device's simulator on <see cref="SimulatedHardware"/> before binding (<c>ifm run --simulate</c>): a
    /// register map at its I2C address, edge timing on its GPIO lines, a plant that advances per period, or a
    /// simulated device returned by <see cref="SimulatedHardware.CreateSensor"/>.
    /// </summary>
    public Action<DeviceContext, SimulatedHardware>? Simulate { get; init; }

    /// <summary>One line for <c>ifm devices list</c>: what the simulator does.</summary>
    public string Simulator { get; init; } = "";

    /// <summary>
    /// One device entry of a map (a JSON object with its channels bound) that uses this type: shown by
    /// <c>ifm devices list</c>, and run against the simulator by the tests (validation, binding, zero allocation).
    /// </summary>
    public string Example { get; init; } = "";

    /// <summary>The message when no creator made the device (a provider-only type on the wrong hardware).</summary>
    public string? MissingCreatorMessage { get; init; }

    /// <summary>
    /// The type times its GPIO lines in microseconds (echo pulses, bit-banged clocks), so it cannot sit on a GPIO
    /// expander, whose pins are sampled once per loop period over I2C.
    /// </summary>
    public bool NeedsDirectGpio { get; init; }

    public bool IsActuator => Role == DeviceRole.Actuator;

    /// <summary>The channels of <paramref name="device"/>.</summary>
    public string[] ChannelNames(DeviceSpec device) => ChannelsOf is { } f ? f(device) : [.. Channels];

    /// <summary>Whether the type declares <paramref name="field"/>.</summary>
    public bool HasField(string field) => Field(field) is not null;

    /// <summary>The declared field named <paramref name="field"/>, or null.</summary>
    public DeviceField? Field(string field)
    {
        foreach (DeviceField f in Fields)
        {
            if (f.Name == field)
            {
                return f;
            }
        }

        return null;
    }
}

/// <summary>What a device type gets when it is created or simulated: its spec, its map, its index, the hardware.</summary>
public sealed class DeviceContext(DeviceMap map, DeviceSpec spec, int index, IHardwareFactory hardware)
{
    public DeviceMap Map { get; } = map;
    public DeviceSpec Spec { get; } = spec;
    public int Index { get; } = index;
    public IHardwareFactory Hardware { get; } = hardware;

    public string Name => Spec.Name!;

    /// <summary>The device's type.</summary>
    public DeviceType Type => DeviceTypes.Get(Spec.Type!);

    /// <summary>The device's GPIO chip: its expander's, else its own <c>gpioChip</c>, else the map's.</summary>
    public int GpioChip => BoardTypes.GpioChipOf(Map, Spec);

    /// <summary>The device's value of <paramref name="field"/>, else the field's default.</summary>
    public int Get(IntField field) => field.Of(Spec);

    /// <inheritdoc cref="Get(IntField)"/>
    public double Get(NumberField field) => field.Of(Spec);

    /// <inheritdoc cref="Get(IntField)"/>
    public string Get(StringField field) => field.Of(Spec);

    /// <inheritdoc cref="Get(IntField)"/>
    public bool Get(BoolField field) => field.Of(Spec);

    /// <summary>The device's I2C bus (its type's <c>i2cBus</c> field and default).</summary>
    public int I2cBus => ((IntField)Type.Field(DeviceFields.I2cBusName)!).Of(Spec);

    /// <summary>The device's I2C address (its type's <c>address</c> field and default).</summary>
    public int I2cAddress => ((IntField)Type.Field(DeviceFields.AddressName)!).Of(Spec);

    /// <summary>Opens the device's I2C device (<see cref="I2cBus"/>, <see cref="I2cAddress"/>).</summary>
    public System.Device.I2c.I2cDevice OpenI2c() => Hardware.OpenI2c(I2cBus, I2cAddress);

    /// <summary>The device's GPIO controller (on its chip).</summary>
    public System.Device.Gpio.GpioController Gpio => Hardware.Gpio(GpioChip);

    /// <summary>Read or write period of the device in seconds (its rate, else the loop's).</summary>
    public double PeriodSeconds => 1.0 / (Spec.RateHz ?? Map.LoopRateHz);
}

/// <summary>What a type's validator gets: the device, where it is, and helpers that report with JSON paths.</summary>
public sealed class DeviceCheck
{
    private readonly Dictionary<(int, int), string> _pins;

    internal DeviceCheck(DeviceMap map, DeviceSpec spec, string at, List<string> errors, Dictionary<(int, int), string> pins)
    {
        Map = map;
        Spec = spec;
        At = at;
        Errors = errors;
        _pins = pins;
    }

    public DeviceMap Map { get; }
    public DeviceSpec Spec { get; }

    /// <summary>The device's JSON path, e.g. <c>devices[2]</c>.</summary>
    public string At { get; }

    public List<string> Errors { get; }

    public string Type => Spec.Type!;

    /// <summary>The device's GPIO chip: its expander's, else its own <c>gpioChip</c>, else the map's.</summary>
    public int GpioChip => BoardTypes.GpioChipOf(Map, Spec);

    /// <summary>The device's rate (its own, else the loop's).</summary>
    public double RateHz => Spec.RateHz ?? Map.LoopRateHz;

    /// <summary>Adds <c>{At}.{field}: {message}</c>.</summary>
    public void Add(string field, string message) => Errors.Add($"{At}.{field}: {message}");

    /// <summary>A GPIO line: required unless told otherwise, 0..1023, not used twice on its chip.</summary>
    public void Pin(int? value, string field, bool required = true)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, $"required for {Type}");
            }

            return;
        }

        if (value is < 0 or > 1023)
        {
            Add(field, $"must be a GPIO line number 0..1023, got {value}");
            return;
        }

        if (!_pins.TryAdd((GpioChip, value.Value), $"{At}.{field}"))
        {
            string where = Spec.Expander is { } e ? $"pin {value} of expander '{e}'" : $"GPIO {value} on chip {GpioChip}";
            Add(field, $"{where} is already used by {_pins[(GpioChip, value.Value)]}");
        }
    }

    /// <summary>An optional integer in [min, max].</summary>
    public void Range(int? value, string field, int min, int max, string? why = null)
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(field, $"must be {min}..{max}{why}, got {v}");
        }
    }

    /// <summary>An optional integer that must be one of <paramref name="allowed"/>.</summary>
    public void OneOf(int? value, string field, params int[] allowed)
    {
        if (value is { } v && Array.IndexOf(allowed, v) < 0)
        {
            Add(field, $"must be {Join(allowed)}, got {v}");
        }
    }

    /// <summary>Rejects a safe state for a device without one and checks the allowed forms.</summary>
    public void NoSafeStateValue(string what)
    {
        if (Spec.SafeState?.Value is not null)
        {
            Add("safeState.value", what);
        }
    }

    /// <summary>A number as messages show it (invariant, shortest round-trip form).</summary>
    public static string Num(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    internal static string Join(int[] values) =>
        values.Length == 1 ? values[0].ToString(CultureInfo.InvariantCulture)
            : string.Join(", ", values[..^1]) + " or " + values[^1].ToString(CultureInfo.InvariantCulture);
}

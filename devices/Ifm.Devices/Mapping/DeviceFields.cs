using System.Globalization;

namespace Ifm.Devices.Mapping;

/// <summary>
/// One JSON field of a device type: its name, its kind (<c>int</c>, <c>number</c>, <c>string</c>, <c>bool</c>,
/// <c>int[]</c>), its default as shown to users (empty = required or none) and a one-line meaning. The typed fields
/// below (<see cref="IntField"/>, <see cref="NumberField"/>, <see cref="StringField"/>, <see cref="BoolField"/>,
/// <see cref="PinField"/>) also carry the default the factory uses and the check the map's validator runs, so a type
/// declares each of its fields once: its descriptor is its fields and its factory.
/// </summary>
public record DeviceField(string Name, string Kind, string Default, string Help)
{
    /// <summary>Checks this field of one device (set or not); the validator calls it for every device of the type.</summary>
    public virtual void Check(DeviceCheck c)
    {
    }

    private protected static string Text(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    private protected static string IntText(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>An integer field: a default (or required), and a range <c>[Min, Max]</c> or a set <see cref="Values"/>.</summary>
public record IntField(string Name, int? Value, string Help) : DeviceField(Name, "int", IntText(Value), Help)
{
    public int Min { get; init; } = int.MinValue;
    public int Max { get; init; } = int.MaxValue;

    /// <summary>The allowed values (overrides the range).</summary>
    public int[]? Values { get; init; }

    /// <summary>Required: no default, the map must set it.</summary>
    public bool Required { get; init; }

    /// <summary>The error when the value is not allowed, before <c>, got N</c> (default: the range or the values).</summary>
    public string? Message { get; init; }

    /// <summary>The device's value, else the default (a required field is present once the map validated).</summary>
    public int Of(DeviceSpec d) => d.GetInt(Name) ?? Value ?? throw new InvalidOperationException($"{d.Type}.{Name} has no value");

    public override void Check(DeviceCheck c)
    {
        if (c.Spec.GetInt(Name) is not { } v)
        {
            if (Required && !c.Spec.Has(Name))
            {
                c.Add(Name, $"required for {c.Type}");
            }

            return;
        }

        bool ok = Values is { } values ? Array.IndexOf(values, v) >= 0 : v >= Min && v <= Max;
        if (!ok)
        {
            string allowed = Values is { } vs ? DeviceCheck.Join(vs) : $"{IntText(Min)}..{IntText(Max)}";
            c.Add(Name, $"{Message ?? "must be " + allowed}, got {IntText(v)}");
        }
    }
}

/// <summary>A GPIO line: required unless <see cref="Optional"/>, 0..1023, not used twice on its chip.</summary>
public sealed record PinField(string Name, string Help) : IntField(Name, null, Help)
{
    public bool Optional { get; init; }

    public override void Check(DeviceCheck c) => c.Pin(c.Spec.GetInt(Name), Name, !Optional);
}

/// <summary>A number field: a default, a range (each end open or closed) or a set <see cref="Values"/>.</summary>
public sealed record NumberField(string Name, double? Value, string Help) : DeviceField(Name, "number", Value is { } v ? Text(v) : "", Help)
{
    public double Min { get; init; } = double.MinValue;
    public double Max { get; init; } = double.MaxValue;

    /// <summary>The range excludes <see cref="Min"/> / <see cref="Max"/> themselves.</summary>
    public bool MinOpen { get; init; }

    /// <inheritdoc cref="MinOpen"/>
    public bool MaxOpen { get; init; }

    /// <summary>The allowed values (overrides the range).</summary>
    public double[]? Values { get; init; }

    /// <inheritdoc cref="IntField.Message"/>
    public string? Message { get; init; }

    /// <inheritdoc cref="IntField.Of"/>
    public double Of(DeviceSpec d) => d.GetNumber(Name) ?? Value ?? throw new InvalidOperationException($"{d.Type}.{Name} has no value");

    public override void Check(DeviceCheck c)
    {
        if (c.Spec.GetNumber(Name) is not { } v)
        {
            return;
        }

        if (Values is { } values)
        {
            if (Array.IndexOf(values, v) < 0)
            {
                c.Add(Name, $"{Message ?? "must be one of " + string.Join(", ", values.Select(Text))}, got {Text(v)}");
            }

            return;
        }

        if ((MinOpen ? v > Min : v >= Min) && (MaxOpen ? v < Max : v <= Max))
        {
            return;
        }

        string range = MinOpen || MaxOpen
            ? $"in {(MinOpen ? "(" : "[")}{Text(Min)}, {Text(Max)}{(MaxOpen ? ")" : "]")}"
            : $"{Text(Min)}..{Text(Max)}";
        c.Add(Name, $"{Message ?? "must be " + range}, got {Text(v)}");
    }
}

/// <summary>A string field: a default (or required) and optionally a set of allowed <see cref="Values"/>.</summary>
public sealed record StringField(string Name, string? Value, string Help) : DeviceField(Name, "string", Value ?? "", Help)
{
    public string[]? Values { get; init; }

    /// <inheritdoc cref="IntField.Required"/>
    public bool Required { get; init; }

    /// <inheritdoc cref="IntField.Of"/>
    public string Of(DeviceSpec d) => d.GetString(Name) ?? Value ?? throw new InvalidOperationException($"{d.Type}.{Name} has no value");

    public override void Check(DeviceCheck c)
    {
        string? v = c.Spec.GetString(Name);
        if (Required && string.IsNullOrWhiteSpace(v) && (v is not null || !c.Spec.Has(Name)))
        {
            c.Add(Name, $"required for {c.Type}");
        }
        else if (v is not null && Values is { } values && Array.IndexOf(values, v) < 0)
        {
            string allowed = values.Length == 1 ? values[0] : string.Join(", ", values[..^1]) + " or " + values[^1];
            c.Add(Name, $"must be {allowed}, got '{v}'");
        }
    }
}

/// <summary>A boolean field with its default.</summary>
public sealed record BoolField(string Name, bool Value, string Help) : DeviceField(Name, "bool", Value ? "true" : "false", Help)
{
    public bool Of(DeviceSpec d) => d.GetBool(Name) ?? Value;
}

/// <summary>The fields many types share.</summary>
public static class DeviceFields
{
    public const string I2cBusName = "i2cBus", AddressName = "address";

    /// <summary><c>i2cBus</c>: /dev/i2c-N, default 1 (the Raspberry Pi header's bus).</summary>
    public static readonly IntField I2cBus = new(I2cBusName, 1, "I2C bus (/dev/i2c-N)") { Min = 0, Max = 255 };

    /// <summary>
    /// <c>address</c> of an I2C part answering at <paramref name="addresses"/>; <paramref name="where"/> says how its
    /// pins select them (shown by <c>ifm devices list</c> and in the error: "{part} answers at {where}, got N").
    /// </summary>
    public static IntField I2cAddress(string part, int @default, int[] addresses, string where) =>
        new(AddressName, @default, where) { Values = addresses, Message = $"{part} answers at {where}" };

    /// <summary>The bus and address fields of an I2C part, then its own fields.</summary>
    public static DeviceField[] I2c(IntField address, params DeviceField[] own) => [I2cBus, address, .. own];
}

/// <summary>An actuator's <c>safeState</c> field and the checks of its two forms: a value or a mode.</summary>
public static class SafeStates
{
    /// <summary>The <c>safeState</c> field as <c>ifm devices list</c> shows it.</summary>
    public static DeviceField Field(string @default, string help) => new("safeState", "object", @default, help);

    /// <summary>Only <c>safeState.value</c>, one of <paramref name="allowed"/>.</summary>
    public static void Values(DeviceCheck c, params int[] allowed)
    {
        if (c.Spec.SafeState?.Mode is not null)
        {
            c.Add("safeState.mode", $"{c.Type} takes safeState.value {DeviceCheck.Join(allowed)}, not a mode");
        }

        if (c.Spec.SafeState?.Value is { } v && Array.IndexOf(allowed, (int)v) < 0 | v != Math.Floor(v))
        {
            c.Add("safeState.value", $"must be {DeviceCheck.Join(allowed)}, got {DeviceCheck.Num(v)}");
        }
    }

    /// <summary>Only <c>safeState.mode</c>, one of <paramref name="modes"/>.</summary>
    public static void Modes(DeviceCheck c, params string[] modes)
    {
        string allowed = modes.Length == 1 ? modes[0] : string.Join(", ", modes[..^1]) + " or " + modes[^1];
        if (c.Spec.SafeState?.Mode is { } mode && Array.IndexOf(modes, mode) < 0)
        {
            c.Add("safeState.mode", $"must be {allowed}, got '{mode}'");
        }

        c.NoSafeStateValue($"{c.Type} takes safeState.mode {allowed}, not a value");
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ifm.Devices.Mapping;

/// <summary>Root of a device-map JSON file (format in devices/README.md). Load with <see cref="DeviceMap.Load"/>.</summary>
public sealed partial class DeviceMap
{
    /// <summary>Format version; must be 1.</summary>
    public int Version { get; set; } = 1;

    public string? Description { get; set; }

    /// <summary>Rate of the control loop in Hz; every device rate must be ≤ this.</summary>
    public double LoopRateHz { get; set; }

    /// <summary>GPIO chip (gpiochipN) used by devices that do not set their own; 0 on a Pi, set it on Jetson.</summary>
    public int GpioChip { get; set; }

    /// <summary>Boards that provide buses to the devices (PCA9685 PWM boards); optional.</summary>
    public List<BoardSpec>? Boards { get; set; }

    public List<DeviceSpec> Devices { get; set; } = [];

    /// <summary>
    /// Where the model's learning signals come from (an object: modulator, errors, performance, …), in expressions over
    /// the sensors' channels (<c>servo.target - servo.position</c>). The map keeps it as written: the host that runs a
    /// model binds and checks it against the model's rules (runtime/Ifm.Runtime/Learning).
    /// </summary>
    public JsonElement? Learning { get; set; }
}

/// <summary>One device: its type, its bus parameters, its rate, its safe state and its channel bindings.</summary>
public sealed class DeviceSpec
{
    public string? Name { get; set; }
    public string? Type { get; set; }

    /// <summary>Read (sensor) or write (actuator) rate in Hz; default the loop rate.</summary>
    public double? RateHz { get; set; }

    public int? GpioChip { get; set; }

    /// <summary>The name of a GPIO expander board (<c>boards</c>: mcp23017, pcf8574) whose pins this device's lines are.</summary>
    public string? Expander { get; set; }

    public int? Pin { get; set; }
    public int? PinA { get; set; }
    public int? PinB { get; set; }
    public int? TriggerPin { get; set; }
    public int? EchoPin { get; set; }
    public int? In1Pin { get; set; }
    public int? In2Pin { get; set; }
    public bool? ActiveLow { get; set; }

    /// <summary>none | up | down.</summary>
    public string? Pull { get; set; }

    public double? DebounceMs { get; set; }
    public double? TimeoutMs { get; set; }

    public int? PwmChip { get; set; }
    public int? PwmChannel { get; set; }
    public int? FrequencyHz { get; set; }
    public double? MinPulseUs { get; set; }
    public double? MaxPulseUs { get; set; }
    public double? MaxAngle { get; set; }
    public double? Deadband { get; set; }

    public int? I2cBus { get; set; }
    public int? Address { get; set; }
    public int? AccelRangeG { get; set; }
    public int? GyroRangeDps { get; set; }

    public string? Port { get; set; }
    public int? BaudRate { get; set; }
    public int? Fields { get; set; }
    public int? MaxLineLength { get; set; }
    public string? Separators { get; set; }

    /// <summary>Seed of a simulated device's RNG (Pong ball restarts).</summary>
    public ulong? Seed { get; set; }

    /// <summary>Actuators only: what <c>EnterSafeState()</c> drives.</summary>
    public SafeStateSpec? SafeState { get; set; }

    public List<ChannelBinding> Channels { get; set; } = [];

    /// <summary>
    /// Fields of registered types that have no property here (catalog adapters, the firmware bridge). The map's
    /// validator checks each against its type's <see cref="DeviceType.Fields"/>, so a misspelled field is an error.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The fields set in this device (its typed properties that are not null, then <see cref="Extra"/>), by JSON name.</summary>
    public IEnumerable<string> SetFields()
    {
        foreach (var (name, get) in TypedFields)
        {
            if (get(this) is not null)
            {
                yield return name;
            }
        }

        if (Extra is not null)
        {
            foreach (string key in Extra.Keys)
            {
                yield return key;
            }
        }
    }

    /// <summary>Whether <paramref name="field"/> is set (a typed property or an <see cref="Extra"/> value, of any kind).</summary>
    public bool Has(string field) => Typed(field, out object? v) ? v is not null : Extra?.ContainsKey(field) == true;

    /// <summary>An integer field (a typed property or an <see cref="Extra"/> value); null when absent or not an integer.</summary>
    public int? GetInt(string field) =>
        Typed(field, out object? t) ? t as int?
        : Extra?.TryGetValue(field, out JsonElement e) == true && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : null;

    /// <summary>A number field; null when absent or not a number.</summary>
    public double? GetNumber(string field) =>
        Typed(field, out object? t) ? t switch { double d => d, int i => i, _ => null }
        : Extra?.TryGetValue(field, out JsonElement e) == true && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;

    /// <summary>A string field; null when absent or not a string.</summary>
    public string? GetString(string field) =>
        Typed(field, out object? t) ? t as string
        : Extra?.TryGetValue(field, out JsonElement e) == true && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    /// <summary>A boolean field; null when absent or not a boolean.</summary>
    public bool? GetBool(string field) =>
        Typed(field, out object? t) ? t as bool?
        : Extra?.TryGetValue(field, out JsonElement e) == true && e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : null;

    private bool Typed(string field, out object? value)
    {
        foreach (var (name, get) in TypedFields)
        {
            if (name == field)
            {
                value = get(this);
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>An integer-array field of a registered type; null when absent or not an array of integers.</summary>
    public List<int>? GetIntList(string field)
    {
        if (Extra?.TryGetValue(field, out JsonElement e) != true || e.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<int>(e.GetArrayLength());
        foreach (JsonElement x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetInt32(out int v))
            {
                return null;
            }

            list.Add(v);
        }

        return list;
    }

    /// <summary>Sets an integer field of a registered type (in <see cref="Extra"/>).</summary>
    public void SetInt(string field, int value)
    {
        Extra ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Extra[field] = JsonSerializer.SerializeToElement(value, DeviceMapJsonContext.Default.Int32);
    }

    /// <summary>
    /// Whether an <see cref="Extra"/> value has the declared kind; <paramref name="expected"/> is the wording of the
    /// error when it does not.
    /// </summary>
    internal static bool HasKind(JsonElement e, string kind, out string expected)
    {
        expected = kind switch
        {
            "int" => "an integer",
            "number" => "a number",
            "string" => "a string",
            "bool" => "true or false",
            "int[]" => "an array of integers",
            _ => kind,
        };
        return kind switch
        {
            "int" => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _),
            "number" => e.ValueKind == JsonValueKind.Number,
            "string" => e.ValueKind == JsonValueKind.String,
            "bool" => e.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "int[]" => e.ValueKind == JsonValueKind.Array && e.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out _)),
            _ => true,
        };
    }

    /// <summary>The typed properties by JSON name (the fields the built-in types share).</summary>
    private static readonly (string Name, Func<DeviceSpec, object?> Get)[] TypedFields =
    [
        ("pin", d => d.Pin), ("pinA", d => d.PinA), ("pinB", d => d.PinB), ("triggerPin", d => d.TriggerPin),
        ("echoPin", d => d.EchoPin), ("in1Pin", d => d.In1Pin), ("in2Pin", d => d.In2Pin), ("activeLow", d => d.ActiveLow),
        ("pull", d => d.Pull), ("debounceMs", d => d.DebounceMs), ("timeoutMs", d => d.TimeoutMs), ("pwmChip", d => d.PwmChip),
        ("pwmChannel", d => d.PwmChannel), ("frequencyHz", d => d.FrequencyHz), ("minPulseUs", d => d.MinPulseUs),
        ("maxPulseUs", d => d.MaxPulseUs), ("maxAngle", d => d.MaxAngle), ("deadband", d => d.Deadband), ("i2cBus", d => d.I2cBus),
        ("address", d => d.Address), ("accelRangeG", d => d.AccelRangeG), ("gyroRangeDps", d => d.GyroRangeDps), ("port", d => d.Port),
        ("baudRate", d => d.BaudRate), ("fields", d => d.Fields), ("maxLineLength", d => d.MaxLineLength),
        ("separators", d => d.Separators), ("seed", d => d.Seed),
    ];
}

/// <summary>Safe state of an actuator: a <see cref="Value"/> (level, angle) or a <see cref="Mode"/> (brake, coast, off).</summary>
public sealed class SafeStateSpec
{
    public double? Value { get; set; }
    public string? Mode { get; set; }
}

/// <summary>Binds one device channel to neurons through an encoder (sensors) or a decoder (actuators).</summary>
public sealed class ChannelBinding
{
    public string? Channel { get; set; }

    /// <summary>Neuron names; <c>"in0..in7"</c> expands to in0, in1, …, in7.</summary>
    public List<string>? Neurons { get; set; }

    public EncoderSpec? Encoder { get; set; }
    public DecoderSpec? Decoder { get; set; }
}

/// <summary>threshold | linear | binary | population | poisson | regular, with their parameters.</summary>
public sealed class EncoderSpec
{
    public string? Type { get; set; }
    public float? Threshold { get; set; }
    public float? High { get; set; }
    public float? Low { get; set; }
    public float? InMin { get; set; }
    public float? InMax { get; set; }
    public float? OutMin { get; set; }
    public float? OutMax { get; set; }
    public int? Bits { get; set; }
    public float? Offset { get; set; }

    /// <summary>binary: the value is multiplied by this before <see cref="Offset"/> is added (default 1).</summary>
    public float? Scale { get; set; }
    public int? Count { get; set; }
    public float? Min { get; set; }
    public float? Max { get; set; }
    public float? Sigma { get; set; }
    public float? Gain { get; set; }
    public float? MaxProbability { get; set; }
    public ulong? Seed { get; set; }
}

/// <summary>argmax | linear | threshold | spike_count, with their parameters.</summary>
public sealed class DecoderSpec
{
    public string? Type { get; set; }
    public List<float>? Values { get; set; }
    public float? MinActivation { get; set; }
    public float? Fallback { get; set; }
    public float? InMin { get; set; }
    public float? InMax { get; set; }
    public float? OutMin { get; set; }
    public float? OutMax { get; set; }
    public float? Threshold { get; set; }
    public float? High { get; set; }
    public float? Low { get; set; }
    public int? Window { get; set; }
    public float? SpikeThreshold { get; set; }
}

/// <summary>System.Text.Json source generation: no reflection, NativeAOT/trim safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceMap))]
[JsonSerializable(typeof(int))]
internal sealed partial class DeviceMapJsonContext : JsonSerializerContext;

/// <summary>
/// The one exception a device map throws: the file cannot be parsed, a value is out of range, or a neuron name is
/// not in the model. <see cref="Errors"/> holds one message per problem, each starting with the JSON path of the
/// offending entry (<c>devices[2].channels[0].encoder.bits: must be 1..32, got 40</c>).
/// </summary>
public sealed class DeviceMapException : Ifm.Core.IfmException
{
    public DeviceMapException(string sourceName, IReadOnlyList<string> errors, Exception? inner = null)
        : base(Ifm.Core.IfmErrorCode.DeviceMap, Format(sourceName, errors), inner)
    {
        SourceName = sourceName;
        Errors = errors;
    }

    public string SourceName { get; }
    public IReadOnlyList<string> Errors { get; }

    // One line (logs, the CLI's "ifm: …" contract): a JSON error may quote input that holds line breaks.
    private static string Format(string source, IReadOnlyList<string> errors) => OneLine(source, errors).ReplaceLineEndings(" ");

    private static string OneLine(string source, IReadOnlyList<string> errors) =>
        errors.Count == 1
            ? $"{source}: {errors[0]}"
            : $"{source}: {errors.Count} problems: " + string.Join("; ", errors);
}

/// <summary>A device failed at run time or when it was opened; <see cref="DeviceName"/> says which.</summary>
public sealed class DeviceFaultException(string deviceName, string message, Exception? inner = null)
    : Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.DeviceFault, $"device '{deviceName}': {message}", inner)
{
    public string DeviceName { get; } = deviceName;
}

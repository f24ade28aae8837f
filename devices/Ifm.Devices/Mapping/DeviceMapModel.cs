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

    public List<DeviceSpec> Devices { get; set; } = [];
}

/// <summary>One device: its type, its bus parameters, its rate, its safe state and its channel bindings.</summary>
public sealed class DeviceSpec
{
    public string? Name { get; set; }
    public string? Type { get; set; }

    /// <summary>Read (sensor) or write (actuator) rate in Hz; default the loop rate.</summary>
    public double? RateHz { get; set; }

    public int? GpioChip { get; set; }
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

    /// <summary>
    /// bridge_sensor / bridge_actuator: the MCU's sensor or actuator channel index behind each map channel
    /// (<c>ch0</c> is <c>mcuChannels[0]</c>, …).
    /// </summary>
    public List<int>? McuChannels { get; set; }

    /// <summary>Firmware bridge: MCU heartbeat watchdog and host link timeout in ms (250).</summary>
    public int? HeartbeatTimeoutMs { get; set; }

    /// <summary>Firmware bridge: period of the MCU's sensor stream in µs (10000).</summary>
    public int? SensorPeriodUs { get; set; }

    /// <summary>
    /// Firmware bridge: how long binding waits for the MCU's valid HELLO, in ms (default: the heartbeat timeout);
    /// without one the bind fails. 0 tolerates an absent MCU: the run starts, reads are stale and actuators stay
    /// safe until it answers.
    /// </summary>
    public int? LinkStartTimeoutMs { get; set; }

    /// <summary>Seed of a simulated device's RNG (Pong ball restarts).</summary>
    public ulong? Seed { get; set; }

    /// <summary>Actuators only: what <c>EnterSafeState()</c> drives.</summary>
    public SafeStateSpec? SafeState { get; set; }

    public List<ChannelBinding> Channels { get; set; } = [];
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

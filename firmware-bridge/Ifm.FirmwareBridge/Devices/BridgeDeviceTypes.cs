using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>
/// The map types <c>bridge_sensor</c> and <c>bridge_actuator</c>: their fields, their checks (PROTOCOL.md's limits;
/// devices on one port share one link, so one baud rate, heartbeat timeout and sensor period, and each MCU actuator
/// channel is driven by one device only) and their simulator. <see cref="BridgeDeviceProvider"/> creates them.
/// Registered with <see cref="DeviceTypes"/> when this assembly loads, or explicitly by <see cref="Register"/>.
/// </summary>
public static class BridgeDeviceTypes
{
    public const string SensorType = "bridge_sensor";
    public const string ActuatorType = "bridge_actuator";

    /// <summary>Sensor or actuator channels one bridge device may name (the protocol's limit per MCU).</summary>
    public const int MaxChannels = 8;

    public const int DefaultBaudRate = 115200, DefaultHeartbeatTimeoutMs = 250, DefaultSensorPeriodUs = 10_000;

    private static readonly DeviceField[] CommonFields =
    [
        new("port", "string", "", "the MCU's serial device (e.g. /dev/ttyACM0 or one end of a socat pty pair)"),
        new("mcuChannels", "int[]", "", "MCU channel index (0..7) behind each map channel ch0, ch1, …"),
        new("channelNames", "string[]", "ch0, ch1, …", "names of the map channels, one per mcuChannels entry (e.g. the plant's: [\"error\", \"velocity\"])"),
        new("baudRate", "int", "115200", "link speed, 300..10000000 (per port)"),
        new("heartbeatTimeoutMs", "int", "250", "MCU watchdog and host link timeout, 100..60000 (per port)"),
        new("sensorPeriodUs", "int", "10000", "period of the MCU's sensor stream (per port)"),
        new("linkStartTimeoutMs", "int", "heartbeatTimeoutMs", "how long the host waits at start for the MCU's HELLO, 0..600000; 0: start without the MCU (per port)"),
    ];

    public static readonly DeviceType Sensor = Bridge(
        SensorType,
        DeviceRole.Sensor,
        "sensor channels of a microcontroller behind the firmware bridge (PROTOCOL.md)",
        CommonFields,
        """{ "name": "mcu_in", "type": "bridge_sensor", "port": "/dev/ttyACM0", "mcuChannels": [0, 1], "channels": [ { "channel": "ch1", "neurons": ["ball"], "encoder": { "type": "linear", "inMin": 0, "inMax": 1 } } ] }""",
        "each channel a slow sine in 0..1 (phase per channel); run ifm-virtual-mcu over socat for the real protocol");

    public static readonly DeviceType Actuator = Bridge(
        ActuatorType,
        DeviceRole.Actuator,
        "actuator channels of a microcontroller behind the firmware bridge (PROTOCOL.md)",
        [.. CommonFields, new("safeState", "object", "the MCU's", "safeState.value: the safe value of every channel")],
        """{ "name": "mcu_out", "type": "bridge_actuator", "port": "/dev/ttyACM0", "mcuChannels": [0], "safeState": { "value": 0 }, "channels": [ { "channel": "ch0", "neurons": ["paddle"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] }""",
        "records the last command of every channel and its safe state");

    /// <summary>The two bridge types differ only in role, fields and texts; channels, validation and simulation are shared.</summary>
    private static DeviceType Bridge(string name, DeviceRole role, string summary, DeviceField[] fields, string example, string simulator) => new()
    {
        Name = name,
        Role = role,
        Summary = summary,
        ChannelsOf = ChannelNames,
        ChannelsHelp = "ch0..ch{n−1} (or channelNames), one per mcuChannels entry",
        Fields = fields,
        Validate = ValidateDevice,
        ValidateTogether = ValidateLinks,
        Normalize = ShareLinkSettings,
        MissingCreatorMessage = NeedsProvider(name),
        Simulate = static (c, hw) => hw.AddDevice(c.Name, new SimulatedMcuChannels(c.Name, ChannelNames(c.Spec).Length, hw)),
        Example = example,
        Simulator = simulator,
    };

    /// <summary>Registers both types (idempotent). Call before parsing a map that names them.</summary>
    public static void Register()
    {
        DeviceTypes.Register(Sensor);
        DeviceTypes.Register(Actuator);
    }

#pragma warning disable CA2255 // The bridge's types register themselves when this assembly loads.
    [ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
#pragma warning restore CA2255

    public static bool IsBridge(string? type) => type is SensorType or ActuatorType;

    /// <summary>The MCU channel list of a bridge device.</summary>
    public static List<int>? McuChannels(DeviceSpec d) => d.GetIntList("mcuChannels");

    private static string NeedsProvider(string type) =>
        $"type '{type}' needs the firmware bridge's device provider (Ifm.FirmwareBridge.Devices.BridgeDeviceProvider, which `ifm run` registers)";

    /// <summary>The map channels: <c>channelNames</c> when it names one per MCU channel, else ch0, ch1, ….</summary>
    private static string[] ChannelNames(DeviceSpec d)
    {
        int n = Math.Clamp(McuChannels(d)?.Count ?? 0, 0, MaxChannels);
        var names = new string[n];
        for (int i = 0; i < n; i++) names[i] = $"ch{i}";
        if (d.Extra?.TryGetValue("channelNames", out JsonElement e) == true && e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == n)
        {
            int i = 0;
            foreach (JsonElement x in e.EnumerateArray())
            {
                if (x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString())) return names;
                names[i++] = x.GetString()!;
            }
        }

        return names;
    }

    private static void ValidateChannelNames(DeviceCheck c, int count)
    {
        if (c.Spec.Extra?.TryGetValue("channelNames", out JsonElement e) != true) return;
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != count)
        {
            c.Add("channelNames", $"one name per mcuChannels entry ({count}), got {(e.ValueKind == JsonValueKind.Array ? e.GetArrayLength().ToString(CultureInfo.InvariantCulture) : e.ValueKind.ToString())}");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        int k = 0;
        foreach (JsonElement x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(x.GetString())) c.Add($"channelNames[{k}]", "must be a non-empty string");
            else if (!seen.Add(x.GetString()!)) c.Add($"channelNames[{k}]", $"'{x.GetString()}' is listed twice");
            k++;
        }
    }

    private static void ValidateDevice(DeviceCheck c)
    {
        DeviceSpec d = c.Spec;
        bool actuator = d.Type == ActuatorType;
        if (string.IsNullOrWhiteSpace(d.Port))
        {
            c.Add("port", $"required for {d.Type}: the MCU's serial device (e.g. /dev/ttyACM0 or one end of a socat pty pair)");
        }

        string kind = actuator ? "actuator" : "sensor";
        List<int>? channels = McuChannels(d);
        if (channels is null || channels.Count == 0)
        {
            if (d.Extra?.ContainsKey("mcuChannels") != true || channels is not null)
            {
                c.Add("mcuChannels", $"required for {d.Type}: the MCU {kind} channel index behind each map channel ch0, ch1, … (e.g. [0, 1])");
            }
        }
        else if (channels.Count > MaxChannels)
        {
            c.Add("mcuChannels", $"at most {MaxChannels} channels (the protocol's limit), got {channels.Count}");
        }
        else
        {
            ValidateChannelNames(c, channels.Count);
            var seen = new HashSet<int>();
            for (int k = 0; k < channels.Count; k++)
            {
                int ch = channels[k];
                if (ch is < 0 || ch >= MaxChannels)
                {
                    c.Add($"mcuChannels[{k}]", $"MCU {kind} channel must be 0..{MaxChannels - 1}, got {ch}");
                }
                else if (!seen.Add(ch) && actuator)
                {
                    c.Add($"mcuChannels[{k}]", $"MCU actuator channel {ch} is listed twice");
                }
            }
        }

        c.Range(d.BaudRate, "baudRate", 300, 10_000_000);
        c.Range(d.GetInt("heartbeatTimeoutMs"), "heartbeatTimeoutMs", 100, 60_000, " (at least two 50 ms heartbeats)");
        c.Range(d.GetInt("sensorPeriodUs"), "sensorPeriodUs", 1, 60_000_000, " µs between sensor frames");
        c.Range(d.GetInt("linkStartTimeoutMs"), "linkStartTimeoutMs", 0, 600_000, " (0: start without the MCU)");
        if (actuator)
        {
            if (d.SafeState?.Mode is { } mode)
            {
                c.Add("safeState.mode", $"bridge_actuator takes safeState.value (the value of every channel), not a mode, got '{mode}'");
            }

            if (d.SafeState?.Value is { } v && !double.IsFinite(v))
            {
                c.Add("safeState.value", $"must be a finite number, got {v.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>
    /// Cross-device checks for devices that share a port (called once per type; the two types share the state
    /// through the spec list of each call, so checks between a sensor and an actuator of one port are done when the
    /// actuators are checked, against every bridge device of the map).
    /// </summary>
    private static void ValidateLinks(IReadOnlyList<(int Index, DeviceSpec Spec)> devices, List<string> errors)
    {
        var settings = new Dictionary<(string Port, string Field), (int Value, int Device)>();
        var actuatorChannels = new Dictionary<(string Port, int Channel), string>();
        foreach (var (i, d) in devices)
        {
            if (string.IsNullOrWhiteSpace(d.Port))
            {
                continue;
            }

            string at = $"devices[{i}]";
            Same(d.BaudRate, "baudRate");
            Same(d.GetInt("heartbeatTimeoutMs"), "heartbeatTimeoutMs");
            Same(d.GetInt("sensorPeriodUs"), "sensorPeriodUs");
            Same(d.GetInt("linkStartTimeoutMs"), "linkStartTimeoutMs");

            void Same(int? value, string field)
            {
                if (value is not { } v)
                {
                    return;
                }

                if (!settings.TryAdd((d.Port, field), (v, i)) && settings[(d.Port, field)] is var first && first.Value != v)
                {
                    errors.Add($"{at}.{field}: devices on port {d.Port} share one link, and devices[{first.Device}] sets {first.Value}; got {v}");
                }
            }

            if (d.Type == ActuatorType && McuChannels(d) is { } channels)
            {
                for (int k = 0; k < channels.Count; k++)
                {
                    if (!actuatorChannels.TryAdd((d.Port, channels[k]), $"devices[{i}].mcuChannels[{k}]")
                        && actuatorChannels[(d.Port, channels[k])] is { } other && !other.StartsWith(at + ".", StringComparison.Ordinal))
                    {
                        errors.Add($"{at}.mcuChannels[{k}]: MCU actuator channel {channels[k]} on {d.Port} is already driven by {other}");
                    }
                }
            }
        }
    }

    /// <summary>
    /// After validation: gives every bridge device of a port the link settings any of them set (or the defaults), so
    /// whichever device opens the link first opens it as the map says.
    /// </summary>
    private static void ShareLinkSettings(IReadOnlyList<DeviceSpec> ofOneType)
    {
        // Sensors and actuators of one port share the link: normalize over every bridge device of the map.
        IEnumerable<DeviceSpec> all = ofOneType;
        foreach (var port in all.GroupBy(d => d.Port!, StringComparer.Ordinal))
        {
            int baud = port.Select(d => d.BaudRate).FirstOrDefault(v => v is not null) ?? DefaultBaudRate;
            int heartbeat = port.Select(d => d.GetInt("heartbeatTimeoutMs")).FirstOrDefault(v => v is not null) ?? DefaultHeartbeatTimeoutMs;
            int period = port.Select(d => d.GetInt("sensorPeriodUs")).FirstOrDefault(v => v is not null) ?? DefaultSensorPeriodUs;
            int start = port.Select(d => d.GetInt("linkStartTimeoutMs")).FirstOrDefault(v => v is not null) ?? heartbeat;
            foreach (DeviceSpec d in port)
            {
                d.BaudRate = baud;
                d.SetInt("heartbeatTimeoutMs", heartbeat);
                d.SetInt("sensorPeriodUs", period);
                d.SetInt("linkStartTimeoutMs", start);
            }
        }
    }
}

/// <summary>
/// The simulator of a bridge device (<c>ifm run --simulate</c>): as a sensor each channel reads a slow sine in 0..1
/// of the simulated time; as an actuator it records the last command and whether it is in its safe state.
/// </summary>
public sealed class SimulatedMcuChannels(string name, int channels, SimulatedHardware hardware) : ISensor, IActuator
{
    private readonly float[] _last = new float[channels];

    public string Name { get; } = name;
    public int ChannelCount { get; } = channels;
    public ReadOnlySpan<float> Last => _last;
    public bool Safe { get; private set; } = true;

    public bool Read(Span<float> destination)
    {
        double t = hardware.SimClock.Peek / 1e9;
        for (int i = 0; i < ChannelCount; i++)
        {
            destination[i] = (float)(0.5 + (0.5 * Math.Sin((t * 0.7) + i)));
        }

        return true;
    }

    public void Write(ReadOnlySpan<float> command)
    {
        command.CopyTo(_last);
        Safe = false;
    }

    public void EnterSafeState() => Safe = true;

    public void Dispose()
    {
    }
}

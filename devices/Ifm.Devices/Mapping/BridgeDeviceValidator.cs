using System.Globalization;

namespace Ifm.Devices.Mapping;

/// <summary>
/// Checks the fields of <c>bridge_sensor</c> and <c>bridge_actuator</c> devices (firmware-bridge/PROTOCOL.md) and
/// what devices on one port share: one link, so one baud rate, heartbeat timeout and sensor period, and each MCU
/// actuator channel driven by one device only.
/// </summary>
internal static class BridgeDeviceValidator
{
    public const int DefaultBaudRate = 115200, DefaultHeartbeatTimeoutMs = 250, DefaultSensorPeriodUs = 10_000;

    public static bool IsBridge(string? type) => type is DeviceTypes.BridgeSensor or DeviceTypes.BridgeActuator;

    public static void ValidateDevice(DeviceSpec d, string at, List<string> errors)
    {
        bool actuator = d.Type == DeviceTypes.BridgeActuator;
        if (string.IsNullOrWhiteSpace(d.Port))
        {
            errors.Add($"{at}.port: required for {d.Type}: the MCU's serial device (e.g. /dev/ttyACM0 or one end of a socat pty pair)");
        }

        string kind = actuator ? "actuator" : "sensor";
        int max = DeviceTypes.MaxBridgeChannels;
        if (d.McuChannels is null || d.McuChannels.Count == 0)
        {
            errors.Add($"{at}.mcuChannels: required for {d.Type}: the MCU {kind} channel index behind each map channel ch0, ch1, … (e.g. [0, 1])");
        }
        else if (d.McuChannels.Count > max)
        {
            errors.Add($"{at}.mcuChannels: at most {max} channels (the protocol's limit), got {d.McuChannels.Count}");
        }
        else
        {
            var seen = new HashSet<int>();
            for (int k = 0; k < d.McuChannels.Count; k++)
            {
                int ch = d.McuChannels[k];
                if (ch is < 0 || ch >= max)
                {
                    errors.Add($"{at}.mcuChannels[{k}]: MCU {kind} channel must be 0..{max - 1}, got {ch}");
                }
                else if (!seen.Add(ch) && actuator)
                {
                    errors.Add($"{at}.mcuChannels[{k}]: MCU actuator channel {ch} is listed twice");
                }
            }
        }

        if (d.BaudRate is { } baud && baud is < 300 or > 10_000_000)
        {
            errors.Add($"{at}.baudRate: must be 300..10000000, got {baud}");
        }

        if (d.HeartbeatTimeoutMs is { } hb && hb is < 100 or > 60_000)
        {
            errors.Add($"{at}.heartbeatTimeoutMs: must be 100..60000 (at least two 50 ms heartbeats), got {hb}");
        }

        if (d.SensorPeriodUs is { } sp && sp is < 1 or > 60_000_000)
        {
            errors.Add($"{at}.sensorPeriodUs: must be 1..60000000 µs between sensor frames, got {sp}");
        }

        if (d.LinkStartTimeoutMs is { } ls && ls is < 0 or > 600_000)
        {
            errors.Add($"{at}.linkStartTimeoutMs: must be 0..600000 ms (0: start without the MCU), got {ls}");
        }

        if (actuator)
        {
            if (d.SafeState?.Mode is { } mode)
            {
                errors.Add($"{at}.safeState.mode: bridge_actuator takes safeState.value (the value of every channel), not a mode, got '{mode}'");
            }

            if (d.SafeState?.Value is { } v && !double.IsFinite(v))
            {
                errors.Add($"{at}.safeState.value: must be a finite number, got {v.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    /// <summary>
    /// Cross-device checks for devices that share a port. A link setting given on one device applies to the port;
    /// two devices giving different values is an error.
    /// </summary>
    public static void ValidateLinks(IReadOnlyList<DeviceSpec?> devices, List<string> errors)
    {
        var settings = new Dictionary<(string Port, string Field), (int Value, int Device)>();
        var actuatorChannels = new Dictionary<(string Port, int Channel), string>();
        for (int i = 0; i < devices.Count; i++)
        {
            DeviceSpec? d = devices[i];
            if (d is null || !IsBridge(d.Type) || string.IsNullOrWhiteSpace(d.Port))
            {
                continue;
            }

            string at = $"devices[{i}]";
            Same(d.BaudRate, "baudRate");
            Same(d.HeartbeatTimeoutMs, "heartbeatTimeoutMs");
            Same(d.SensorPeriodUs, "sensorPeriodUs");
            Same(d.LinkStartTimeoutMs, "linkStartTimeoutMs");

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

            if (d.Type == DeviceTypes.BridgeActuator && d.McuChannels is { } channels)
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
    /// After validation: gives every bridge device of a port the link settings any of them set (or the defaults),
    /// so whichever device opens the link first opens it as the map says.
    /// </summary>
    public static void ShareLinkSettings(DeviceMap map)
    {
        foreach (var port in map.Devices.Where(d => IsBridge(d.Type)).GroupBy(d => d.Port!, StringComparer.Ordinal))
        {
            int baud = port.Select(d => d.BaudRate).FirstOrDefault(v => v is not null) ?? DefaultBaudRate;
            int heartbeat = port.Select(d => d.HeartbeatTimeoutMs).FirstOrDefault(v => v is not null) ?? DefaultHeartbeatTimeoutMs;
            int period = port.Select(d => d.SensorPeriodUs).FirstOrDefault(v => v is not null) ?? DefaultSensorPeriodUs;
            int start = port.Select(d => d.LinkStartTimeoutMs).FirstOrDefault(v => v is not null) ?? heartbeat;
            foreach (DeviceSpec d in port)
            {
                (d.BaudRate, d.HeartbeatTimeoutMs, d.SensorPeriodUs, d.LinkStartTimeoutMs) = (baud, heartbeat, period, start);
            }
        }
    }
}

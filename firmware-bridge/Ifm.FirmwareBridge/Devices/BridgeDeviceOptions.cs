using Ifm.FirmwareBridge.Link;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>
/// One device in the device map backed by MCU channels. Devices naming the same <see cref="Port"/> share one link;
/// the first device's link settings (<see cref="BaudRate"/>, timeouts, sensor period) are the ones used.
/// </summary>
/// <param name="Name">Device name in the map.</param>
/// <param name="Port">Serial device path, e.g. /dev/ttyACM0 or one end of a socat pty pair.</param>
/// <param name="Channels">MCU channel indices (sensor or actuator channels, by device kind), in device order.</param>
public sealed record BridgeDeviceOptions(string Name, string Port, IReadOnlyList<int> Channels)
{
    public int BaudRate { get; init; } = 115200;

    /// <summary>Safe values per channel (actuators only); null uses the MCU's own safe values from HELLO.</summary>
    public IReadOnlyList<float>? SafeValues { get; init; }

    /// <summary>MCU-side heartbeat timeout and host-side link timeout.</summary>
    public int HeartbeatTimeoutMs { get; init; } = 250;

    public int HeartbeatIntervalMs { get; init; } = 50;

    public int SensorPeriodUs { get; init; } = 10_000;

    /// <summary>
    /// How long creating the first device of a port waits for the MCU's valid HELLO; without one creation fails
    /// (no device runs against a peer that never identified itself). 0, the default here, does not wait: the link
    /// comes up in the background and reads are stale and actuators safe until then. Device maps default to the
    /// heartbeat timeout.
    /// </summary>
    public int LinkStartTimeoutMs { get; init; }

    internal BridgeOptions ToLinkOptions() => new()
    {
        BaudRate = BaudRate,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
        LinkTimeoutMs = HeartbeatTimeoutMs,
        McuHeartbeatTimeoutMs = HeartbeatTimeoutMs,
        SensorPeriodUs = SensorPeriodUs,
    };

    internal int[] ValidatedChannels(int max, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Name);
        ArgumentException.ThrowIfNullOrWhiteSpace(Port);
        if (Channels is null || Channels.Count == 0)
        {
            throw new ArgumentException($"bridge device '{Name}' needs at least one channel");
        }

        var result = new int[Channels.Count];
        for (int i = 0; i < result.Length; i++)
        {
            int ch = Channels[i];
            if (ch < 0 || ch >= max)
            {
                throw new ArgumentException($"bridge device '{Name}': {what} channel {ch} is outside 0..{max - 1}");
            }

            result[i] = ch;
        }

        return result;
    }
}

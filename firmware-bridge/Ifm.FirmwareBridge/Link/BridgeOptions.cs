namespace Ifm.FirmwareBridge.Link;

/// <summary>Timing of the link (PROTOCOL.md §5). Defaults suit 115200 baud and a 50-100 Hz control loop.</summary>
public sealed record BridgeOptions
{
    /// <summary>Serial baud rate (ignored on pseudo-terminals).</summary>
    public int BaudRate { get; init; } = 115200;

    /// <summary>
    /// Use System.IO.Ports' <c>SerialPort</c> instead of the built-in libc tty transport. The libc transport (Linux
    /// only, the default there) allocates nothing per read; SerialPort is used on other systems regardless.
    /// </summary>
    public bool UseSystemIOPorts { get; init; }

    /// <summary>How often the host sends HEARTBEAT.</summary>
    public int HeartbeatIntervalMs { get; init; } = 50;

    /// <summary>Silence from the MCU after which the host declares the link lost.</summary>
    public int LinkTimeoutMs { get; init; } = 250;

    /// <summary>Silence from the host after which the MCU drives its actuators safe (sent as CONFIG).</summary>
    public int McuHeartbeatTimeoutMs { get; init; } = 250;

    /// <summary>Sensor stream period requested from the MCU (sent as CONFIG); 0 stops the stream.</summary>
    public int SensorPeriodUs { get; init; } = 10_000;

    /// <summary>An unacknowledged ACTUATE or CONFIG is sent again after this long.</summary>
    public int RetransmitTimeoutMs { get; init; } = 40;

    /// <summary>A CONFIG is given up after this many retransmissions (the latest ACTUATE never is).</summary>
    public int MaxConfigRetries { get; init; } = 10;

    /// <summary>Delay between attempts to reopen a port that is gone.</summary>
    public int ReconnectIntervalMs { get; init; } = 100;

    /// <summary>How often HELLO is requested until the MCU answers.</summary>
    public int HelloIntervalMs { get; init; } = 200;

    /// <summary>Throws when a value is out of range, naming it.</summary>
    public void Validate()
    {
        Check(BaudRate, 300, 10_000_000, nameof(BaudRate));
        Check(HeartbeatIntervalMs, 5, 10_000, nameof(HeartbeatIntervalMs));
        Check(LinkTimeoutMs, 2 * HeartbeatIntervalMs, 60_000, nameof(LinkTimeoutMs));
        Check(McuHeartbeatTimeoutMs, Math.Max(20, 2 * HeartbeatIntervalMs), 60_000, nameof(McuHeartbeatTimeoutMs));
        Check(SensorPeriodUs, 0, 60_000_000, nameof(SensorPeriodUs));
        Check(RetransmitTimeoutMs, 1, 10_000, nameof(RetransmitTimeoutMs));
        Check(MaxConfigRetries, 0, 1000, nameof(MaxConfigRetries));
        Check(ReconnectIntervalMs, 1, 60_000, nameof(ReconnectIntervalMs));
        Check(HelloIntervalMs, 10, 60_000, nameof(HelloIntervalMs));
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}]");
        }
    }
}

namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Frame types of protocol version 1 (PROTOCOL.md §3).</summary>
public enum MessageType : byte
{
    Hello = 0x01,
    Sensor = 0x02,
    Actuate = 0x03,
    Heartbeat = 0x04,
    Config = 0x05,
    Ack = 0x06,
    Nak = 0x07,
    Reset = 0x08,
}

/// <summary>CONFIG keys.</summary>
public enum ConfigKey : byte
{
    SensorPeriodMicroseconds = 0x01,
    HeartbeatTimeoutMilliseconds = 0x02,
    SafeValue = 0x03,
}

/// <summary>Why the MCU rejected a well-formed frame.</summary>
public enum NakReason : byte
{
    UnknownType = 1,
    BadLength = 2,
    BadChannel = 3,
    BadValue = 4,
    BadKey = 5,
}

/// <summary>What a channel measures or drives (advisory: units are the device's own).</summary>
public enum ChannelKind : byte
{
    Analog = 0,
    Digital = 1,
    Position = 2,
    Velocity = 3,
    Counter = 4,
    Duty = 5,
}

namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Sizes and limits shared with the C implementation (firmware/src/ifm_proto.h).</summary>
public static class ProtocolConstants
{
    public const byte Version = 1;
    public const int HeaderSize = 6;
    public const int CrcSize = 4;
    public const int MaxPayload = 192;
    public const int MinFrame = HeaderSize + CrcSize;
    public const int MaxFrame = HeaderSize + MaxPayload + CrcSize;

    /// <summary>COBS of the largest frame plus the 0x00 delimiter.</summary>
    public const int MaxWire = MaxFrame + MaxFrame / 254 + 1 + 1;

    public const int MaxSensors = 8;
    public const int MaxActuators = 8;

    /// <summary>MCU heartbeat flag: its actuators are at their safe values.</summary>
    public const byte HeartbeatFlagSafe = 0x01;

    /// <summary>Sequence numbers run 1..65535; 0 means "none" in the ack field.</summary>
    public static ushort NextSequence(ushort seq) => seq == ushort.MaxValue ? (ushort)1 : (ushort)(seq + 1);
}

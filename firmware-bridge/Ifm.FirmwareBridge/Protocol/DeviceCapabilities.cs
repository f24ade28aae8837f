using System.Buffers.Binary;

namespace Ifm.FirmwareBridge.Protocol;

/// <summary>A sensor channel as the MCU describes it in HELLO.</summary>
public readonly record struct SensorChannelInfo(ChannelKind Kind, float Min, float Max);

/// <summary>An actuator channel as the MCU describes it in HELLO.</summary>
public readonly record struct ActuatorChannelInfo(ChannelKind Kind, float Min, float Max, float SafeValue);

/// <summary>The MCU's HELLO: firmware version, boot id and channel descriptions.</summary>
public sealed record DeviceCapabilities(
    Version FirmwareVersion,
    uint BootId,
    IReadOnlyList<SensorChannelInfo> Sensors,
    IReadOnlyList<ActuatorChannelInfo> Actuators)
{
    /// <summary>Parses a HELLO payload from the MCU.</summary>
    /// <returns><see langword="null"/> with <paramref name="error"/> set when the payload is malformed.</returns>
    public static DeviceCapabilities? TryParse(ReadOnlySpan<byte> p, out string? error)
    {
        error = null;
        if (p.Length < 9)
        {
            error = $"HELLO payload of {p.Length} bytes is shorter than its 9-byte header";
            return null;
        }

        int sensors = p[7];
        int actuators = p[8];
        if (sensors > ProtocolConstants.MaxSensors || actuators > ProtocolConstants.MaxActuators)
        {
            error = $"HELLO announces {sensors} sensors and {actuators} actuators (at most {ProtocolConstants.MaxSensors} and {ProtocolConstants.MaxActuators})";
            return null;
        }

        int expected = 9 + 9 * sensors + 13 * actuators;
        if (p.Length != expected)
        {
            error = $"HELLO payload is {p.Length} bytes, expected {expected} for {sensors} sensors and {actuators} actuators";
            return null;
        }

        var s = new SensorChannelInfo[sensors];
        int at = 9;
        for (int i = 0; i < sensors; i++, at += 9)
        {
            s[i] = new SensorChannelInfo((ChannelKind)p[at], F32(p[(at + 1)..]), F32(p[(at + 5)..]));
        }

        var a = new ActuatorChannelInfo[actuators];
        for (int i = 0; i < actuators; i++, at += 13)
        {
            a[i] = new ActuatorChannelInfo((ChannelKind)p[at], F32(p[(at + 1)..]), F32(p[(at + 5)..]), F32(p[(at + 9)..]));
        }

        return new DeviceCapabilities(new Version(p[0], p[1], p[2]), BinaryPrimitives.ReadUInt32LittleEndian(p[3..]), s, a);
    }

    private static float F32(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadSingleLittleEndian(b);
}

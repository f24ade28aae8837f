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
    /// <summary>Parses and validates a HELLO payload from the MCU.</summary>
    /// <remarks>A HELLO is refused (and the link does not come up) when its length does not match its channel counts,
    /// a channel kind is unknown, a range bound is not finite or the range is inverted, or an actuator's safe value is
    /// not a finite number inside its range: the host would otherwise command a value the MCU cannot apply as safe.</remarks>
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
            if (ChannelProblem(s[i].Kind, s[i].Min, s[i].Max) is { } problem)
            {
                error = $"HELLO sensor channel {i}: {problem}";
                return null;
            }
        }

        var a = new ActuatorChannelInfo[actuators];
        for (int i = 0; i < actuators; i++, at += 13)
        {
            a[i] = new ActuatorChannelInfo((ChannelKind)p[at], F32(p[(at + 1)..]), F32(p[(at + 5)..]), F32(p[(at + 9)..]));
            string? problem = ChannelProblem(a[i].Kind, a[i].Min, a[i].Max);
            if (problem is null && !(float.IsFinite(a[i].SafeValue) && a[i].SafeValue >= a[i].Min && a[i].SafeValue <= a[i].Max))
            {
                problem = $"safe value {Text(a[i].SafeValue)} is not a finite number in its range [{Text(a[i].Min)}, {Text(a[i].Max)}]";
            }

            if (problem is not null)
            {
                error = $"HELLO actuator channel {i}: {problem}";
                return null;
            }
        }

        return new DeviceCapabilities(new Version(p[0], p[1], p[2]), BinaryPrimitives.ReadUInt32LittleEndian(p[3..]), s, a);
    }

    private static float F32(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadSingleLittleEndian(b);

    private static string? ChannelProblem(ChannelKind kind, float min, float max)
    {
        if ((byte)kind > (byte)ChannelKind.Duty)
        {
            return $"unknown channel kind {(byte)kind} (known: 0..{(byte)ChannelKind.Duty})";
        }

        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
        {
            return $"range [{Text(min)}, {Text(max)}] is not a finite, ordered pair";
        }

        return null;
    }

    private static string Text(float v) => v.ToString("G9", System.Globalization.CultureInfo.InvariantCulture);
}

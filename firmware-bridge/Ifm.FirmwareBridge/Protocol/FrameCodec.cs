using System.Buffers.Binary;
using System.IO.Hashing;

namespace Ifm.FirmwareBridge.Protocol;

/// <summary>Builds wire frames: header, payload, CRC-32 (LE), COBS, 0x00 delimiter.</summary>
public static class FrameCodec
{
    /// <summary>Encodes one frame into <paramref name="wire"/> (at least <see cref="ProtocolConstants.MaxWire"/> bytes).</summary>
    /// <returns>The number of wire bytes.</returns>
    /// <exception cref="ArgumentException">The payload is longer than <see cref="ProtocolConstants.MaxPayload"/> or the buffer is too small.</exception>
    public static int Encode(MessageType type, ushort seq, ushort ack, ReadOnlySpan<byte> payload, Span<byte> wire)
    {
        if (payload.Length > ProtocolConstants.MaxPayload)
        {
            ThrowPayloadTooLong(payload.Length);
        }

        Span<byte> frame = stackalloc byte[ProtocolConstants.MaxFrame];
        frame[0] = ProtocolConstants.Version;
        frame[1] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(frame[2..], seq);
        BinaryPrimitives.WriteUInt16LittleEndian(frame[4..], ack);
        payload.CopyTo(frame[ProtocolConstants.HeaderSize..]);
        int n = ProtocolConstants.HeaderSize + payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[n..], Crc32.HashToUInt32(frame[..n]));
        n += ProtocolConstants.CrcSize;

        int encoded = Cobs.Encode(frame[..n], wire[..Math.Max(0, wire.Length - 1)]);
        if (encoded < 0)
        {
            ThrowBufferTooSmall(wire.Length);
        }

        wire[encoded] = 0;
        return encoded + 1;
    }

    private static void ThrowPayloadTooLong(int length) =>
        throw new ArgumentException($"payload of {length} bytes exceeds the protocol maximum of {ProtocolConstants.MaxPayload}", "payload");

    private static void ThrowBufferTooSmall(int length) =>
        throw new ArgumentException($"wire buffer of {length} bytes is too small (need {ProtocolConstants.MaxWire})", "wire");
}

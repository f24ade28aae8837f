using System.Buffers.Binary;
using System.IO.Hashing;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

public class GoldenVectorTests
{
    [Fact]
    public void Crc32_is_ieee_802_3()
    {
        Assert.Equal(0xCBF43926u, Crc32.HashToUInt32("123456789"u8));
    }

    [Fact]
    public void There_are_vectors_for_every_message_type()
    {
        var types = GoldenVectors.Load().Select(v => (MessageType)v.Decoded[1]).ToHashSet();
        foreach (MessageType t in Enum.GetValues<MessageType>())
        {
            Assert.Contains(t, types);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenVectors.Names), MemberType = typeof(GoldenVectors))]
    public void Encoder_reproduces_the_wire_bytes(string name)
    {
        GoldenVector v = GoldenVectors.Load().Single(x => x.Name == name);
        ushort seq = BinaryPrimitives.ReadUInt16LittleEndian(v.Decoded.AsSpan(2));
        ushort ack = BinaryPrimitives.ReadUInt16LittleEndian(v.Decoded.AsSpan(4));
        byte[] wire = new byte[ProtocolConstants.MaxWire];
        int n = FrameCodec.Encode((MessageType)v.Decoded[1], seq, ack,
            v.Decoded.AsSpan(ProtocolConstants.HeaderSize, v.Decoded.Length - ProtocolConstants.MinFrame), wire);
        Assert.Equal(Convert.ToHexString(v.Wire), Convert.ToHexString(wire, 0, n));
    }

    [Theory]
    [MemberData(nameof(GoldenVectors.Names), MemberType = typeof(GoldenVectors))]
    public void Parser_accepts_exactly_one_frame_with_the_right_fields(string name)
    {
        GoldenVector v = GoldenVectors.Load().Single(x => x.Name == name);
        var parser = new FrameParser();
        int frames = 0;
        for (int i = 0; i < v.Wire.Length; i++)
        {
            ParseResult r = parser.Push(v.Wire[i]);
            if (r == ParseResult.Frame)
            {
                frames++;
                Assert.Equal(v.Wire.Length - 1, i);
                Assert.Equal(v.Decoded[1], (byte)parser.Type);
                Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(v.Decoded.AsSpan(2)), parser.Sequence);
                Assert.Equal(BinaryPrimitives.ReadUInt16LittleEndian(v.Decoded.AsSpan(4)), parser.Ack);
                Assert.Equal(v.Decoded.AsSpan(ProtocolConstants.HeaderSize, v.Decoded.Length - ProtocolConstants.MinFrame).ToArray(), parser.Payload.ToArray());
            }
            else
            {
                Assert.Equal(ParseResult.None, r);
            }
        }

        Assert.Equal(1, frames);
        byte[] decoded = new byte[ProtocolConstants.MaxFrame];
        int d = Cobs.Decode(v.Wire.AsSpan(0, v.Wire.Length - 1), decoded);
        Assert.Equal(v.Decoded, decoded.AsSpan(0, d).ToArray());
    }

    [Fact]
    public void Protocol_document_lists_the_same_vectors()
    {
        string doc = File.ReadAllText(Path.Combine(RepoPaths.FirmwareBridge, "PROTOCOL.md"));
        foreach (GoldenVector v in GoldenVectors.Load())
        {
            Assert.Contains(Convert.ToHexString(v.Wire).ToLowerInvariant(), doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hello_vector_parses_into_capabilities()
    {
        GoldenVector v = GoldenVectors.Load().Single(x => x.Name == "hello_pong");
        var caps = DeviceCapabilities.TryParse(v.Decoded.AsSpan(ProtocolConstants.HeaderSize, v.Decoded.Length - ProtocolConstants.MinFrame), out string? error);
        Assert.Null(error);
        Assert.NotNull(caps);
        Assert.Equal(new Version(1, 2, 3), caps.FirmwareVersion);
        Assert.Equal(0xC0FFEE01u, caps.BootId);
        Assert.Equal(2, caps.Sensors.Count);
        Assert.Equal(new SensorChannelInfo(ChannelKind.Velocity, -1f, 1f), caps.Sensors[1]);
        Assert.Equal(new ActuatorChannelInfo(ChannelKind.Velocity, -1f, 1f, 0f), caps.Actuators[0]);
    }
}

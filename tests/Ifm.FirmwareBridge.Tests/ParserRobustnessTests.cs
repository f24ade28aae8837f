using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

public class ParserRobustnessTests
{
    [Fact]
    public void Random_truncated_bitflipped_and_oversize_input_never_yields_a_corrupt_frame()
    {
        const int iterations = 150_000;
        var rng = new Random(20261123);
        var parser = new FrameParser();
        byte[] wire = new byte[ProtocolConstants.MaxWire];
        byte[] bad = new byte[4 * ProtocolConstants.MaxWire];
        byte[] payload = new byte[ProtocolConstants.MaxPayload];
        int[] kinds = new int[5];
        long accepted = 0;

        for (int it = 0; it < iterations; it++)
        {
            var type = (MessageType)rng.Next(1, 9);
            ushort seq = (ushort)rng.Next(1, 65536);
            int plen = rng.Next(ProtocolConstants.MaxPayload + 1);
            for (int i = 0; i < plen; i++)
            {
                payload[i] = rng.Next(4) == 0 ? (byte)0 : (byte)rng.Next(256);
            }

            int wn = FrameCodec.Encode(type, seq, (ushort)~seq, payload.AsSpan(0, plen), wire);
            int kind = rng.Next(5);
            kinds[kind]++;
            int n = 0;
            switch (kind)
            {
                case 0:
                    n = rng.Next(bad.Length);
                    rng.NextBytes(bad.AsSpan(0, n));
                    break;
                case 1:
                    n = rng.Next(wn - 1);
                    wire.AsSpan(0, n).CopyTo(bad);
                    bad[n++] = 0;
                    break;
                case 2:
                    wire.AsSpan(0, wn).CopyTo(bad);
                    n = wn;
                    for (int k = rng.Next(1, 5); k > 0; k--)
                    {
                        bad[rng.Next(wn - 1)] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                case 3:
                    n = ProtocolConstants.MaxWire + 1 + rng.Next(bad.Length - ProtocolConstants.MaxWire - 2);
                    for (int i = 0; i < n; i++)
                    {
                        bad[i] = (byte)rng.Next(1, 256);
                    }

                    bad[n++] = 0;
                    break;
            }

            if (kind != 4)
            {
                bool identical = kind == 2 && bad.AsSpan(0, n).SequenceEqual(wire.AsSpan(0, wn));
                for (int i = 0; i < n; i++)
                {
                    if (parser.Push(bad[i]) == ParseResult.Frame)
                    {
                        Assert.True(identical, $"iteration {it}: corrupt input (kind {kind}) accepted as a frame");
                        accepted++;
                    }
                }

                if (n > 0 && bad[n - 1] != 0)
                {
                    parser.Push(0); // the delimiter a sender writes when it (re)opens the port
                }
            }

            int got = 0;
            for (int i = 0; i < wn; i++)
            {
                if (parser.Push(wire[i]) == ParseResult.Frame)
                {
                    got++;
                    accepted++;
                    Assert.Equal(type, parser.Type);
                    Assert.Equal(seq, parser.Sequence);
                    Assert.Equal((ushort)~seq, parser.Ack);
                    Assert.True(parser.Payload.SequenceEqual(payload.AsSpan(0, plen)));
                }
            }

            Assert.True(got == 1, $"iteration {it}: good frame after kind {kind} input not accepted");
        }

        Assert.True(kinds[0] + kinds[1] + kinds[2] + kinds[3] >= 100_000);
        Assert.True(parser.Oversize >= kinds[3]);
        Assert.True(parser.Resyncs > 0);
        Assert.True(accepted >= iterations);
    }

    [Fact]
    public void Client_survives_garbage_and_counts_it()
    {
        using var client = new BridgeClient(() => throw new IOException("no port in this test"));
        var rng = new Random(7);
        byte[] junk = new byte[100_000];
        rng.NextBytes(junk);
        client.ProcessReceived(junk, 0);

        byte[] wire = new byte[ProtocolConstants.MaxWire];
        int n = FrameCodec.Encode(MessageType.Sensor, 5, 0, [1, 0, 0, 0, 0, 1, 0, 0, 128, 63], wire);
        client.ProcessReceived([0], 0);
        client.ProcessReceived(wire.AsSpan(0, n), 0);

        Assert.Equal(1, client.SampleCount);
        Assert.True(client.Counters.CrcErrorCount + client.Counters.FramingErrorCount > 0);
        Assert.True(client.Counters.ResyncCount >= 1);
    }

    [Fact]
    public void Cobs_decode_rejects_malformed_input_without_throwing()
    {
        byte[] dst = new byte[16];
        Assert.Equal(-1, Cobs.Decode([5, 1, 2], dst));        // block runs past the end
        Assert.Equal(-1, Cobs.Decode([3, 1, 0], dst));        // zero inside a block
        Assert.Equal(-1, Cobs.Decode(new byte[40].AsSpan().ToArray().Select(_ => (byte)40).ToArray(), dst)); // too long
        Assert.Equal(2, Cobs.Decode([3, 1, 2], dst));
    }
}

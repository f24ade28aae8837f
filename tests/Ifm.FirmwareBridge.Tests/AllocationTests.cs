using System.Buffers.Binary;
using System.Diagnostics;
using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Tests;

public class AllocationTests
{
    [Fact]
    public void Receive_path_allocates_nothing_per_frame_in_steady_state()
    {
        const int frames = 30_000;
        var stream = new MemoryStream();
        byte[] wire = new byte[ProtocolConstants.MaxWire];
        byte[] payload = new byte[6 + 4 * 7];
        ushort seq = 1;
        for (int i = 0; i < frames; i++)
        {
            int n;
            if (i % 10 == 9)
            {
                n = FrameCodec.Encode(MessageType.Heartbeat, seq, 0, [1, 2, 3, 4, 0], wire);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)i);
                payload[4] = 0;
                payload[5] = 7;
                for (int c = 0; c < 7; c++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(6 + 4 * c), i * 0.001f + c);
                }

                n = FrameCodec.Encode(MessageType.Sensor, seq, 0, payload, wire);
            }

            stream.Write(wire, 0, n);
            seq = ProtocolConstants.NextSequence(seq);
        }

        stream.Position = 0;
        using var client = new BridgeClient(() => throw new IOException("not used"));
        byte[] buffer = new byte[512];
        Span<float> values = stackalloc float[7];
        int[] channels = [0, 1, 2, 3, 4, 5, 6];
        long lastSample = 0;

        // Warm-up: JIT, static initialisation, first lock use.
        Pump(stream, client, buffer, stream.Length / 4);
        client.ReadSensors(channels, values, ref lastSample);

        long before = GC.GetAllocatedBytesForCurrentThread();
        long received = Pump(stream, client, buffer, long.MaxValue);
        client.ReadSensors(channels, values, ref lastSample);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(received > 0);
        Assert.Equal(frames, client.Counters.FramesOkCount);
        Assert.Equal(0, client.Counters.GapCount);
        Assert.Equal(frames - frames / 10, client.SampleCount);
        Assert.Equal(6f + (frames - 2) * 0.001f, values[6], 3);
        Assert.Equal(0, allocated);
    }

    private static long Pump(Stream stream, BridgeClient client, byte[] buffer, long limit)
    {
        long total = 0;
        int n;
        while (total < limit && (n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            client.ProcessReceived(buffer.AsSpan(0, n), Stopwatch.GetTimestamp());
            total += n;
        }

        return total;
    }
}

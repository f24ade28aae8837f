using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// Seeded mutation fuzzing of the host's receive path from the kept corpus (<c>firmware/tests/corpus/frame</c>, shared
/// with the C harness): the parser alone, and the client's dispatch of what it parses (HELLO validation, sensor
/// frames, ACK/NAK, heartbeats). Inputs whose first byte is odd are lists of decoded frames that are sealed with a
/// correct CRC first, so mutations reach the payload handling. Nothing may throw; every accepted frame re-encodes to
/// itself; a HELLO is only accepted when it is valid. A failing input is written to the test's output directory
/// (crash-frame-*.bin): add it to the corpus.
/// </summary>
public sealed class FrameMutationFuzzTests(ITestOutputHelper output)
{
    private const int Iterations = 100_000;
    private const int Seed = 20261207;

    [Fact]
    public void Mutated_corpus_inputs_never_throw_or_yield_a_frame_that_does_not_round_trip()
    {
        string dir = Path.Combine(RepoPaths.FirmwareBridge, "firmware", "tests", "corpus", "frame");
        byte[][] corpus = Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToArray();
        Assert.True(corpus.Length >= 10, $"corpus {dir} has {corpus.Length} inputs");

        var rng = new Random(Seed);
        var buffer = new List<byte>(4096);
        long frames = 0, hellos = 0;
        using var client = new BridgeClient(() => throw new IOException("no port in this test"));
        for (int it = -corpus.Length; it < Iterations; it++)
        {
            buffer.Clear();
            buffer.AddRange(corpus[it < 0 ? it + corpus.Length : rng.Next(corpus.Length)]);
            if (it >= 0)
            {
                Mutate(buffer, rng, corpus);
            }

            byte[] input = [.. buffer];
            try
            {
                (long f, long h) = RunOne(input, client);
                frames += f;
                hellos += h;
            }
            catch (Exception e)
            {
                string path = Path.Combine(AppContext.BaseDirectory, $"crash-frame-{it}.bin");
                File.WriteAllBytes(path, input);
                throw new InvalidOperationException($"iteration {it}: {e.GetType().Name}: {e.Message} (input saved to {path})", e);
            }
        }

        output.WriteLine($"{corpus.Length} corpus inputs, {Iterations} mutated inputs (seed {Seed}): {frames} frames accepted, {hellos} valid HELLOs");
        Assert.True(frames > Iterations / 10, $"only {frames} frames accepted: the mutations no longer reach the dispatch");
    }

    private static (long Frames, long Hellos) RunOne(byte[] input, BridgeClient client)
    {
        if (input.Length == 0)
        {
            return (0, 0);
        }

        byte[] bytes = (input[0] & 1) != 0 ? Seal(input.AsSpan(1)) : input[1..];
        var parser = new FrameParser();
        byte[] wire = new byte[ProtocolConstants.MaxWire];
        long frames = 0, hellos = 0;
        foreach (byte b in bytes)
        {
            if (parser.Push(b) != ParseResult.Frame)
            {
                continue;
            }

            frames++;
            Assert.InRange(parser.Payload.Length, 0, ProtocolConstants.MaxPayload);
            var back = new FrameParser();
            int n = FrameCodec.Encode(parser.Type, parser.Sequence, parser.Ack, parser.Payload, wire);
            int again = 0;
            for (int k = 0; k < n; k++)
            {
                if (back.Push(wire[k]) == ParseResult.Frame)
                {
                    again++;
                    Assert.True(back.Type == parser.Type && back.Sequence == parser.Sequence && back.Ack == parser.Ack);
                    Assert.True(back.Payload.SequenceEqual(parser.Payload));
                }
            }

            Assert.Equal(1, again);
            if (parser.Type == MessageType.Hello && DeviceCapabilities.TryParse(parser.Payload, out _) is { } caps)
            {
                hellos++;
                Assert.All(caps.Actuators, a => Assert.True(float.IsFinite(a.SafeValue) && a.SafeValue >= a.Min && a.SafeValue <= a.Max));
            }
        }

        // The client's receive path on the same bytes (HELLO, SENSOR, ACK/NAK, heartbeat dispatch).
        client.ProcessReceived([0], 0);
        client.ProcessReceived(bytes, 0);
        if (client.Capabilities is { } c)
        {
            Assert.All(c.Actuators, a => Assert.True(float.IsFinite(a.SafeValue)));
        }

        return (frames, hellos);
    }

    /// <summary>A list of (length, header + payload) records, each sealed as a frame with a correct CRC.</summary>
    private static byte[] Seal(ReadOnlySpan<byte> records)
    {
        var wire = new List<byte>();
        byte[] frame = new byte[ProtocolConstants.MaxWire];
        int at = 0;
        while (at < records.Length)
        {
            int n = Math.Min(records[at++], records.Length - at);
            if (n >= ProtocolConstants.HeaderSize)
            {
                ReadOnlySpan<byte> r = records.Slice(at, n);
                int plen = Math.Min(n - ProtocolConstants.HeaderSize, ProtocolConstants.MaxPayload);
                int w = FrameCodec.Encode((MessageType)r[1], (ushort)(r[2] | r[3] << 8), (ushort)(r[4] | r[5] << 8), r.Slice(6, plen), frame);
                wire.AddRange(frame.AsSpan(0, w));
            }

            at += n;
        }

        return [.. wire];
    }

    private static void Mutate(List<byte> b, Random rng, byte[][] corpus)
    {
        int rounds = rng.Next(1, 7);
        for (int r = 0; r < rounds; r++)
        {
            int at = b.Count == 0 ? 0 : rng.Next(b.Count);
            switch (rng.Next(8))
            {
                case 0 when b.Count > 0:
                    b[at] ^= (byte)(1 << rng.Next(8));
                    break;
                case 1 when b.Count > 0:
                    b[at] = (byte)rng.Next(256);
                    break;
                case 2 when b.Count > 0:
                    b[at] = (byte)(rng.Next(8) switch { 0 => 0x00, 1 => 0x01, 2 => 0x7F, 3 => 0x80, 4 => 0xFF, 5 => 0xFE, 6 => 0xC0, _ => 0x06 });
                    break;
                case 3:
                    for (int k = rng.Next(1, 17); k > 0; k--) b.Insert(at, (byte)rng.Next(256));
                    break;
                case 4 when b.Count > 1:
                    b.RemoveRange(at, Math.Min(rng.Next(1, 17), b.Count - at));
                    break;
                case 5:
                    byte[] other = corpus[rng.Next(corpus.Length)];
                    int from = rng.Next(other.Length);
                    b.InsertRange(at, other.AsSpan(from, rng.Next(1, other.Length - from + 1)).ToArray());
                    break;
                case 6 when b.Count > 0 && b.Count < 2048:
                    b.InsertRange(at, b.GetRange(at, rng.Next(1, b.Count - at + 1)));
                    break;
                case 7 when b.Count < 3800:
                    for (int k = rng.Next(200, 300); k > 0; k--) b.Insert(at, (byte)rng.Next(1, 256));
                    break;
                default:
                    break;
            }
        }
    }
}

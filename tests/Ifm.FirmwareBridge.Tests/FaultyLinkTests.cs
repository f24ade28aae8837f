using System.Diagnostics.Metrics;
using Ifm.FirmwareBridge.Devices;
using Ifm.FirmwareBridge.Link;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// The real C virtual MCU over pipes, with bit errors injected in both directions: the host counts CRC errors,
/// resyncs and gaps, retransmits unacknowledged commands, and every command still arrives.
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class FaultyLinkTests(VirtualMcuBuild build)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    [Fact]
    public void Corrupted_bytes_are_counted_resynchronised_and_commands_retransmitted()
    {
        using var mcu = new VirtualMcuProcess(build.McuPath, "-", "pong", redirectStdin: true);
        var pipes = new DuplexStream(mcu.Process.StandardOutput.BaseStream, mcu.Process.StandardInput.BaseStream);
        var faulty = new FaultyStream(pipes, corruptEveryNthRead: 301, corruptEveryNthWrite: 37);
        int opened = 0;
        var options = new BridgeOptions { LinkTimeoutMs = 2000, McuHeartbeatTimeoutMs = 2000 };
        using var client = new BridgeClient(() => Interlocked.Increment(ref opened) == 1 ? faulty : throw new IOException("gone"), options, "faulty-pipe");

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BridgeCounters.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "port", Value: "faulty-pipe" })
                {
                    seen[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        client.Start();
        Assert.True(client.WaitForLink(Long), $"no link through the faulty pipe: {client.LastError}");
        using var paddle = new BridgeActuator("paddle", client, [0]);

        // Commands slower than the retransmission timeout, so a lost one is sent again rather than superseded.
        for (int i = 0; i < 40; i++)
        {
            paddle.Write([(i % 5 - 2) / 4f]);
            Thread.Sleep(60);
        }

        paddle.Write([0.375f]);
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("STATUS", StringComparison.Ordinal) && l.Contains("act0=0.3750", StringComparison.Ordinal), Long));

        BridgeCounters c = client.Counters;
        Assert.True(c.CrcErrorCount + c.FramingErrorCount > 0, c.ToString());
        Assert.True(c.ResyncCount > 0, c.ToString());
        Assert.True(c.GapCount > 0, c.ToString());
        Assert.True(c.RetransmitCount > 0, c.ToString());
        Assert.Equal(0, c.LinkLossCount);
        Assert.Equal(LinkState.Up, client.State);

        // The link is still running (and the pipe still corrupting), so the counters may move while they are read:
        // the metrics must lie between a read before and a read after.
        long resyncsBefore = c.ResyncCount, retransmitsBefore = c.RetransmitCount;
        listener.RecordObservableInstruments();
        Assert.InRange(seen["ifm.bridge.resyncs"], resyncsBefore, client.Counters.ResyncCount);
        Assert.InRange(seen["ifm.bridge.retransmits"], retransmitsBefore, client.Counters.RetransmitCount);
        Assert.True(seen["ifm.bridge.frames_ok"] > 0);
        Assert.True(seen.ContainsKey("ifm.bridge.reconnects") && seen.ContainsKey("ifm.bridge.gaps") && seen.ContainsKey("ifm.bridge.crc_errors"));
    }

    /// <summary>Flips one bit in every n-th byte passing through, in each direction.</summary>
    private sealed class FaultyStream(Stream inner, int corruptEveryNthRead, int corruptEveryNthWrite) : Stream
    {
        private long _read;
        private long _written;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = inner.Read(buffer, offset, count);
            for (int i = 0; i < n; i++)
            {
                if (++_read % corruptEveryNthRead == 0)
                {
                    buffer[offset + i] ^= 0x10;
                }
            }

            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            byte[] copy = buffer.AsSpan(offset, count).ToArray();
            for (int i = 0; i < copy.Length; i++)
            {
                if (++_written % corruptEveryNthWrite == 0)
                {
                    copy[i] ^= 0x10;
                }
            }

            inner.Write(copy, 0, copy.Length);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

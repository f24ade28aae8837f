using System.Diagnostics;
using System.Globalization;
using Ifm.FirmwareBridge.Link;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// Measures (and prints) round-trip latency, sustained frame rate and allocations per received frame over a socat pty
/// with the C virtual MCU. Asserts no timing (figures depend on the machine and its load); asserts that the receive
/// thread allocates nothing in steady state with the libc transport.
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class PerformanceFigures(VirtualMcuBuild build, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    [Fact]
    public void Latency_throughput_and_allocations_over_a_pty()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        var c = CultureInfo.InvariantCulture;

        // Default configuration (100 Hz sensor stream, 20 Hz heartbeats): round trips and allocations per frame.
        foreach (bool useSystemIOPorts in new[] { false, true })
        {
            using var client = BridgeClient.ForSerialPort(socat.HostEnd, new BridgeOptions { UseSystemIOPorts = useSystemIOPorts, LinkTimeoutMs = 2000, McuHeartbeatTimeoutMs = 2000 });
            string transport = useSystemIOPorts ? "System.IO.Ports" : "libc tty";
            client.Start();
            Assert.True(client.WaitForLink(Long), client.LastError);
            Assert.True(Wait.Until(() => client.SampleCount > 20, Long));
            var rtt = new List<double>();
            for (int i = 0; i < 1000; i++)
            {
                if (client.Ping(TimeSpan.FromSeconds(2)) is { } t)
                {
                    rtt.Add(t.TotalMilliseconds);
                }
            }

            Assert.True(rtt.Count > 900);
            rtt.Sort();
            output.WriteLine(string.Create(c, $"[{transport}] round trip (HEARTBEAT -> echo) at 100 Hz streaming: p50 {rtt[rtt.Count / 2]:0.000} ms, p99 {rtt[(int)(rtt.Count * 0.99)]:0.000} ms, max {rtt[^1]:0.000} ms, n={rtt.Count}"));
            (long frames, long alloc, _) = Measure(client, 3000);
            output.WriteLine(string.Create(c, $"[{transport}] receive-thread allocation at 100 Hz: {(double)alloc / frames:0.0} bytes/frame ({alloc} bytes, {frames} frames)"));
            if (!useSystemIOPorts)
            {
                Assert.Equal(0, client.Counters.LinkLossCount); // otherwise the window was not steady state
                Assert.Equal(0, alloc); // read + parse + dispatch allocate nothing in steady state
            }
        }

        // As fast as the virtual MCU's loop and the pty allow.
        using (var client = BridgeClient.ForSerialPort(socat.HostEnd, new BridgeOptions { SensorPeriodUs = 10, LinkTimeoutMs = 2000, McuHeartbeatTimeoutMs = 2000 }))
        {
            client.Start();
            Assert.True(client.WaitForLink(Long), client.LastError);
            Assert.True(Wait.Until(() => client.SampleCount > 1000, Long));
            long gaps0 = client.Counters.GapCount;
            long crc0 = client.Counters.CrcErrorCount;
            (long frames, long alloc, double seconds) = Measure(client, 3000);
            Assert.True(frames > 100);
            output.WriteLine(string.Create(c, $"[libc tty] sustained: {frames / seconds:0} frames/s ({frames} in {seconds:0.00} s), gaps {client.Counters.GapCount - gaps0}, crc errors {client.Counters.CrcErrorCount - crc0}"));
            output.WriteLine(string.Create(c, $"[libc tty] receive-thread allocation at full rate: {(double)alloc / frames:0.00} bytes/frame ({alloc} bytes)"));
            output.WriteLine(client.Counters.ToString());
            Assert.Equal(0, client.Counters.LinkLossCount);
            Assert.Equal(0, alloc);
        }
    }

    /// <summary>Frames received and bytes allocated by the bridge's receive thread (transport read included).</summary>
    private static (long Frames, long Allocated, double Seconds) Measure(BridgeClient client, int ms)
    {
        long frames0 = client.Counters.FramesOkCount;
        long alloc0 = client.ReceiveThreadAllocatedBytes;
        var sw = Stopwatch.StartNew();
        Thread.Sleep(ms);
        long frames = client.Counters.FramesOkCount - frames0;
        long alloc = client.ReceiveThreadAllocatedBytes - alloc0;
        return (frames, alloc, sw.Elapsed.TotalSeconds);
    }
}

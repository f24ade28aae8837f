using System.Diagnostics;
using Ifm.Runtime.Engine;
using Ifm.FirmwareBridge.Devices;
using Ifm.FirmwareBridge.Link;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>The C# host against the C virtual MCU over real socat pseudo-terminals.</summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class HardwareInTheLoopTests(VirtualMcuBuild build, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    // Timeouts that survive a heavily loaded 2-core machine; the defaults (250 ms) are for real deployments.
    private static readonly BridgeOptions Relaxed = new() { LinkTimeoutMs = 1000, McuHeartbeatTimeoutMs = 1000 };

    [Theory]
    [InlineData(false)] // libc tty transport (Linux default)
    [InlineData(true)]  // System.IO.Ports
    public void Hello_streaming_and_acknowledged_actuation(bool useSystemIOPorts)
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed with { UseSystemIOPorts = useSystemIOPorts });
        client.Start();
        Assert.True(client.WaitForLink(Long), $"no HELLO: {client.LastError}");

        var caps = client.Capabilities!;
        Assert.Equal(new Version(1, 0, 0), caps.FirmwareVersion);
        Assert.Equal(6, caps.Sensors.Count);
        Assert.Single(caps.Actuators);
        Assert.Equal(Protocol.ChannelKind.Velocity, caps.Actuators[0].Kind);

        Assert.True(Wait.Until(() => client.SampleCount > 50, Long), "sensor stream did not start");
        using var paddle = new BridgeActuator("paddle", client, [0], [0f]);
        using var sensors = new BridgeSensor("pong", client, [2]);
        float[] x = new float[1];

        // Written every poll, as a control loop does (a command is not re-sent by the host after a link loss); each
        // applied command is one game tick, the paddle moves 7 px per tick between -2 and 152.
        Assert.True(Wait.Until(() => { paddle.Write([1f]); return sensors.Read(x) && x[0] == 152f; }, Long), $"paddle did not move right (x={x[0]})");
        Assert.True(Wait.Until(() => { paddle.Write([-1f]); return sensors.Read(x) && x[0] == -2f; }, Long), $"paddle did not move left (x={x[0]})");
        Assert.True(Wait.Until(() => mcu.WaitForLine(l => l.StartsWith("EVENT config key=3", StringComparison.Ordinal), TimeSpan.Zero) is not null, Long),
            "safe value CONFIG not applied on the MCU");

        Assert.NotNull(client.Ping(Long));
        Assert.Equal(0, client.Counters.CrcErrorCount);
        Assert.Equal(0, client.Counters.GapCount);
        Assert.Equal(0, client.Counters.NakCount);
        output.WriteLine(client.Counters.ToString());
    }

    [Fact]
    public void Closed_loop_model_run_survives_killing_socat_and_continues_after_restart() => ClosedLoop(useSystemIOPorts: false);

    [Fact]
    public void Closed_loop_over_System_IO_Ports_survives_killing_socat() => ClosedLoop(useSystemIOPorts: true);

    private void ClosedLoop(bool useSystemIOPorts)
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        using var factory = new BridgeDeviceFactory((port, o) => BridgeClient.ForSerialPort(port, o with { UseSystemIOPorts = useSystemIOPorts }));
        var options = new BridgeDeviceOptions("pong", socat.HostEnd, [0, 2, 3, 4]) { HeartbeatTimeoutMs = 1000 };
        using BridgeSensor sensor = factory.CreateSensor(options);
        using BridgeActuator paddle = factory.CreateActuator(options with { Name = "paddle", Channels = [0], SafeValues = [0f] });
        BridgeClient client = factory.GetClient(socat.HostEnd)!;
        int losses = 0;
        client.LinkLost += (_, _) => Interlocked.Increment(ref losses);
        Assert.True(client.WaitForLink(Long), $"no link: {client.LastError}");
        Assert.True(Wait.Until(() => client.SampleCount > 5, Long));

        string dir = Directory.CreateTempSubdirectory("ifm-bridge-model").FullName;
        try
        {
            using var session = new CpuSession(PongModel.WriteAndRead(Path.Combine(dir, "pong.ifm")));
            var loop = new ControlLoop(sensor, paddle, session, periodMs: 20);

            loop.RunFor(TimeSpan.FromMilliseconds(20));
            float hitsAtStart = loop.Values[2], missesAtStart = loop.Values[3];
            loop.RunFor(TimeSpan.FromSeconds(3));
            output.WriteLine($"phase 1: hits {loop.Values[2] - hitsAtStart}, misses {loop.Values[3] - missesAtStart}");
            float hitsBeforeKill = loop.Values[2];
            Assert.True(loop.Writes > 50);

            // Pull the cable: the host must be safe within 2 control periods.
            socat.Kill();
            int periods = loop.RunUntil(() => paddle.IsInSafeState, maxPeriods: 500);
            output.WriteLine($"host safe after {periods} control period(s); losses={losses}");
            Assert.True(periods <= 2, $"host actuator reached its safe state only after {periods} control periods");
            Assert.True(Wait.Until(() => losses >= 1, Long));

            // The MCU drives its actuator safe by itself when the host's heartbeat stops.
            string? safe = mcu.WaitForLine(l => l.StartsWith("EVENT safe reason=heartbeat", StringComparison.Ordinal), Long);
            Assert.NotNull(safe);
            output.WriteLine($"MCU: {safe}");
            int since = int.Parse(safe.Split("since_host_ms=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(since >= 1000, "MCU went safe before its heartbeat timeout");

            loop.RunFor(TimeSpan.FromMilliseconds(300)); // the loop keeps running against a dead link
            int linesBefore = mcu.Lines.Length;
            socat.Start();
            int reconnectPeriods = loop.RunUntil(() => client.State == LinkState.Up, maxPeriods: 1000);
            output.WriteLine($"link back after {reconnectPeriods} control periods");
            Assert.Equal(LinkState.Up, client.State);
            Assert.True(client.Counters.ReconnectCount >= 1);

            loop.RunFor(TimeSpan.FromSeconds(4));
            Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long, linesBefore));
            Assert.False(paddle.IsInSafeState);
            float hits = loop.Values[2] - hitsAtStart;
            float misses = loop.Values[3] - missesAtStart;
            output.WriteLine($"hits {hits} (before kill {hitsBeforeKill}), misses {misses}; {client.Counters}");
            Assert.True(loop.Values[2] > hitsBeforeKill, "no hit after the link came back");
            Assert.True(hits > misses, $"the network lost the game: {hits} hits, {misses} misses");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Mcu_restart_alone_is_detected_and_commands_resume()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed);
        int restarts = 0;
        client.PeerRestarted += (_, _) => Interlocked.Increment(ref restarts);
        client.Start();
        Assert.True(client.WaitForLink(Long));
        uint boot = client.Capabilities!.BootId;
        using var paddle = new BridgeActuator("paddle", client, [0]);
        paddle.Write([1f]);
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));

        int mark = mcu.Lines.Length;
        mcu.Reboot();
        Assert.True(Wait.Until(() => client.Counters.PeerRestartCount == 1, Long), "host did not see the MCU restart");
        Assert.NotEqual(boot, client.Capabilities!.BootId);
        // The counter moves before the event handlers run: wait for the handler too.
        Assert.True(Wait.Until(() => Volatile.Read(ref restarts) == 1, Long), $"PeerRestarted raised {restarts} times");
        Assert.True(Wait.Until(() => client.State == LinkState.Up, Long));
        // The host re-sends configuration and its latest command: the MCU leaves the boot safe state again.
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long, mark));
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("EVENT config key=2", StringComparison.Ordinal), Long, mark));
    }

    [Fact]
    public void Reset_command_makes_the_mcu_safe_and_the_host_configures_it_again()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed with { SensorPeriodUs = 5000 });
        client.Start();
        Assert.True(client.WaitForLink(Long));
        using var paddle = new BridgeActuator("paddle", client, [0]);
        paddle.Write([0.5f]);
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));

        int mark = mcu.Lines.Length;
        Assert.True(client.RequestReset());
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe reason=reset", Long, mark));
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT config key=1", Long, mark));
        Assert.True(Wait.Until(() => mcu.Status("safe") == 1 && mcu.Lines.Skip(mark).Any(l => l.StartsWith("STATUS", StringComparison.Ordinal)), Long));
        Assert.Equal(0, client.Counters.PeerRestartCount); // same boot: a reset of the protocol state, not a reboot
        Assert.Equal(LinkState.Up, client.State);
    }

    [Fact]
    public void Host_restart_alone_reconnects_without_resetting_the_mcu()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        uint boot;
        using (var first = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed))
        {
            first.Start();
            Assert.True(first.WaitForLink(Long));
            boot = first.Capabilities!.BootId;
            new BridgeActuator("paddle", first, [0]).Write([0.5f]);
            Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));
        }

        using var second = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed);
        second.Start();
        Assert.True(second.WaitForLink(Long), $"second host did not connect: {second.LastError}");
        Assert.Equal(boot, second.Capabilities!.BootId);
        Assert.True(Wait.Until(() => second.SampleCount > 10, Long));
        Assert.Equal(0, second.Counters.PeerRestartCount);
    }

    [Fact]
    public void Works_over_any_stream_the_mcu_on_stdin_and_stdout()
    {
        using var mcu = new VirtualMcuProcess(build.McuPath, "-", "pavlov", redirectStdin: true);
        var stream = new DuplexStream(mcu.Process.StandardOutput.BaseStream, mcu.Process.StandardInput.BaseStream);
        int opened = 0;
        using var client = new BridgeClient(() => Interlocked.Increment(ref opened) == 1 ? stream : throw new IOException("the pipe is gone"), Relaxed);
        client.Start();
        Assert.True(client.WaitForLink(Long), $"no HELLO over pipes: {client.LastError}");
        Assert.Equal(4, client.Capabilities!.Sensors.Count);
        Assert.True(Wait.Until(() => client.SampleCount > 20, Long));
        using var saliva = new BridgeActuator("saliva", client, [0]);
        saliva.Write([0.7f]);
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));
    }

    [Fact]
    public void Control_loop_calls_allocate_nothing()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        using var client = BridgeClient.ForSerialPort(socat.HostEnd, Relaxed);
        client.Start();
        Assert.True(client.WaitForLink(Long));
        using var paddle = new BridgeActuator("paddle", client, [0], [0f]);
        using var sensor = new BridgeSensor("pong", client, [0, 1, 2, 3, 4, 5]);
        Span<float> values = stackalloc float[6];
        Span<float> cmd = stackalloc float[1];
        for (int i = 0; i < 200; i++)
        {
            cmd[0] = (i % 3) - 1;
            paddle.Write(cmd);
            sensor.Read(values);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5000; i++)
        {
            cmd[0] = ((i % 200) - 100) / 100f;
            paddle.Write(cmd);
            sensor.Read(values);
            if (i % 50 == 0)
            {
                Thread.Sleep(1);
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(LinkState.Up, client.State);
        Assert.Equal(0, allocated);
    }

    /// <summary>A fixed-rate read-step-write loop as the runtime's control loop runs it.</summary>
    private sealed class ControlLoop(BridgeSensor sensor, BridgeActuator actuator, CpuSession session, int periodMs)
    {
        private readonly float[] _inputs = new float[2];
        private readonly float[] _outputs = new float[1];
        private readonly long _period = BridgeClient.MsToTicks(periodMs);
        private long _next = Stopwatch.GetTimestamp();

        public float[] Values { get; } = new float[4];

        public int Writes { get; private set; }

        public void RunFor(TimeSpan duration)
        {
            long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                Period();
            }
        }

        /// <summary>Runs periods until <paramref name="condition"/> holds after one; returns how many ran.</summary>
        public int RunUntil(Func<bool> condition, int maxPeriods)
        {
            for (int i = 1; i <= maxPeriods; i++)
            {
                Period();
                if (condition())
                {
                    return i;
                }
            }

            return int.MaxValue;
        }

        private void Period()
        {
            sensor.Read(Values);
            _inputs[0] = (Values[0] + PongModel.BallCentre) / PongModel.Scale;   // ball centre
            _inputs[1] = (Values[1] + PongModel.PaddleCentre) / PongModel.Scale; // paddle centre
            session.SetInputs(_inputs);
            session.Step(3);
            session.ReadOutputs(_outputs);
            actuator.Write(_outputs);
            Writes++;
            _next += _period;
            long wait = _next - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }
            else
            {
                _next = Stopwatch.GetTimestamp();
            }
        }
    }
}

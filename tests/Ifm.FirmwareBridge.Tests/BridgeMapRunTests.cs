using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.FirmwareBridge.Devices;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// MCU channels as devices of a device map, against the C virtual MCU's Pong plant over socat ptys: <c>ifm run</c>
/// of the Pong model in closed loop, and the device set's safe state when the link goes away.
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed partial class BridgeMapRunTests(VirtualMcuBuild build, ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ifm_run_drives_the_mcu_pong_plant_through_the_bridge()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string map = WriteMap(socat, Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        string model = Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm");

        (int code, string stdout, string stderr) = RunIfm("run", model, "--devices", map, "--duration", "3");
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(code == 0, stderr + stdout);
        string all = stdout + stderr;
        Assert.Contains("run completed after 180 periods", all, StringComparison.Ordinal);
        Assert.Contains("actuators in safe state", all, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", all, StringComparison.Ordinal);
        Assert.Contains("device ball (bridge_sensor): 180 reads", all, StringComparison.Ordinal);
        Assert.Contains("device paddle (bridge_actuator): 180 writes", all, StringComparison.Ordinal);

        // Fresh samples arrived: stale reads are a minority (the MCU streams at 100 Hz, the loop runs at 60 Hz).
        Match stale = StaleReads().Match(all);
        long staleReads = stale.Success ? long.Parse(stale.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        Assert.True(staleReads < 90, $"{staleReads} of 180 reads were stale");

        // The host's link counters: frames and sensor samples arrived, none corrupted.
        Match link = LinkCounters().Match(all);
        Assert.True(link.Success, all);
        Assert.True(long.Parse(link.Groups["ok"].Value, CultureInfo.InvariantCulture) > 100, link.Value);
        Assert.True(long.Parse(link.Groups["sent"].Value, CultureInfo.InvariantCulture) > 100, link.Value);
        Assert.True(long.Parse(link.Groups["samples"].Value, CultureInfo.InvariantCulture) > 90, link.Value);
        Assert.Equal("0", link.Groups["crc"].Value);

        // The MCU saw the host: frames flowed both ways, and it ends safe with the paddle stopped.
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("EVENT host-up", StringComparison.Ordinal), TimeSpan.Zero));
        Assert.True(Wait.Until(() => mcu.Status("host") == 0 && mcu.Status("safe") == 1, Long), string.Join('\n', mcu.Lines.TakeLast(5)));
        Assert.Equal(0, mcu.Status("act0"));
        Assert.True(mcu.Status("rx_ok") > 100, $"MCU received {mcu.Status("rx_ok")} frames");
        Assert.True(mcu.Status("sent") > 100, $"MCU sent {mcu.Status("sent")} frames");
        Assert.Equal(0, mcu.Status("crc"));
    }

    /// <summary>
    /// The MCU's Pong is the recordings' game, one tick per command: <c>ifm run</c> of pong.ifm through the bridge plays
    /// the game the simulated plant plays with the same seed, at its hit rate. A tick needs the state after the previous
    /// command to reach the host within a period: a read that finds no fresh sample (the loop woke late and caught up)
    /// puts the network a tick behind the game once, which can cost a ball. So the comparison is exact only when no
    /// read was stale after the game started; on a loaded machine the bridge must still play far above the old
    /// mismatched plant (3 of 24) and within a few balls of the simulation.
    /// </summary>
    [Fact]
    public void Pong_model_plays_the_mcu_game_at_its_simulated_hit_rate()
    {
        const int seed = 7;
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd, "pong", false, "--seed", "7");
        string map = WriteMap(socat, Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        File.WriteAllText(map, File.ReadAllText(map).Replace("\"loopRateHz\": 60", "\"loopRateHz\": 50", StringComparison.Ordinal));
        string modelPath = Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm");

        (int code, string stdout, string stderr) = RunIfm("run", modelPath, "--devices", map, "--duration", "30");
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr + stdout);
        Assert.True(Wait.Until(() => mcu.Status("host") == 0 && mcu.Status("safe") == 1, Long), string.Join('\n', mcu.Lines.TakeLast(5)));
        int hits = (int)mcu.Status("hits")!.Value, misses = (int)mcu.Status("misses")!.Value, ticks = (int)mcu.Status("ticks")!.Value;
        Match stale = StaleReads().Match(stdout + stderr);
        long staleReads = stale.Success ? long.Parse(stale.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

        // As many ticks of the host's simulated game, seeded alike (SplitMix64(7) draws the restarts).
        var game = new Ifm.Devices.Simulation.PongGame(seed);
        using (var policy = new Ifm.Evaluation.Pong.ModelPolicy(Ifm.Runtime.Format.IfmFile.Read(modelPath)))
        {
            Ifm.Evaluation.Pong.PongEvaluation.Play(policy, game, ticks);
        }

        output.WriteLine($"MCU: {ticks} ticks, {hits} hits, {misses} misses, {staleReads} stale reads; simulated plant: {game.Hits} hits, {game.Misses} misses");
        Assert.True(ticks >= 1300, $"only {ticks} game ticks in 1500 periods");
        Assert.True(game.Hits >= 9, $"the simulated game had only {game.Hits} hits in {ticks} ticks");
        if (staleReads == 0)
        {
            Assert.Equal((game.Hits, game.Misses), ((long)hits, (long)misses));
        }

        Assert.True(hits >= 2 * misses, $"{hits} hits and {misses} misses through the bridge (simulated: {game.Hits} and {game.Misses})");
        Assert.InRange(hits, game.Hits - 4, game.Hits + 1);
    }

    [Fact]
    public void Ifm_run_keeps_running_safe_while_the_link_is_pulled_and_drives_again_after_it_is_back()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string map = WriteMap(socat, Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        string model = Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm");

        // Long enough for a busy machine: the run is stopped with SIGINT (as Ctrl-C) once the MCU is driven again.
        using var run = IfmCli.Start("run", model, "--devices", map, "--duration", "300");
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("EVENT host-up", StringComparison.Ordinal), Long));
        // The link is up at bind (before the first period): pull it only once the loop drives the paddle.
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));
        int seen = mcu.Lines.Length;
        socat.Kill();
        // The MCU's watchdog stops the paddle when the host's heartbeats stop ...
        Assert.True(
            Wait.Until(() => mcu.Lines.Skip(seen).Any(l => l.StartsWith("EVENT safe reason=heartbeat", StringComparison.Ordinal)) ||
                             (mcu.Status("safe") == 1 && mcu.Status("host") == 0), Long),
            string.Join("\n", mcu.Lines.Where(l => l.StartsWith("EVENT", StringComparison.Ordinal))));
        seen = mcu.Lines.Length;
        socat.Start();

        // ... and the loop's next writes drive it again once the host has reconnected.
        if (mcu.WaitForLine(l => l == "EVENT safe-left", Long, seen) is null)
        {
            run.Interrupt();
            (int c, string o, string e) = run.Finish(TimeSpan.FromSeconds(60));
            Assert.Fail($"the MCU was not driven again after the reconnection (ifm exit {c}):\n{o}\n{e}\nMCU:\n{string.Join('\n', mcu.Lines.Where(l => !l.StartsWith("STATUS", StringComparison.Ordinal) || l == mcu.Lines.Last(x => x.StartsWith("STATUS", StringComparison.Ordinal))))}");
        }

        run.Interrupt();
        (int code, string stdout, string stderr) = run.Finish(TimeSpan.FromSeconds(60));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        string all = stdout + stderr;

        // A lost link is not a loop fault: the run goes on until it is stopped, the reads without fresh samples are
        // counted as stale, the host held the actuator at its safe value meanwhile, and everything ends safe.
        Assert.True(code == 0, all);
        Assert.Matches(@"run stopped on request after \d+ periods at 60 Hz", all);
        Assert.Contains("actuators in safe state", all, StringComparison.Ordinal);
        Assert.Matches(StaleReads(), all);
        Match link = Regex.Match(all, @"losses=(\d+) reconnects=(\d+)");
        Assert.True(link.Success, all);
        Assert.True(int.Parse(link.Groups[1].Value, CultureInfo.InvariantCulture) >= 1, link.Value);
        Assert.True(int.Parse(link.Groups[2].Value, CultureInfo.InvariantCulture) >= 1, link.Value);
        Assert.True(Wait.Until(() => mcu.Status("safe") == 1, Long));
        Assert.Equal(0, mcu.Status("act0"));

        // The loss and the recovery are logged when they happen, in order, not only counted in the final report.
        int lost = stderr.IndexOf($"bridge link {socat.HostEnd} lost: ", StringComparison.Ordinal);
        int restored = stderr.IndexOf($"bridge link {socat.HostEnd} restored after ", StringComparison.Ordinal);
        Assert.True(lost >= 0 && restored > lost, stderr);
        Assert.Contains("actuators held at their safe values", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sighup_stops_ifm_run_in_order_with_the_mcu_at_its_acknowledged_safe_value()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string map = WriteMap(socat, Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        using var run = IfmCli.Start("run", Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm"), "--devices", map, "--duration", "300");
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("EVENT host-up", StringComparison.Ordinal), Long));
        // Driven by the model (the paddle leaves the safe state), then the terminal goes away.
        Assert.NotNull(mcu.WaitForLine(l => l == "EVENT safe-left", Long));
        int seen = mcu.Lines.Length;
        run.Signal(1); // SIGHUP
        (int code, string stdout, string stderr) = run.Finish(TimeSpan.FromSeconds(60));
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        string all = stdout + stderr;
        Assert.True(code == 0, $"exit {code}: {all}");
        Assert.Matches(@"run stopped on request after \d+ periods", all);
        Assert.Contains("actuators in safe state", all, StringComparison.Ordinal);
        Assert.DoesNotContain("FAILED", all, StringComparison.Ordinal);

        // The host commanded the safe value itself before it closed the link (the MCU reports its own watchdog only
        // a heartbeat timeout later): the next STATUS line shows the paddle at 0.
        Assert.True(Wait.Until(() => mcu.Lines.Skip(seen).Any(l => l.StartsWith("STATUS", StringComparison.Ordinal)), Long));
        Assert.Equal(0, mcu.Status("act0"));
    }

    [Fact]
    public void A_peer_that_never_sends_hello_is_a_link_fault_unless_the_map_tolerates_it()
    {
        using var socat = new SocatPair(); // nothing on the MCU end: the host's HELLO requests go unanswered
        string model = Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm");
        string map = WriteMap(socat, Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"));
        (int code, string stdout, string stderr) = RunIfm("run", model, "--devices", map, "--duration", "2");
        Assert.Equal(1, code);
        Assert.DoesNotContain("run completed", stdout, StringComparison.Ordinal);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ifm: device 'ball': devices[0] (bridge_sensor) could not be opened: link fault: no valid HELLO from " + socat.HostEnd + " within 1000 ms", line, StringComparison.Ordinal);

        // Tolerated: the run starts without the MCU, every read is stale, the actuator stays safe, exit 0.
        File.WriteAllText(map, File.ReadAllText(map).Replace("\"heartbeatTimeoutMs\": 1000", "\"heartbeatTimeoutMs\": 1000, \"linkStartTimeoutMs\": 0", StringComparison.Ordinal));
        (code, stdout, stderr) = RunIfm("run", model, "--devices", map, "--duration", "2");
        string all = stdout + stderr;
        Assert.True(code == 0, all);
        Assert.Contains("run completed after 120 periods", all, StringComparison.Ordinal);
        Assert.Contains("device ball (bridge_sensor): 120 reads every 1 period(s), 120 stale", all, StringComparison.Ordinal);
        Assert.Contains("actuators in safe state", all, StringComparison.Ordinal);
    }

    [Fact]
    public void Ifm_run_with_a_port_that_does_not_exist_fails_in_one_line_naming_the_device()
    {
        string dir = Directory.CreateTempSubdirectory("ifm-bridge-map").FullName;
        try
        {
            string port = Path.Combine(dir, "absent-tty");
            string map = Path.Combine(dir, "map.json");
            File.WriteAllText(map, File.ReadAllText(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"))
                .Replace("/tmp/ifm/host", port, StringComparison.Ordinal));
            (int code, string stdout, string stderr) = RunIfm("run", Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm"), "--devices", map, "--duration", "1");
            Assert.Equal(1, code);
            Assert.DoesNotContain("run completed", stdout, StringComparison.Ordinal);
            string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("ifm: device 'ball': devices[0] (bridge_sensor) could not be opened", line, StringComparison.Ordinal);
            Assert.Contains($"port {port} does not exist", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Ifm_run_rejects_an_invalid_bridge_entry_naming_it()
    {
        string dir = Directory.CreateTempSubdirectory("ifm-bridge-map").FullName;
        try
        {
            string json = File.ReadAllText(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"))
                .Replace("/tmp/ifm/host", Path.Combine(dir, "absent-tty"), StringComparison.Ordinal)
                .Replace("\"type\": \"bridge_sensor\",", "\"type\": \"bridge_sensor\", \"baudRate\": 7,", StringComparison.Ordinal);
            string map = Path.Combine(dir, "map.json");
            File.WriteAllText(map, json);
            (int code, _, string stderr) = RunIfm("run", Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm"), "--devices", map, "--duration", "1");
            Assert.Equal(1, code);
            Assert.Contains("devices[0].baudRate: must be 300..10000000, got 7", stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Device_set_drives_the_mcu_allocation_free_and_is_safe_after_the_link_is_lost()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string json = $$"""
            { "version": 1, "loopRateHz": 100, "devices": [
              { "name": "ball", "type": "bridge_sensor", "port": "{{socat.HostEnd}}", "mcuChannels": [2], "heartbeatTimeoutMs": 1000,
                "channels": [ { "channel": "ch0", "neurons": ["paddle_x"], "encoder": { "type": "linear", "inMin": -2, "inMax": 152 } } ] },
              { "name": "paddle", "type": "bridge_actuator", "port": "{{socat.HostEnd}}", "mcuChannels": [0], "heartbeatTimeoutMs": 1000,
                "safeState": { "value": 0 },
                "channels": [ { "channel": "ch0", "neurons": ["right"], "decoder": { "type": "linear", "outMin": -1, "outMax": 1 } } ] } ] }
            """;
        DeviceMap map = DeviceMap.Parse(json, "bridge-test.json");
        using var provider = new BridgeDeviceProvider();
        using var hardware = SimulatedHardware.ForPong(); // no simulated plant is bound: every device comes from the provider
        using DeviceSet devices = DeviceSet.Bind(map, ["paddle_x"], ["right"], hardware, ownsHardware: false, providers: [provider]);
        var paddle = Assert.IsType<BridgeActuator>(devices.Actuators.Single());
        Assert.True(provider.GetClient(socat.HostEnd)!.WaitForLink(Long), "no HELLO from the virtual MCU");

        float[] x = new float[1];
        float[] right = [1f];
        long period = 0;
        void Period()
        {
            devices.ReadAndEncode(period, x);
            devices.DecodeAndWrite(period, right);
            period++;
            Thread.Sleep(2);
        }

        // Key right every period (one game tick each): paddle_x reaches the right limit (152 px) as the MCU reports it.
        Assert.True(Wait.Until(() => { Period(); return x[0] > 0.99f; }, Long), $"paddle did not move right (paddle_x {x[0]} of the range)");
        Assert.False(paddle.IsInSafeState);

        // Steady state of the period path: nothing allocated on this thread.
        for (int i = 0; i < 50; i++) Period();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            devices.ReadAndEncode(period, x);
            devices.DecodeAndWrite(period, right);
            period++;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        // Pull the cable while the loop keeps running: the host puts the actuator channels in their safe state, and
        // the MCU's own watchdog stops the paddle.
        int seen = mcu.Lines.Length;
        socat.Kill();
        Assert.True(Wait.Until(() => { Period(); return paddle.IsInSafeState; }, Long), "actuator not safe after the link was lost");
        Assert.NotNull(mcu.WaitForLine(l => l.StartsWith("EVENT safe", StringComparison.Ordinal) || l.StartsWith("EVENT port-closed", StringComparison.Ordinal), Long, seen));
        for (int i = 0; i < 20; i++) Period();
        Assert.True(paddle.IsInSafeState, "a write while the link is down must keep the channels safe");

        Assert.Equal(0, devices.EnterSafeState());
        Assert.True(devices.Counters.All(c => c.Accesses > 0));
    }

    private static string WriteMap(SocatPair socat, string example)
    {
        // Relaxed link timeout: the test machine may be loaded (the example's 250 ms is for deployments).
        string json = File.ReadAllText(example)
            .Replace("/tmp/ifm/host", socat.HostEnd, StringComparison.Ordinal)
            .Replace("\"heartbeatTimeoutMs\": 250", "\"heartbeatTimeoutMs\": 1000", StringComparison.Ordinal);
        string path = Path.Combine(Path.GetDirectoryName(socat.HostEnd)!, "pong-bridge.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) RunIfm(params string[] args) => IfmCli.Run(TimeSpan.FromSeconds(120), args);

    [GeneratedRegex(@"device ball \(bridge_sensor\): \d+ reads every \d+ period\(s\), (\d+) stale")]
    private static partial Regex StaleReads();

    [GeneratedRegex(@"bridge link \S+: ok=(?<ok>\d+) sent=(?<sent>\d+) samples=(?<samples>\d+) crc=(?<crc>\d+)")]
    private static partial Regex LinkCounters();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// A one-minute soak: the published <c>ifm run</c> (NativeAOT, as shipped) at 1 kHz with plasticity on and a checkpoint every second, driving the virtual
/// MCU's Pong plant through the bridge over socat ptys, with the process's RSS, open descriptors and threads sampled
/// from /proc. After the warm-up (the first third: JIT tiers, the first collections) nothing may grow and the loop may
/// not allocate; the run's counters must add up. A checkpoint a second is the steadiest source of garbage (about
/// 0.5 MB a save): without the binary's bounded first-generation budget RSS climbs by that much a save until the
/// first collection (the managed build under <c>dotnet exec</c>: 66 → 99 MB from 20 s to 65 s, no collection), which
/// the last third shows against the middle third. The ten-minute version is on demand: <c>tests/bench/soak.sh</c>. The length here
/// is <c>IFM_SOAK_SECONDS</c> (default 60, at least 30).
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed partial class SoakTests(VirtualMcuBuild build, ITestOutputHelper output)
{
    private readonly record struct Sample(double Seconds, long RssKb, int Fds, int Threads);

    [Fact]
    public void Ifm_run_at_1_kHz_with_plasticity_over_the_bridge_keeps_memory_descriptors_and_threads_flat()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("IFM_SOAK_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? Math.Max(30, s) : 60;
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string dir = Path.GetDirectoryName(socat.HostEnd)!;
        string map = Path.Combine(dir, "soak.json");
        File.WriteAllText(map, File.ReadAllText(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"))
            .Replace("/tmp/ifm/host", socat.HostEnd, StringComparison.Ordinal)
            .Replace("\"heartbeatTimeoutMs\": 250", "\"heartbeatTimeoutMs\": 1000", StringComparison.Ordinal));
        string model = Path.Combine(dir, "soak.ifm");
        var made = IfmCli.Run(TimeSpan.FromSeconds(120), "new", "--neurons", "200", "--inputs", "24", "--outputs", "3", "--rule", "hebbian_trace", "--out", model);
        Assert.True(made.Code == 0, made.Stderr);

        using var run = IfmCli.StartPublished("run", model, "--devices", map, "--rate", "1000", "--duration", seconds.ToString(CultureInfo.InvariantCulture),
            "--plasticity", "on", "--checkpoint", Path.Combine(dir, "soak.ckpt"), "--checkpoint-interval", "1", "--status-interval", "10");
        var samples = new List<Sample>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!run.HasExited)
        {
            if (TrySample(run.Pid, clock.Elapsed.TotalSeconds) is { } sample) samples.Add(sample);
            Thread.Sleep(500);
        }

        (int code, string stdout, string stderr) = run.Finish(TimeSpan.FromSeconds(60));
        string all = stdout + stderr;
        output.WriteLine(all);
        foreach (Sample x in samples) output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{x.Seconds,6:0.0} s  RSS {x.RssKb,8} kB  fds {x.Fds,3}  threads {x.Threads,3}"));
        Assert.True(code == 0, all);
        Assert.Contains($"run completed after {seconds * 1000} periods at 1000 Hz", all, StringComparison.Ordinal);
        Assert.Contains("plasticity on:", all, StringComparison.Ordinal);
        Assert.Contains("learned state saved to", all, StringComparison.Ordinal);
        Assert.Contains("  actuators in safe state\n", all.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        // The loop: no allocation per period in steady state (checkpoint snapshots are accounted apart). Under the JIT
        // a one-off allocation of a few bytes can happen when a method is recompiled (tiering); per period it is zero.
        Match alloc = LoopAllocations().Match(all);
        Assert.True(alloc.Success, all);
        long bytes = long.Parse(alloc.Groups[1].Value, CultureInfo.InvariantCulture), periods = long.Parse(alloc.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(bytes * 100 < periods, $"the loop allocated {bytes} bytes in {periods} steady periods");
        Assert.True(periods >= seconds * 1000L / 2 && periods <= seconds * 1000L, $"{periods} steady periods of {seconds * 1000}");

        // Plasticity learned on every period; the checkpoints were taken about once a second.
        Match learned = LearningTicks().Match(all);
        Assert.True(learned.Success, all);
        long learningTicks = long.Parse(learned.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(learningTicks >= seconds * 1000L / 2 && learningTicks <= seconds * 1000L, $"{learningTicks} learning ticks in {seconds * 1000} periods");
        Match snapshots = CheckpointSnapshots().Match(all);
        Assert.True(snapshots.Success, all);
        long saves = long.Parse(snapshots.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(saves >= seconds / 2 && saves <= seconds + 1, $"{saves} checkpoint snapshots in {seconds} s at one a second");

        // The link: frames both ways, none corrupted, samples arrived.
        Match link = LinkCounters().Match(all);
        Assert.True(link.Success, all);
        Assert.Equal("0", link.Groups["crc"].Value);
        Assert.True(long.Parse(link.Groups["samples"].Value, CultureInfo.InvariantCulture) > seconds * 50L, link.Value);
        Assert.True(long.Parse(link.Groups["sent"].Value, CultureInfo.InvariantCulture) > seconds * 50L, link.Value);

        // The process: flat after the warm-up (first third).
        var steady = samples.Where(x => x.Seconds >= seconds / 3.0).ToList();
        Assert.True(steady.Count >= 4, $"only {steady.Count} samples after the warm-up");
        Sample first = steady[0], last = steady[^1];
        Assert.True(last.Fds <= first.Fds, $"open descriptors grew from {first.Fds} to {last.Fds}");
        Assert.True(last.Threads <= first.Threads, $"threads grew from {first.Threads} to {last.Threads}");
        Assert.True(last.RssKb - first.RssKb < 16 * 1024, $"RSS grew from {first.RssKb} kB to {last.RssKb} kB");

        // No climb: the last third's peak RSS stays within 6 MB of the middle third's (about ten saves' garbage).
        long middlePeak = samples.Where(x => x.Seconds >= seconds / 3.0 && x.Seconds < seconds * 2 / 3.0).Max(x => x.RssKb);
        long lastPeak = samples.Where(x => x.Seconds >= seconds * 2 / 3.0).Max(x => x.RssKb);
        Assert.True(lastPeak - middlePeak < 6 * 1024, $"RSS still climbing: peak {middlePeak} kB in the middle third, {lastPeak} kB in the last");
    }

    private static Sample? TrySample(int pid, double seconds)
    {
        try
        {
            long rss = 0;
            int threads = 0;
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);
            }

            int fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
            return rss > 0 ? new Sample(seconds, rss, fds, threads) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended between two reads
        }
    }

    [GeneratedRegex(@"allocated on the loop thread: (\d+) bytes in (\d+) steady periods")]
    private static partial Regex LoopAllocations();

    [GeneratedRegex(@"plasticity on: (\d+) learning ticks")]
    private static partial Regex LearningTicks();

    [GeneratedRegex(@"periodic checkpoint snapshots: (\d+)")]
    private static partial Regex CheckpointSnapshots();

    [GeneratedRegex(@"bridge link \S+: ok=(?<ok>\d+) sent=(?<sent>\d+) samples=(?<samples>\d+) crc=(?<crc>\d+)")]
    private static partial Regex LinkCounters();
}

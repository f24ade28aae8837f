using System.Diagnostics;
using System.Runtime.InteropServices;
using Ifm.Hil.Reporting;
using Ifm.Hil.Running;
using Xunit.Abstractions;

namespace Ifm.Hil.Tests;

/// <summary>Builds the C virtual MCU once (CMake), as the bridge's tests do; the runner is told where it is with --mcu's option.</summary>
public sealed class McuBuild
{
    public McuBuild()
    {
        string source = System.IO.Path.Combine(Repo.Root, "firmware-bridge", "firmware");
        string build = System.IO.Path.Combine(source, "build-dotnet");
        Run("cmake", $"-S \"{source}\" -B \"{build}\" -DCMAKE_BUILD_TYPE=RelWithDebInfo");
        Run("cmake", $"--build \"{build}\" --target ifm-virtual-mcu -j 2");
        Path = System.IO.Path.Combine(build, "ifm-virtual-mcu");
    }

    public string Path { get; }

    private static void Run(string file, string args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string all = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {args}: {all}");
    }
}

[CollectionDefinition("loop")]
public sealed class LoopCollection : ICollectionFixture<McuBuild>
{
}

/// <summary>The virtual-mcu target (the runner starts the C virtual MCU on openpty pairs it makes) and the serial target.</summary>
[Collection("loop")]
public sealed class McuTargetTests(McuBuild mcu, ITestOutputHelper output)
{
    private HilOptions Options(CancellationToken cancel = default, TimeSpan? timeout = null) =>
        new() { Target = HilTargets.VirtualMcu, McuPath = mcu.Path, Cancellation = cancel, Timeout = timeout };

    [Theory]
    [InlineData("pong-nominal.json")]
    [InlineData("link-loss.json")]
    [InlineData("mcu-reset.json")]
    [InlineData("overrun-count.json")]
    [InlineData("overrun-skip.json")]
    [InlineData("overrun-safe-stop.json")]
    [InlineData("pavlov-stages.json")]
    [InlineData("servo-perturbation.json")]
    public void Shipped_scenario_passes_on_the_virtual_mcu_and_leaves_nothing_behind(string file)
    {
        HilReport report = Repo.Run(Path.Combine(Repo.Hil, file), Options());
        string text = Repo.Text(report);
        output.WriteLine(text);
        output.WriteLine(string.Join('\n', report.Run.McuLines.Select(l => $"{l.Period}: {l.Line}")));
        Assert.True(report.ExitCode == 0, text + report.Run.Log);
        AssertCleanedUp(report.Run);
        if (file == "pong-nominal.json") AssertCountersChangeInTheBallsPeriod(report.Run);
    }

    /// <summary>The MCU reports every ball (EVENT ball): the trace's counters change in the period that line arrived in, not at the next 1 s STATUS.</summary>
    private static void AssertCountersChangeInTheBallsPeriod(RunRecord run)
    {
        Ifm.Hil.Running.Trace t = run.Trace!;
        int balls = 0;
        foreach (var (period, line) in run.McuLines.Where(l => l.Line.StartsWith("EVENT ball ", StringComparison.Ordinal) && l.Period > 0 && l.Period < run.Periods - 1))
        {
            long hits = long.Parse(line.Split(' ').Single(w => w.StartsWith("hits=", StringComparison.Ordinal))[5..], System.Globalization.CultureInfo.InvariantCulture);
            long misses = long.Parse(line.Split(' ').Single(w => w.StartsWith("misses=", StringComparison.Ordinal))[7..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((hits, misses), (t.Hits[period], t.Misses[period]));
            Assert.Equal(hits + misses - 1, t.Hits[period - 1] + t.Misses[period - 1]);
            balls++;
        }

        Assert.True(balls >= 3, $"{balls} balls reported");
    }

    [Fact]
    public void Failure_timeout_cancellation_and_sigint_clean_up_the_mcu_and_the_ptys()
    {
        string failing = Repo.Scenario("""
            {
              "version": 1, "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 60, "durationSeconds": 1, "plasticity": "off" },
              "steps": [],
              "assertions": [ { "kind": "metric", "metric": "link_losses", "min": 5 } ]
            }
            """);
        HilReport failed = Repo.Run(failing, Options());
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("FAIL link_losses ≥ 5: link_losses over the run = 0", Repo.Text(failed), StringComparison.Ordinal);
        AssertCleanedUp(failed.Run);

        string nominal = Path.Combine(Repo.Hil, "pong-nominal.json");
        HilReport timedOut = Repo.Run(nominal, Options(timeout: TimeSpan.FromSeconds(1.5)));
        Assert.Equal("timed out", timedOut.Run.Interrupted);
        AssertCleanedUp(timedOut.Run);

        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1.5)))
        {
            HilReport cancelled = Repo.Run(nominal, Options(cts.Token));
            Assert.Equal("cancelled", cancelled.Run.Interrupted);
            AssertCleanedUp(cancelled.Run);
        }

        // SIGINT to this process (Ctrl-C): the runner's handler stops the scenario in order and cleans up.
        using var timer = new Timer(_ => kill(Environment.ProcessId, 2), null, 1500, Timeout.Infinite);
        HilReport interrupted = Repo.Run(nominal, Options());
        Assert.Equal("interrupted by a signal", interrupted.Run.Interrupted);
        Assert.Equal(1, interrupted.ExitCode);
        AssertCleanedUp(interrupted.Run);
    }

    [Fact]
    public void Serial_target_drives_a_board_on_a_real_pty()
    {
        // The board: the virtual MCU behind a pseudo-terminal pair, as a USB serial board would be.
        using var relay = new PtyRelay();
        using var board = new McuProcess(mcu.Path, relay.McuPath, "pong", 1, [], () => -1);
        string scenario = Repo.Scenario("""
            {
              "version": 1, "name": "bench", "model": "MODELS/pong.ifm", "plant": "pong",
              "loop": { "rateHz": 60, "durationSeconds": 2, "plasticity": "off" },
              "steps": [ { "kind": "stuck_at", "at": 1, "for": 0.5, "channel": "ball.ch0", "value": 7 } ],
              "assertions": [
                { "kind": "metric", "metric": "crc_errors", "max": 0 },
                { "kind": "metric", "metric": "stale_reads", "max": 60 },
                { "kind": "channel", "channel": "ball.ch0", "from": 1, "to": 1.5, "stat": "max", "max": 7 },
                { "kind": "no_nan" },
                { "kind": "outcome", "reason": "completed" }
              ]
            }
            """);
        HilReport report = Repo.Run(scenario, new HilOptions { Target = HilTargets.Serial, SerialPort = relay.HostPath });
        string text = Repo.Text(report);
        output.WriteLine(text);
        Assert.True(report.ExitCode == 0, text + report.Run.Log);
        Assert.Contains("on serial", text, StringComparison.Ordinal);
        Assert.True(relay.RelayedBytes > 1000, $"{relay.RelayedBytes} bytes relayed");
    }

    [Fact]
    public void Mcu_steps_are_refused_on_the_serial_target()
    {
        var e = Assert.Throws<Ifm.Hil.Scenarios.ScenarioException>(() => Repo.Run(Path.Combine(Repo.Hil, "mcu-reset.json"), new HilOptions { Target = HilTargets.Serial, SerialPort = "/dev/null" }));
        Assert.Contains("step kind 'mcu_reset' cannot act on the serial target (it needs virtual-mcu)", e.Message, StringComparison.Ordinal);
    }

    private static void AssertCleanedUp(RunRecord run)
    {
        Assert.NotNull(run.McuProcessId);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(run.McuProcessId!.Value));
        Assert.Equal(2, run.Ptys.Count);
        foreach (string pty in run.Ptys) Assert.False(File.Exists(pty), $"{pty} still exists");
        Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), $"ifm-hil-{Environment.ProcessId}-*"));
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

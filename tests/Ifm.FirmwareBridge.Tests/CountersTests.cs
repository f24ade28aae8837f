using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>
/// <c>dotnet-counters</c> (the local tool of .config/dotnet-tools.json) attached to the published NativeAOT
/// <c>ifm run</c> through its diagnostic socket, while the Pong model plays the virtual MCU's plant over the firmware
/// bridge: it sees every <c>Ifm.Control</c> and <c>Ifm.FirmwareBridge</c> instrument, with live values.
/// </summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class CountersTests(VirtualMcuBuild build, ITestOutputHelper output)
{
    private static readonly string[] ControlInstruments =
    [
        "ifm.loop.periods", "ifm.loop.overruns", "ifm.loop.skipped_slots", "ifm.loop.rate_target", "ifm.loop.period.jitter.p50",
        "ifm.loop.period.jitter.p99", "ifm.loop.period.jitter.max", "ifm.loop.compute.p50", "ifm.loop.compute.p99", "ifm.loop.compute.max",
        "ifm.plasticity.learning_ticks", "ifm.plasticity.mean_abs_delta", "ifm.loop.checkpoints", "ifm.learning.rollbacks", "ifm.learning.frozen",
    ];

    private static readonly string[] BridgeInstruments =
    [
        "ifm.bridge.frames_ok", "ifm.bridge.frames_sent", "ifm.bridge.crc_errors", "ifm.bridge.framing_errors", "ifm.bridge.resyncs",
        "ifm.bridge.gaps", "ifm.bridge.retransmits", "ifm.bridge.reconnects", "ifm.bridge.link_losses", "ifm.bridge.peer_restarts", "ifm.bridge.naks",
    ];

    [DotnetCountersFact]
    public void Dotnet_counters_sees_the_control_and_bridge_instruments_of_the_native_binary()
    {
        string ifm = PublishedArtifacts.DiagnosticsIfm("linux-x64");
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        string map = File.ReadAllText(Path.Combine(RepoPaths.Root, "devices", "examples", "pong-bridge.json"))
            .Replace("/tmp/ifm/host", socat.HostEnd, StringComparison.Ordinal)
            .Replace("\"heartbeatTimeoutMs\": 250", "\"heartbeatTimeoutMs\": 5000", StringComparison.Ordinal); // a loaded test machine
        string mapPath = Path.Combine(Path.GetDirectoryName(socat.HostEnd)!, "pong-bridge.json");
        File.WriteAllText(mapPath, map);

        var psi = new ProcessStartInfo(ifm) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment.Remove("DOTNET_EnableDiagnostics"); // the binary's default: the diagnostic socket is open
        foreach (string a in new[] { "run", Path.Combine(RepoPaths.Root, "runtime", "models", "pong.ifm"), "--devices", mapPath, "--duration", "120" })
        {
            psi.ArgumentList.Add(a);
        }

        using Process run = Process.Start(psi)!;
        Task<string> runOut = run.StandardOutput.ReadToEndAsync(), runErr = run.StandardError.ReadToEndAsync();
        // What ifm printed, for a failure message: only once it has exited (until then its output tasks do not end,
        // and waiting on them would wait out the whole run).
        string IfmOutput() => run.HasExited ? $"ifm exited {run.ExitCode}: {runErr.Result}{runOut.Result}" : "ifm still running";
        string csv = Path.Combine(Path.GetDirectoryName(socat.HostEnd)!, "counters.csv");
        var total = Stopwatch.StartNew();
        try
        {
            // The runtime opens its diagnostic socket at start (<temp>/dotnet-diagnostic-<pid>-<key>-socket); the loop
            // starts after the bridge handshake. dotnet-counters then collects 5 s of 1 s samples.
            while (Directory.GetFiles(Path.GetTempPath(), $"dotnet-diagnostic-{run.Id}-*-socket").Length == 0)
            {
                if (run.HasExited) Assert.Fail("ifm run ended before it opened its diagnostic socket; " + IfmOutput());
                if (total.Elapsed > TimeSpan.FromSeconds(60)) Assert.Fail($"no diagnostic socket for ifm (pid {run.Id}) in {Path.GetTempPath()}");
                Thread.Sleep(100);
            }

            Thread.Sleep(2000);
            if (run.HasExited) Assert.Fail("ifm run ended early; " + IfmOutput());
            var counters = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = RepoPaths.Root };
            foreach (string a in new[]
            {
                "dotnet-counters", "collect", "-p", run.Id.ToString(CultureInfo.InvariantCulture), "--counters", "Ifm.Control,Ifm.FirmwareBridge",
                "--format", "csv", "-o", csv, "--refresh-interval", "1", "--duration", "00:00:00:05",
            })
            {
                counters.ArgumentList.Add(a);
            }
            var attach = Stopwatch.StartNew();
            using Process dc = Process.Start(counters)!;
            dc.StandardInput.Close();
            Task<string> dcOut = dc.StandardOutput.ReadToEndAsync(), dcErr = dc.StandardError.ReadToEndAsync();
            if (!dc.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                dc.Kill();
                Assert.Fail("dotnet-counters did not finish within 120 s; " + IfmOutput());
            }
            output.WriteLine($"dotnet-counters ran {attach.Elapsed.TotalSeconds:F1} s (test {total.Elapsed.TotalSeconds:F1} s)\n{dcOut.Result}{dcErr.Result}");
            Assert.True(dc.ExitCode == 0 && File.Exists(csv), $"dotnet-counters failed ({dc.ExitCode}; {IfmOutput()}): {dcOut.Result}{dcErr.Result}");
        }
        finally
        {
            if (!run.HasExited) run.Kill();
            run.WaitForExit(10_000);
        }

        // Timestamp,Provider,Counter Name,Counter Type,Mean/Increment; the name carries the unit (and tags) after it.
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(f => f.Length >= 5).ToList();
        static string Instrument(string name) => name.Split(' ', '[')[0];
        var seen = rows.GroupBy(f => (Provider: f[1], Name: Instrument(f[2])))
            .ToDictionary(g => g.Key, g => g.Select(f => double.Parse(f[^1], CultureInfo.InvariantCulture)).ToList());
        output.WriteLine(string.Join("\n", seen.Select(kv => $"{kv.Key.Provider} {kv.Key.Name}: {string.Join(" ", kv.Value)}")));
        foreach (string name in ControlInstruments) Assert.True(seen.ContainsKey(("Ifm.Control", name)), "missing Ifm.Control " + name);
        foreach (string name in BridgeInstruments) Assert.True(seen.ContainsKey(("Ifm.FirmwareBridge", name)), "missing Ifm.FirmwareBridge " + name);

        // Live values: the loop advanced (60 Hz map), frames flowed both ways, the gauge holds the map's rate.
        Assert.Contains(seen[("Ifm.Control", "ifm.loop.periods")], v => v > 0);
        Assert.Contains(seen[("Ifm.FirmwareBridge", "ifm.bridge.frames_ok")], v => v > 0);
        Assert.Contains(seen[("Ifm.FirmwareBridge", "ifm.bridge.frames_sent")], v => v > 0);
        Assert.All(seen[("Ifm.Control", "ifm.loop.rate_target")], v => Assert.Equal(60, v));
    }
}

/// <summary>
/// A fact that runs when <c>dotnet tool restore</c> has brought the dotnet-counters version of
/// .config/dotnet-tools.json into the NuGet package folder, and is skipped with that reason otherwise.
/// </summary>
internal sealed class DotnetCountersFactAttribute : FactAttribute
{
    public DotnetCountersFactAttribute()
    {
        string manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, ".config", "dotnet-tools.json"));
        using var doc = System.Text.Json.JsonDocument.Parse(manifest);
        string version = doc.RootElement.GetProperty("tools").GetProperty("dotnet-counters").GetProperty("version").GetString()!;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (!Directory.Exists(Path.Combine(packages, "dotnet-counters", version)))
        {
            Skip = $"dotnet-counters {version} is not installed (run `dotnet tool restore` in the repository root: .config/dotnet-tools.json)";
        }
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Ifm.Runtime.Persistence;

namespace Ifm.Control.Tests;

/// <summary>`ifm run` as a child process: signals, systemd notification and watchdog, journald output, --config.</summary>
public sealed partial class ProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int Sigterm = 15, Sigint = 2;

    private sealed class Child : IDisposable
    {
        private readonly StringBuilder _out = new(), _err = new();
        private readonly object _gate = new();

        public Child(IEnumerable<string> args, IDictionary<string, string>? env = null)
        {
            var psi = new ProcessStartInfo(PublishedArtifacts.Ifm("linux-x64"), args) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (env is not null) foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
            Process = Process.Start(psi)!;
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _out.AppendLine(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _err.AppendLine(e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Out { get { lock (_gate) return _out.ToString(); } }

        public string Err { get { lock (_gate) return _err.ToString(); } }

        public bool WaitForOutput(string pattern) => SpinWait.SpinUntil(() => Regex.IsMatch(Out, pattern) || Process.HasExited, Patience)
            && Regex.IsMatch(Out, pattern);

        public void Signal(int sig) => Assert.Equal(0, Kill(Process.Id, sig));

        public int WaitForExit()
        {
            Assert.True(Process.WaitForExit(Patience), "ifm run did not exit");
            Process.WaitForExit();
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(true);
            Process.Dispose();
        }
    }

    [Theory]
    [InlineData(Sigterm)]
    [InlineData(Sigint)]
    public void A_stop_signal_drives_actuators_safe_saves_learned_state_and_exits_0(int signal)
    {
        string ckpt = Path.Combine(Paths.TempDir(), "state.ckpt");
        using var child = new Child(["run", Paths.Model("pavlov.ifm"), "--sim", "pavlov", "--rate", "200", "--duration", "600",
            "--checkpoint", ckpt, "--status-interval", "0.1"]);
        Assert.True(child.WaitForOutput(@"\| periods [1-9]"), child.Out + child.Err); // a status line after some periods
        child.Signal(signal);
        Assert.Equal(0, child.WaitForExit());
        Assert.Contains("stopped on request", child.Out, StringComparison.Ordinal);
        Assert.Contains("actuators in safe state", child.Out, StringComparison.Ordinal);
        Assert.Contains($"learned state saved to {ckpt}", child.Out, StringComparison.Ordinal);
        Assert.True(Checkpoint.Read(ckpt).Tick > 0);
        Assert.DoesNotContain("\r", child.Out, StringComparison.Ordinal); // not a terminal: no redrawn status line
    }

    [Fact]
    public void Systemd_notify_ready_watchdog_from_the_loop_stops_when_the_loop_stalls()
    {
        string dir = Paths.TempDir();
        string stall = Path.Combine(dir, "stall");
        string name = "@ifm-watchdog-" + Guid.NewGuid().ToString("N");
        using var server = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        server.Bind(new UnixDomainSocketEndPoint("\0" + name[1..]));
        using var child = new Child(["run", Paths.Model("pong.ifm"), "--sim", "pong", "--rate", "500"], new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = name, ["WATCHDOG_USEC"] = "200000", ["IFM_TEST_STALL_FILE"] = stall,
        });
        var buf = new byte[512];
        string Next(int timeoutMs)
        {
            server.ReceiveTimeout = timeoutMs;
            try { return Encoding.UTF8.GetString(buf, 0, server.Receive(buf)); }
            catch (SocketException) { return ""; }
        }

        // READY=1 first, then WATCHDOG=1 pings (every 100 ms; a few suffice).
        Assert.Equal("READY=1", Next(90_000));
        int pings = 0;
        while (pings < 5)
        {
            string m = Next(30_000);
            Assert.NotEqual("", m);
            if (m == "WATCHDOG=1") pings++;
        }

        // Stall the loop inside its period: after the in-flight datagrams, no more pings (the process still lives).
        File.WriteAllText(stall, "");
        while (Next(1000) != "") { }
        string? during = null;
        for (string m; (m = Next(1500)) != "";) if (m == "WATCHDOG=1") during = m;
        Assert.Null(during);
        Assert.False(child.Process.HasExited);

        // Unstall: pings resume. SIGTERM: STOPPING=1 and a clean exit.
        File.Delete(stall);
        string resumed;
        do resumed = Next(30_000); while (resumed != "WATCHDOG=1" && resumed != "");
        Assert.Equal("WATCHDOG=1", resumed);
        child.Signal(Sigterm);
        string last;
        bool stopping = false;
        while ((last = Next(30_000)) != "") if (last == "STOPPING=1") { stopping = true; break; }
        Assert.True(stopping, "no STOPPING=1");
        Assert.Equal(0, child.WaitForExit());
    }

    [Fact]
    public void Journal_output_has_priority_prefixes_and_plain_status_lines()
    {
        using var child = new Child(["run", Paths.Model("pong.ifm"), "--sim", "pong", "--rate", "200", "--duration", "1", "--status-interval", "0.2"],
            new Dictionary<string, string> { ["JOURNAL_STREAM"] = "8:12345" });
        Assert.Equal(0, child.WaitForExit());
        string[] lines = child.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.Matches(@"^<[0-7]>", l));
        Assert.Contains(lines, l => l.StartsWith("<6>", StringComparison.Ordinal) && l.Contains("periods", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("<5>run completed", StringComparison.Ordinal));
    }

    [Fact]
    public void Config_file_runs_and_bad_keys_are_named()
    {
        string dir = Paths.TempDir();
        File.Copy(Paths.Model("pong.ifm"), Path.Combine(dir, "pong.ifm"));
        File.WriteAllText(Path.Combine(dir, "run.json"), """
            { "model": "pong.ifm", "sim": "pong", "rateHz": 250, "durationSeconds": 0.4, "overrunPolicy": "skip",
              "realtime": { "priority": null, "cpus": null, "mlock": false }, "backend": "cpu" }
            """);
        using (var ok = new Child(["run", "--config", Path.Combine(dir, "run.json")]))
        {
            Assert.Equal(0, ok.WaitForExit());
            Assert.Contains("run completed after 100 periods at 250 Hz", ok.Out, StringComparison.Ordinal);
            Assert.Contains("policy skip", ok.Out, StringComparison.Ordinal);
        }

        File.WriteAllText(Path.Combine(dir, "bad.json"), """{ "model": "pong.ifm", "sim": "pong", "realtime": { "priority": 150 }, "ratehz": 5 }""");
        using var bad = new Child(["run", "--config", Path.Combine(dir, "bad.json")]);
        Assert.Equal(1, bad.WaitForExit());
        Assert.Contains("ratehz: unknown key", bad.Err, StringComparison.Ordinal);
        Assert.StartsWith("ifm: ", bad.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_errors_are_one_line()
    {
        using (var noMap = new Child(["run", Paths.Model("pong.ifm")]))
        {
            Assert.Equal(1, noMap.WaitForExit());
            Assert.Contains("--devices: required", noMap.Err, StringComparison.Ordinal);
        }

        // An OpenCL loader that finds no driver (an empty vendors directory): --backend opencl fails in one line.
        string noIcd = Directory.CreateTempSubdirectory("ifm-no-icd-").FullName;
        using var opencl = new Child(["run", Paths.Model("pong.ifm"), "--sim", "pong", "--backend", "opencl", "--duration", "1"],
            new Dictionary<string, string> { ["OCL_ICD_VENDORS"] = noIcd });
        Assert.Equal(1, opencl.WaitForExit());
        Assert.Contains("OpenCL backend not available", opencl.Err, StringComparison.Ordinal);
        Directory.Delete(noIcd);
    }
}

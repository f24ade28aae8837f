using System.Diagnostics;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Ifm.Hil.Tests;

/// <summary><c>ifm hil</c> in the published NativeAOT binary: exit codes 0/1/2, the report, JUnit XML, the virtual MCU.</summary>
[Collection("loop")]
public sealed class CliTests(McuBuild mcu, ITestOutputHelper output)
{
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-x64");

    [Fact]
    public void Exit_codes_report_and_junit()
    {
        string junit = Path.Combine(Path.GetTempPath(), $"hil-{Guid.NewGuid():N}.xml");
        var (code, stdout, stderr) = Ifm(["hil", Path.Combine(Repo.Hil, "overrun-count.json"), "--junit", junit]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("PASS overruns ≥ 1 (window): overruns over 1 s (period 60) – 1.5 s (period 90) = ", stdout, StringComparison.Ordinal);
        Assert.Contains("step 1 s (period 60): stall the loop 100 ms — applied on the loop thread", stdout, StringComparison.Ordinal);
        XElement suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal("overrun-count (sim)", suite.Attribute("name")!.Value);
        Assert.Equal(3, suite.Elements("testcase").Count());
        Assert.Equal("0", suite.Attribute("failures")!.Value);

        string bad = Repo.Scenario("""{ "version": 1, "model": "MODELS/pong.ifm", "plant": "pong", "loop": { "rateHz": 60, "durationSeconds": 1 }, "assertions": [ { "kind": "nope" } ] }""");
        (code, stdout, stderr) = Ifm(["hil", bad]);
        Assert.Equal(2, code);
        Assert.StartsWith($"ifm: {bad}: $.assertions[0].kind: unknown assertion kind 'nope'; known kinds: channel, learning_guard, metric,", stderr, StringComparison.Ordinal);

        string failing = Repo.Scenario("""
            { "version": 1, "model": "MODELS/pong.ifm", "plant": "pong", "loop": { "rateHz": 60, "durationSeconds": 1, "plasticity": "off" },
              "assertions": [ { "kind": "metric", "metric": "periods", "min": 100, "name": "long enough" } ] }
            """);
        (code, stdout, stderr) = Ifm(["hil", failing, "--junit", junit]);
        Assert.Equal(1, code);
        Assert.Contains("FAIL long enough: periods over the run = 60 (expected ≥ 100)", stdout, StringComparison.Ordinal);
        Assert.Equal("periods over the run = 60; expected ≥ 100", XDocument.Load(junit).Descendants("failure").Single().Attribute("message")!.Value);
        File.Delete(junit);

        (code, stdout, _) = Ifm(["hil", "--list"]);
        Assert.Equal(0, code);
        Assert.Contains("link_pull", stdout, StringComparison.Ordinal);
        Assert.Contains("restored_state", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Virtual_mcu_target_in_the_native_binary()
    {
        var (code, stdout, stderr) = Ifm(["hil", Path.Combine(Repo.Hil, "mcu-reset.json"), "--target", "virtual-mcu"], ("IFM_VIRTUAL_MCU", mcu.Path));
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("step 1.5 s (period 90): reset the MCU — SIGUSR1 (reboot) sent to the virtual MCU", stdout, StringComparison.Ordinal);

        (code, _, stderr) = Ifm(["hil", Path.Combine(Repo.Hil, "mcu-reset.json"), "--target", "virtual-mcu"], ("IFM_VIRTUAL_MCU", "/nonexistent/mcu"));
        Assert.Equal(2, code);
        Assert.Contains("IFM_VIRTUAL_MCU: '/nonexistent/mcu' does not exist", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// A SIGKILL of <c>ifm hil</c> itself runs no cleanup code: the virtual MCU still ends, because its stdin is a pipe
    /// only <c>ifm</c> held (the kernel closes it), and with it go the pseudo-terminals.
    /// </summary>
    [Fact]
    public void Sigkill_of_ifm_hil_takes_the_mcu_and_the_ptys_with_it()
    {
        var psi = new ProcessStartInfo(_ifm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "hil", Path.Combine(Repo.Hil, "pong-nominal.json"), "--target", "virtual-mcu" }) psi.ArgumentList.Add(a);
        psi.Environment["IFM_VIRTUAL_MCU"] = mcu.Path;
        using var ifm = Process.Start(psi)!;
        int mcuPid = 0;
        string? pty = null;
        for (long until = Environment.TickCount64 + 30_000; Environment.TickCount64 < until && pty is null; Thread.Sleep(50))
        {
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
                try
                {
                    if (!File.ReadAllText(Path.Combine(dir, "status")).Contains($"PPid:\t{ifm.Id}\n", StringComparison.Ordinal)) continue;
                    string[] argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                    if (argv.Length > 0 && argv[0] == mcu.Path && argv[^1].StartsWith("/dev/pts/", StringComparison.Ordinal)) (mcuPid, pty) = (pid, argv[^1]);
                }
                catch (IOException)
                {
                }
            }
        }

        Assert.True(pty is not null, "the virtual MCU did not start");
        Thread.Sleep(1000); // mid-run: the loop is going
        Assert.True(File.Exists(pty));
        ifm.Kill(); // SIGKILL
        ifm.WaitForExit();
        long deadline = Environment.TickCount64 + 5000;
        while (Environment.TickCount64 < deadline && (Alive(mcuPid) || File.Exists(pty))) Thread.Sleep(50);
        Assert.False(Alive(mcuPid), $"the virtual MCU {mcuPid} still runs 5 s after ifm was killed");
        Assert.False(File.Exists(pty), $"{pty} still exists 5 s after ifm was killed");

        // A zombie (nobody reaps orphans here) has ended: it holds no pty and runs no code.
        static bool Alive(int pid)
        {
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    private (int Code, string Stdout, string Stderr) Ifm(string[] args, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo(_ifm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException(string.Join(' ', args));
        }

        return (p.ExitCode, stdout, err.Result);
    }
}

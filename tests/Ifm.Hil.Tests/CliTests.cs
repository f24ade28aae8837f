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

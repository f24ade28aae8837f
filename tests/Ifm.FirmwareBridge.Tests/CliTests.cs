namespace Ifm.FirmwareBridge.Tests;

/// <summary><c>ifm bridge probe|monitor</c> as a user runs them, against the virtual MCU on a socat pty.</summary>
[Collection(HardwareInTheLoop.Name)]
public sealed class CliTests(VirtualMcuBuild build)
{

    [Fact]
    public void Probe_shows_hello_and_round_trip()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd, "pavlov");
        (int code, string stdout, string stderr) = Run("bridge", "probe", socat.HostEnd, "--count", "20");
        Assert.True(code == 0, stderr);
        Assert.Contains("firmware    1.0.0", stdout, StringComparison.Ordinal);
        Assert.Contains("sensors     4", stdout, StringComparison.Ordinal);
        Assert.Contains("a0   duty", stdout, StringComparison.Ordinal);
        Assert.Contains("round trip  p50", stdout, StringComparison.Ordinal);
        Assert.Contains("(20/20 echoes)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitor_prints_live_counters()
    {
        using var socat = new SocatPair();
        using var mcu = new VirtualMcuProcess(build.McuPath, socat.McuEnd);
        (int code, string stdout, string stderr) = Run("bridge", "monitor", socat.HostEnd, "--duration-s", "1", "--interval-ms", "300");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 2, stdout);
        Assert.All(lines, l => Assert.Contains(" up ", l, StringComparison.Ordinal));
        Assert.Contains("resyncs=", lines[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/nonexistent/tty", "does not exist")]
    [InlineData("/dev/null", "no HELLO from /dev/null")]
    public void Errors_are_one_line_and_non_zero(string port, string expected)
    {
        (int code, string stdout, string stderr) = Run("bridge", "probe", port, "--timeout-ms", "300");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ifm: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args) => IfmCli.Run(TimeSpan.FromSeconds(60), args);
}

using System.Globalization;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// <c>ifm devices</c>, <c>--backend</c> and <c>--opencl-device</c> in a child process: with PoCL, and with an OpenCL
/// loader that finds no driver (OCL_ICD_VENDORS pointing at an empty directory).
/// </summary>
public sealed class CliBackendTests : TempDirectoryTests
{
    private readonly string _model;

    public CliBackendTests()
        : base("ifm-ocl-cli-")
    {
        _model = Path.Combine(Dir, "net.ifm");
        IfmFile.Write(TestNetworks.Derive(RandomNetwork.Create(new RandomNetworkOptions { Neurons = 120, Inputs = 4, Outputs = 2, Rule = new OjaRule(0.01f, -1f, 1f) }), 0.5f), _model);
    }

    [Fact]
    public void Devices_lists_the_pocl_device()
    {
        var r = IfmProcess.Run(null, "devices");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Portable Computing Language", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  0:0  \S", r.Stdout);
    }

    [Fact]
    public void Devices_says_none_without_a_driver()
    {
        var r = IfmProcess.Run(IfmProcess.WithoutDriver(), "devices");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("no OpenCL devices:", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Opencl_backend_fails_with_one_clear_line_without_a_driver()
    {
        var r = IfmProcess.Run(IfmProcess.WithoutDriver(), "bench", _model, "--backend", "opencl", "--ticks", "10", "--repetitions", "1");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("ifm: OpenCL backend not available: no OpenCL platform or device found (the ICD loader lists no driver: install one, e.g. pocl-opencl-icd)", r.Stderr.Trim());
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Run_drives_the_simulated_plant_on_the_opencl_backend()
    {
        var r = IfmProcess.Run(null, "run", Path.Combine(RepoRoot(), "runtime", "models", "pong.ifm"), "--sim", "pong", "--duration", "1",
            "--backend", "opencl", "--status-interval", "60");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Matches(@"backend opencl, plasticity", r.Stdout);
        Assert.Matches(@"pong: \d+ game ticks", r.Stdout);
        Assert.Contains("actuators in safe state", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_refuses_opencl_and_auto_falls_back_without_a_driver()
    {
        string model = Path.Combine(RepoRoot(), "runtime", "models", "pong.ifm");
        var failed = IfmProcess.Run(IfmProcess.WithoutDriver(), "run", model, "--sim", "pong", "--duration", "1", "--backend", "opencl");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("ifm: OpenCL backend not available: no OpenCL platform or device found (the ICD loader lists no driver: install one, e.g. pocl-opencl-icd)", failed.Stderr.Trim());

        var fallback = IfmProcess.Run(IfmProcess.WithoutDriver(), "run", model, "--sim", "pong", "--duration", "1", "--backend", "auto", "--status-interval", "60");
        Assert.True(fallback.ExitCode == 0, fallback.Stderr);
        Assert.Contains("backend cpu (auto: OpenCL not usable: no OpenCL platform or device found", fallback.Stdout, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "IFM.sln"))) return dir;
        }

        throw new InvalidOperationException("IFM.sln not found");
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_with_a_reason_without_a_driver()
    {
        var r = IfmProcess.Run(IfmProcess.WithoutDriver(), "bench", _model, "--backend", "auto", "--ticks", "10", "--repetitions", "1");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ifm: backend cpu: OpenCL not usable: no OpenCL platform or device found (the ICD loader lists no driver: install one, e.g. pocl-opencl-icd)", r.Stderr.Trim());
        Assert.Contains("cpu backend", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_with_pocl_says_which_backend_it_measured_faster()
    {
        var r = IfmProcess.Run(null, "bench", _model, "--backend", "auto", "--ticks", "10", "--repetitions", "1", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^ifm: backend (cpu|opencl): auto chose \1: [\d.]+ µs/tick on .+ vs [\d.]+ µs/tick on the CPU, measured on this model$", r.Stderr.Trim());
        Assert.Contains("\"backend\"", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_device_and_unknown_backend_are_errors()
    {
        var r = IfmProcess.Run(null, "bench", _model, "--backend", "opencl", "--opencl-device", "7:3");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("ifm: OpenCL backend not available: OpenCL device 7:3 does not exist (devices: 0:0 ", r.Stderr, StringComparison.Ordinal);
        var bad = IfmProcess.Run(null, "bench", _model, "--backend", "cuda");
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public void Replay_on_opencl_writes_the_outputs_and_a_checkpoint_the_cpu_replay_agrees_with()
    {
        string inputs = Path.Combine(Dir, "in.txt");
        var rng = new Random(4);
        File.WriteAllLines(inputs, Enumerable.Range(0, 200).Select(_ =>
            string.Join(',', Enumerable.Range(0, 4).Select(_ => (rng.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture)))));
        string outCl = Path.Combine(Dir, "cl.csv"), outCpu = Path.Combine(Dir, "cpu.csv");
        var a = IfmProcess.Run(null, "replay", _model, "-i", inputs, "-o", outCl, "--backend", "opencl", "--opencl-device", "0:0", "--checkpoint-out", Path.Combine(Dir, "cl.ckpt"));
        Assert.True(a.ExitCode == 0, a.Stderr);
        var b = IfmProcess.Run(null, "replay", _model, "-i", inputs, "-o", outCpu, "--backend", "cpu");
        Assert.True(b.ExitCode == 0, b.Stderr);
        var cl = Rows(outCl);
        var cpu = Rows(outCpu);
        Assert.Equal(201, cl.Length);
        for (int i = 1; i < cl.Length; i++) Parity.AssertClose(Values(cpu[i]), Values(cl[i]), $"replay line {i}");
        Assert.True(File.Exists(Path.Combine(Dir, "cl.ckpt")));
    }

    private static string[] Rows(string path) => File.ReadAllLines(path);

    private static float[] Values(string line) => [.. line.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture))];
}

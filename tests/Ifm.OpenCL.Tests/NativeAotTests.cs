using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>The OpenCL backend inside the NativeAOT binary: device listing, benchmarks on PoCL, and the no-driver paths.</summary>
public sealed class NativeAotTests : TempDirectoryTests, IClassFixture<PublishedBinary>
{
    private readonly string _ifm;
    private readonly string _model;

    public NativeAotTests(PublishedBinary binary)
        : base("ifm-ocl-aot-")
    {
        _ifm = binary.Path;
        _model = Path.Combine(Dir, "net.ifm");
        IfmFile.Write(RandomNetwork.Create(new RandomNetworkOptions { Neurons = 200, Rule = new HebbianTraceRule(0.05f) }), _model);
    }

    [Fact]
    public void Devices_and_an_opencl_benchmark_work_in_the_native_binary()
    {
        var d = IfmProcess.RunWith(_ifm, null, "devices");
        Assert.Equal(0, d.ExitCode);
        Assert.Contains("Portable Computing Language", d.Stdout, StringComparison.Ordinal);

        var b = IfmProcess.RunWith(_ifm, null, "bench", _model, "--backend", "opencl", "--ticks", "50", "--repetitions", "3");
        Assert.True(b.ExitCode == 0, b.Stderr);
        Assert.Contains("opencl (0:0 ", b.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"allocated/tick\s+0\.00 bytes", b.Stdout);
    }

    [Fact]
    public void Without_a_driver_the_native_binary_says_none_falls_back_on_auto_and_fails_clearly_on_opencl()
    {
        var env = IfmProcess.WithoutDriver();
        Assert.StartsWith("no OpenCL devices:", IfmProcess.RunWith(_ifm, env, "devices").Stdout, StringComparison.Ordinal);
        var auto = IfmProcess.RunWith(_ifm, env, "bench", _model, "--backend", "auto", "--ticks", "10", "--repetitions", "1");
        Assert.Equal(0, auto.ExitCode);
        Assert.StartsWith("ifm: backend cpu: OpenCL not usable: no OpenCL platform", auto.Stderr, StringComparison.Ordinal);
        var ocl = IfmProcess.RunWith(_ifm, env, "bench", _model, "--backend", "opencl");
        Assert.Equal(1, ocl.ExitCode);
        Assert.StartsWith("ifm: OpenCL backend not available: no OpenCL platform", ocl.Stderr, StringComparison.Ordinal);
    }
}

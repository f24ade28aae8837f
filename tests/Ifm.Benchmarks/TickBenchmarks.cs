using BenchmarkDotNet.Attributes;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Benchmarks;

/// <summary>
/// One tick of <see cref="CpuSession.Step"/>: the static network (baseline), and the same network with a Hebbian trace
/// on every edge run by the rule's generic learner and by the fused kernels. The Ratio column is the cost of
/// plasticity relative to the static tick; Allocated must read 0 B (or "-").
/// </summary>
[MemoryDiagnoser]
public class TickBenchmarks
{
    private CpuSession _static = null!;
    private CpuSession _generic = null!;
    private CpuSession _fused = null!;

    [Params(Networks.Small, Networks.Large)]
    public string Size { get; set; } = Networks.Small;

    [GlobalSetup]
    public void Setup()
    {
        var plain = Networks.Static(Size);
        var plastic = Networks.Plastic(Size);
        _static = Start(plain, new SessionOptions());
        _generic = Start(plastic, new SessionOptions { FusedPlasticity = false });
        _fused = Start(plastic, new SessionOptions { FusedPlasticity = true });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _static.Dispose();
        _generic.Dispose();
        _fused.Dispose();
    }

    [Benchmark(Baseline = true, Description = "static tick")]
    public void StaticTick() => _static.Step();

    [Benchmark(Description = "plastic tick, generic learner")]
    public void PlasticGeneric() => _generic.Step();

    [Benchmark(Description = "plastic tick, fused kernel")]
    public void PlasticFused() => _fused.Step();

    private static CpuSession Start(IfmModel model, SessionOptions options)
    {
        var s = new CpuSession(model, options);
        s.SetInputs(Networks.Inputs(model));
        s.Step(50); // leave the all-zero start so every tick does representative work
        return s;
    }
}

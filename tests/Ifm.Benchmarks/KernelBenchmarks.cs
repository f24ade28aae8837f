using BenchmarkDotNet.Attributes;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;

namespace Ifm.Benchmarks;

/// <summary>The synaptic-sum kernels alone: <see cref="DenseMatVec"/> on the small dense network, <see cref="CsrMatVec"/> on both.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private IfmModel _small = null!;
    private IfmModel _large = null!;
    private AlignedFloats _dense = null!;
    private int _stride;
    private PaddedCsr _smallCsr = null!, _largeCsr = null!;
    private float[] _wSmall = null!, _wLarge = null!;
    private float[] _xSmall = null!;
    private float[] _xLarge = null!;
    private float[] _y = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = Networks.Static(Networks.Small);
        _large = Networks.Static(Networks.Large);
        int n = _small.NeuronCount;
        _stride = DenseMatVec.Stride(n);
        _dense = new AlignedFloats(n * _stride); // 64-byte aligned rows, as the session allocates them
        var dense = _dense.Span;
        var rowStart = _small.RowStart;
        var pre = _small.Pre;
        var w = _small.Weight;
        for (int i = 0; i < n; i++)
        {
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) dense[i * _stride + pre[k]] = w[k];
        }

        (_smallCsr, _wSmall) = Padded(_small);
        (_largeCsr, _wLarge) = Padded(_large);
        _xSmall = Activity(_stride, n);
        _xLarge = Activity(_large.NeuronCount + 1, _large.NeuronCount);
        _y = new float[_large.NeuronCount];
    }

    [Benchmark(Description = "DenseMatVec 300/20%")]
    public void DenseSmall() => DenseMatVec.Multiply(_dense.Span, _small.NeuronCount, _stride, _xSmall, _y);

    [Benchmark(Description = "CsrMatVec 300/20%, padded rows, 16-bit indices")]
    public void CsrSmall() => _smallCsr.Multiply(_wSmall, _xSmall, _y);

    [Benchmark(Description = "CsrMatVec 10k/1M, padded rows, 16-bit indices")]
    public void CsrLarge() => _largeCsr.Multiply(_wLarge, _xLarge, _y);

    [Benchmark(Description = "CsrMatVec 10k/1M, model rows, 32-bit indices")]
    public void CsrLargeUnpadded() => CsrMatVec.Multiply(_large.RowStart, _large.Pre, _large.Weight, _xLarge, _y);

    /// <summary>The rows as a sparse session lays them out.</summary>
    internal static (PaddedCsr Csr, float[] Slots) Padded(IfmModel model)
    {
        var csr = new PaddedCsr(model);
        var slots = new float[csr.Length];
        csr.Scatter(model.Weight, slots);
        return (csr, slots);
    }

    /// <summary>Outputs in (−1, 1) as tanh makes them; zero padding beyond the neurons.</summary>
    private static float[] Activity(int length, int neurons)
    {
        var rng = new Random(3);
        var x = new float[length];
        for (int i = 0; i < neurons; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

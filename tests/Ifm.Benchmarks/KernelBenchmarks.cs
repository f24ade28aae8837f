using BenchmarkDotNet.Attributes;
using Ifm.Engine;
using Ifm.Engine.Kernels;
using Ifm.Model;

namespace Ifm.Benchmarks;

/// <summary>The synaptic-sum kernels alone: <see cref="DenseMatVec"/> on the small dense network, <see cref="CsrMatVec"/> on both.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private IfmModel _small = null!;
    private IfmModel _large = null!;
    private AlignedFloats _dense = null!;
    private int _stride;
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

        _xSmall = Activity(_stride, n);
        _xLarge = Activity(_large.NeuronCount, _large.NeuronCount);
        _y = new float[_large.NeuronCount];
    }

    [Benchmark(Description = "DenseMatVec 300/20%")]
    public void DenseSmall() => DenseMatVec.Multiply(_dense.Span, _small.NeuronCount, _stride, _xSmall, _y);

    [Benchmark(Description = "CsrMatVec 300/20%")]
    public void CsrSmall() => CsrMatVec.Multiply(_small.RowStart, _small.Pre, _small.Weight, _xSmall, _y);

    [Benchmark(Description = "CsrMatVec 10k/1M")]
    public void CsrLarge() => CsrMatVec.Multiply(_large.RowStart, _large.Pre, _large.Weight, _xLarge, _y);

    /// <summary>Outputs in (−1, 1) as tanh makes them; zero padding beyond the neurons.</summary>
    private static float[] Activity(int length, int neurons)
    {
        var rng = new Random(3);
        var x = new float[length];
        for (int i = 0; i < neurons; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

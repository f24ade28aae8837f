using BenchmarkDotNet.Attributes;
using Ifm.Engine;
using Ifm.Engine.Kernels;
using Ifm.Model;

namespace Ifm.Benchmarks;

/// <summary>
/// The fused Hebbian-trace kernels alone (synaptic sum with effective weights w + α·H, with and without the trace
/// update): <see cref="FusedHebbianDense"/> on the small dense network, <see cref="FusedHebbianCsr"/> on the large one.
/// Compare with <see cref="KernelBenchmarks"/> (the static synaptic sum of the same networks).
/// </summary>
[MemoryDiagnoser]
public class FusedKernelBenchmarks
{
    private static readonly FusedHebbianCsr.Parameters Rule = new(0.05f, true, float.NegativeInfinity, float.PositiveInfinity);
    private IfmModel _small = null!;
    private IfmModel _large = null!;
    private AlignedFloats _w = null!, _a = null!, _h = null!;
    private int _stride;
    private float[] _hLarge = null!;
    private float[] _y1Small = null!, _y2Small = null!, _y1Large = null!, _y2Large = null!;
    private float[] _syn = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = Networks.Plastic(Networks.Small);
        _large = Networks.Plastic(Networks.Large);
        int n = _small.NeuronCount;
        _stride = DenseMatVec.Stride(n);
        _w = new AlignedFloats(n * _stride); // 64-byte aligned rows, as the session allocates them
        _a = new AlignedFloats(n * _stride);
        _h = new AlignedFloats(n * _stride);
        for (int i = 0; i < n; i++)
        {
            for (int k = _small.RowStart[i]; k < _small.RowStart[i + 1]; k++)
            {
                _w.Span[i * _stride + _small.Pre[k]] = _small.Weight[k];
                _a.Span[i * _stride + _small.Pre[k]] = _small.Alpha[k];
            }
        }

        _hLarge = new float[_large.EdgeCount];
        _y1Small = Activity(_stride, n, 3);
        _y2Small = Activity(_stride, n, 4);
        _y1Large = Activity(_large.NeuronCount, _large.NeuronCount, 3);
        _y2Large = Activity(_large.NeuronCount, _large.NeuronCount, 4);
        _syn = new float[_large.NeuronCount];
    }

    [Benchmark(Description = "FusedHebbianDense 300/20%, update")]
    public float DenseUpdate() => FusedHebbianDense.Run(_w.Span, _a.Span, _h.Span, _small.NeuronCount, _stride, _y1Small, _y2Small, _syn, true, Rule);

    [Benchmark(Description = "FusedHebbianDense 300/20%, no update")]
    public float DenseNoUpdate() => FusedHebbianDense.Run(_w.Span, _a.Span, _h.Span, _small.NeuronCount, _stride, _y1Small, _y2Small, _syn, false, Rule);

    [Benchmark(Description = "FusedHebbianCsr 10k/1M, update")]
    public float CsrUpdate() =>
        FusedHebbianCsr.Run(_large.RowStart, _large.Pre, _large.Weight, _large.Alpha, _hLarge, _y1Large, _y2Large, _syn, true, Rule);

    [Benchmark(Description = "FusedHebbianCsr 10k/1M, no update")]
    public float CsrNoUpdate() =>
        FusedHebbianCsr.Run(_large.RowStart, _large.Pre, _large.Weight, _large.Alpha, _hLarge, _y1Large, _y2Large, _syn, false, Rule);

    private static float[] Activity(int length, int neurons, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < neurons; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

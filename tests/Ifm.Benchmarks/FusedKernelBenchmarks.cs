using BenchmarkDotNet.Attributes;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;

namespace Ifm.Benchmarks;

/// <summary>
/// The fused Hebbian-trace kernels alone (synaptic sum with effective weights w + α·H, with and without the trace
/// update): <see cref="FusedHebbianDense"/> on the small network, <see cref="FusedHebbianCsr"/> (padded rows, as a session
/// lays them out) on both.
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
    private Slots _csrSmall = null!, _csrLarge = null!;
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

        _csrSmall = new Slots(_small);
        _csrLarge = new Slots(_large);
        _y1Small = Activity(_stride, n, 3);
        _y2Small = Activity(_stride, n, 4);
        _y1Large = Activity(_large.NeuronCount + 1, _large.NeuronCount, 3);
        _y2Large = Activity(_large.NeuronCount + 1, _large.NeuronCount, 4);
        _syn = new float[_large.NeuronCount];
    }

    [Benchmark(Description = "FusedHebbianDense 300/20%, update")]
    public float DenseUpdate() => FusedHebbianDense.Run(_w.Span, _a.Span, _h.Span, _small.NeuronCount, _stride, _y1Small, _y2Small, _syn, true, Rule);

    [Benchmark(Description = "FusedHebbianDense 300/20%, no update")]
    public float DenseNoUpdate() => FusedHebbianDense.Run(_w.Span, _a.Span, _h.Span, _small.NeuronCount, _stride, _y1Small, _y2Small, _syn, false, Rule);

    [Benchmark(Description = "FusedHebbianCsr 300/20%, update")]
    public float CsrSmallUpdate() => _csrSmall.Run(_y1Small, _y2Small, _syn, true);

    [Benchmark(Description = "FusedHebbianCsr 10k/1M, update")]
    public float CsrUpdate() => _csrLarge.Run(_y1Large, _y2Large, _syn, true);

    [Benchmark(Description = "FusedHebbianCsr 10k/1M, no update")]
    public float CsrNoUpdate() => _csrLarge.Run(_y1Large, _y2Large, _syn, false);

    /// <summary>A network's padded rows with w, α and H in their slots, as a plastic session holds them.</summary>
    private sealed class Slots
    {
        private readonly PaddedCsr _csr;
        private readonly float[] _w, _a, _h, _pairs;

        public Slots(IfmModel model)
        {
            _csr = new PaddedCsr(model);
            _w = new float[_csr.Length];
            _a = new float[_csr.Length];
            _h = new float[_csr.Length];
            _csr.Scatter(model.Weight, _w);
            _csr.Scatter(model.Alpha, _a);
            _pairs = new float[2 * DenseMatVec.Stride(model.NeuronCount + 1)];
        }

        public float Run(float[] y1, float[] y2, float[] syn, bool update) =>
            _csr.RunFusedHebbian(_w, _a, _h, y1, y2, _pairs, syn, update, Rule);
    }

    private static float[] Activity(int length, int neurons, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < neurons; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

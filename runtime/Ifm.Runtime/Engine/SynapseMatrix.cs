using Ifm.Engine.Kernels;
using Ifm.Model;

namespace Ifm.Engine;

/// <summary>
/// A session's own weights (so plasticity can change them) and the synaptic sum syn = W·y(t−1).
/// The per-edge array in CSR order is authoritative; the kernel reads a mirror of it: an N×stride matrix (dense
/// layout) or the row-padded CSR slots of <see cref="PaddedCsr"/> (sparse layout).
/// </summary>
internal sealed class SynapseMatrix
{
    private readonly IfmModel _model;
    private readonly float[] _weights;
    private readonly AlignedFloats? _dense;
    private readonly int[]? _densePosition;
    private readonly PaddedCsr? _csr;
    private readonly AlignedFloats? _slots;

    public SynapseMatrix(IfmModel model, SessionOptions options)
    {
        _model = model;
        _weights = (float[])model.WeightArray.Clone();
        int n = model.NeuronCount;
        Layout = options.Layout switch
        {
            SynapseLayout.Dense => SynapseLayout.Dense,
            SynapseLayout.Sparse => SynapseLayout.Sparse,
            _ => model.Density > options.DenseAbove && n <= options.MaxDenseNeurons ? SynapseLayout.Dense : SynapseLayout.Sparse,
        };
        Stride = DenseMatVec.Stride(n);
        if (Layout == SynapseLayout.Dense)
        {
            _dense = new AlignedFloats((long)n * Stride);
            _densePosition = new int[_weights.Length];
            var rowStart = model.RowStart;
            var pre = model.Pre;
            for (int i = 0; i < n; i++)
            {
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++) _densePosition[k] = i * Stride + pre[k];
            }

        }
        else
        {
            _csr = new PaddedCsr(model);
            _slots = new AlignedFloats(_csr.Length);
        }

        SyncLayout();
    }

    public SynapseLayout Layout { get; }

    /// <summary>Dense layout: the index of each edge (CSR order) in an N×<see cref="Stride"/> matrix.</summary>
    public ReadOnlySpan<int> DensePosition => _densePosition;

    /// <summary>The same, as the array itself (shared, not copied, by the fused pass's dense matrices).</summary>
    internal int[]? DensePositionArray => _densePosition;

    /// <summary>Sparse layout: the padded rows the kernel runs over.</summary>
    public PaddedCsr? Csr => _csr;

    /// <summary>Dense layout: the row stride of the N×stride matrix.</summary>
    public int Stride { get; }

    /// <summary>Length the presynaptic output vector must have (zeros beyond N): the dense stride, or one past the
    /// last neuron for the pad slots of the sparse layout.</summary>
    public int InputLength => Math.Max(Stride, _model.NeuronCount + 1);

    /// <summary>Current weights in CSR edge order. Write through <see cref="SetWeight"/> or call <see cref="SyncLayout"/> after bulk edits.</summary>
    public Span<float> Weights => _weights;

    /// <summary>syn[i] = Σ_j w_ij·y[j].</summary>
    public void Multiply(ReadOnlySpan<float> y, Span<float> syn)
    {
        if (_dense is not null) DenseMatVec.Multiply(_dense.Span, _model.NeuronCount, Stride, y, syn);
        else _csr!.Multiply(_slots!.Span, y, syn);
    }

    public void SetWeight(int edge, float value)
    {
        _weights[edge] = value;
        if (_dense is not null) _dense.Span[_densePosition![edge]] = value;
        else _slots!.Span[_csr!.Position[edge]] = value;
    }

    /// <summary>Copies the per-edge weights into the layout the kernel reads (after bulk changes or a restore).</summary>
    public void SyncLayout()
    {
        if (_csr is not null)
        {
            _csr.Scatter(_weights, _slots!.Span);
            return;
        }

        var pos = _densePosition!;
        var dense = _dense!.Span;
        for (int k = 0; k < _weights.Length; k++) dense[pos[k]] = _weights[k];
    }

    public void Reset()
    {
        _model.Weight.CopyTo(_weights);
        SyncLayout();
    }
}

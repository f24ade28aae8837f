using Ifm.Engine.Kernels;
using Ifm.Model;

namespace Ifm.Engine;

/// <summary>
/// A session's own weights (so plasticity can change them) and the synaptic sum syn = W·y(t−1).
/// The per-edge array in CSR order is authoritative; the dense layout mirrors it in an N×stride matrix.
/// </summary>
internal sealed class SynapseMatrix
{
    private readonly IfmModel _model;
    private readonly float[] _weights;
    private readonly AlignedFloats? _dense;
    private readonly int[]? _densePosition;

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

            SyncDense();
        }
    }

    public SynapseLayout Layout { get; }

    /// <summary>Dense layout: the index of each edge (CSR order) in an N×<see cref="Stride"/> matrix.</summary>
    public ReadOnlySpan<int> DensePosition => _densePosition;

    /// <summary>Length the presynaptic output vector must have (padded with zeros beyond N).</summary>
    public int Stride { get; }

    /// <summary>Current weights in CSR edge order. Write through <see cref="SetWeight"/> or call <see cref="SyncDense"/> after bulk edits.</summary>
    public Span<float> Weights => _weights;

    /// <summary>syn[i] = Σ_j w_ij·y[j].</summary>
    public void Multiply(ReadOnlySpan<float> y, Span<float> syn)
    {
        if (_dense is not null) DenseMatVec.Multiply(_dense.Span, _model.NeuronCount, Stride, y, syn);
        else CsrMatVec.Multiply(_model.RowStart, _model.Pre, _weights, y, syn);
    }

    public void SetWeight(int edge, float value)
    {
        _weights[edge] = value;
        if (_dense is not null) _dense.Span[_densePosition![edge]] = value;
    }

    /// <summary>Copies the per-edge weights into the dense matrix (after bulk changes or a restore).</summary>
    public void SyncDense()
    {
        if (_dense is null) return;
        var pos = _densePosition!;
        var dense = _dense.Span;
        for (int k = 0; k < _weights.Length; k++) dense[pos[k]] = _weights[k];
    }

    public void Reset()
    {
        _model.Weight.CopyTo(_weights);
        SyncDense();
    }
}

using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// A session's own weights (so plasticity can change them) and the synaptic sum syn = W·y(t−1).
/// The per-edge array in CSR order is authoritative; the kernel reads a mirror of it: an N×stride matrix (dense
/// layout) or the row-padded CSR slots of <see cref="PaddedCsr"/> (sparse layout).
/// </summary>
internal sealed class SynapseMatrix
{
    private readonly IfmModel _model;
    private readonly float[] _weights;
    private readonly AlignedFloats _mirror;   // what the kernel reads: the N×stride matrix or the padded row slots
    private readonly int[] _position;         // slot of each edge in _mirror
    private readonly PaddedCsr? _csr;         // sparse layout only
    private bool _mirrorStale;                // DeferLayout: _weights changed since the mirror was last written
    private OutEdges? _outEdges;              // event-driven sessions: the edges by presynaptic neuron
    private float[]? _outWeights;             // the weights in that order (kept equal to _weights)
    private bool _preAhead;                   // a learner wrote _outWeights only: _weights is gathered from it on demand

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
            CheckDenseFits(model, n, Stride, options.DenseMemoryBudget ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);
            _mirror = new AlignedFloats((long)n * Stride);
            _position = new int[_weights.Length];
            var rowStart = model.RowStart;
            var pre = model.Pre;
            for (int i = 0; i < n; i++)
            {
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++) _position[k] = i * Stride + pre[k];
            }
        }
        else
        {
            _csr = new PaddedCsr(model);
            _mirror = new AlignedFloats(_csr.Length);
            _position = _csr.Position;
        }

        SyncLayout();
    }

    public SynapseLayout Layout { get; }

    /// <summary>
    /// The dense layout costs N×stride floats per matrix whatever the edge count (and the fused plastic pass three
    /// more): 30,000 neurons are 3.6 GB each. Refused before allocating when it cannot fit the memory this process
    /// may use, or when a slot index would not fit an int.
    /// </summary>
    private static void CheckDenseFits(IfmModel model, int n, int stride, long budget)
    {
        long slots = (long)n * stride;
        int matrices = model.IsPlastic ? 4 : 1;
        long need = slots * sizeof(float) * matrices;
        if (slots > int.MaxValue || need > budget)
        {
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.OutOfMemory, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"dense layout: {n:N0} neurons need {need / 1e9:0.0} GB ({matrices} N×N matrix{(matrices > 1 ? "es" : "")} of {slots * 4 / 1e9:0.0} GB), more than the {budget / 1e9:0.0} GB it may take (half the memory available to this process); use the sparse layout"));
        }
    }

    /// <summary>The slot of each edge (CSR order) in the layout: its index in the N×<see cref="Stride"/> matrix, or
    /// its padded-row slot. Shared, not copied, by the fused pass's buffers in the same layout.</summary>
    internal int[] Position => _position;

    /// <summary>Sparse layout: the padded rows the kernel runs over.</summary>
    public PaddedCsr? Csr => _csr;

    /// <summary>Dense layout: the row stride of the N×stride matrix.</summary>
    public int Stride { get; }

    /// <summary>Length the presynaptic output vector must have (zeros beyond N): the dense stride, or one past the
    /// last neuron for the pad slots of the sparse layout.</summary>
    public int InputLength => Math.Max(Stride, _model.NeuronCount + 1);

    /// <summary>Current weights in CSR edge order. Write through <see cref="SetWeight"/> or call <see cref="SyncLayout"/> after bulk edits.</summary>
    public Span<float> Weights
    {
        get
        {
            if (_preAhead) GatherFromPre();
            return _weights;
        }
    }

    /// <summary>
    /// When true, <see cref="SetWeight"/> writes only the per-edge array and the layout is brought up to date at the
    /// next <see cref="Multiply"/>: for event-driven sessions, which read the per-edge array and run the matrix kernel
    /// only on busy ticks, so plasticity does not scatter writes into a mirror nobody reads.
    /// </summary>
    public bool DeferLayout { get; set; }

    /// <summary>Event-driven sessions: the edges by presynaptic neuron (null otherwise).</summary>
    public OutEdges? ByPre => _outEdges;

    /// <summary>Event-driven sessions: the weights in <see cref="ByPre"/> slot order, equal to <see cref="Weights"/>
    /// (a learner may write them alone and call <see cref="PreOrderChanged"/>).</summary>
    public Span<float> WeightsByPre => _outWeights;

    /// <summary>
    /// Keeps a second copy of the weights in presynaptic order, written by <see cref="SetWeight"/> and
    /// <see cref="SyncLayout"/>, so that a spike's out-edges are read sequentially; the matrix layout is then
    /// written lazily (<see cref="DeferLayout"/>).
    /// </summary>
    public void EnableEventOrder(OutEdges byPre)
    {
        _outEdges = byPre;
        _outWeights = new float[_weights.Length];
        DeferLayout = true;
        SyncLayout();
    }

    /// <summary>
    /// A learner wrote <see cref="WeightsByPre"/> only (event-driven STDP: one weight array, no second copy written
    /// per edge): the per-edge array and the matrix layout are brought up to date from it when next read.
    /// </summary>
    public void PreOrderChanged()
    {
        _preAhead = true;
        _mirrorStale = true;
    }

    private void GatherFromPre()
    {
        _preAhead = false;
        EdgeSlots.Gather(_outEdges!.SlotOfEdge, _outWeights, _weights);
    }

    /// <summary>syn[i] = Σ_j w_ij·y[j].</summary>
    public void Multiply(ReadOnlySpan<float> y, Span<float> syn)
    {
        if (_mirrorStale) SyncLayout();
        if (_csr is null) DenseMatVec.Multiply(_mirror.Span, _model.NeuronCount, Stride, y, syn);
        else _csr.Multiply(_mirror.Span, y, syn);
    }

    /// <summary>
    /// syn[i] for rows [<paramref name="first"/>, <paramref name="end"/>) only: what one worker of a multi-core tick
    /// computes. Every row is computed exactly as <see cref="Multiply"/> computes it when <paramref name="first"/> is a
    /// multiple of 4 (the dense kernel's row blocks).
    /// </summary>
    public void MultiplyRows(ReadOnlySpan<float> y, Span<float> syn, int first, int end)
    {
        if (_mirrorStale) ThrowStale();
        if (end <= first) return;
        if (_csr is null) DenseMatVec.Multiply(_mirror.Span[(first * Stride)..], end - first, Stride, y, syn[first..end]);
        else _csr.MultiplyRows(_mirror.Span, y, syn, first, end);
    }

    /// <summary>Brings a deferred layout up to date (before workers read it concurrently).</summary>
    public void SyncIfStale()
    {
        if (_mirrorStale) SyncLayout();
    }

    private static void ThrowStale() => throw new InvalidOperationException("the weight layout is stale: call SyncIfStale before the workers run");

    public void SetWeight(int edge, float value)
    {
        if (_preAhead) GatherFromPre();
        _weights[edge] = value;
        if (_outWeights is not null) _outWeights[_outEdges!.SlotOfEdge[edge]] = value;
        if (DeferLayout) _mirrorStale = true;
        else _mirror.Span[_position[edge]] = value;
    }

    /// <summary>Copies the per-edge weights into the layout the kernel reads (after bulk changes or a restore).</summary>
    public void SyncLayout()
    {
        if (_preAhead) GatherFromPre();
        EdgeSlots.Scatter(_position, _weights, _mirror.Span);
        if (_outWeights is not null) EdgeSlots.Scatter(_outEdges!.SlotOfEdge, _weights, _outWeights);
        _mirrorStale = false;
    }

    public void Reset()
    {
        _preAhead = false;
        _model.Weight.CopyTo(_weights);
        SyncLayout();
    }
}

using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// The model's compressed sparse rows with every row padded to a whole number of <see cref="RowMultiple"/> edges, so the
/// CSR kernels run whole vectors with no scalar tail (at 300 neurons and 20 % connectivity a row holds about 60 edges,
/// and the tails were a sixth of the edges). A pad slot reads the <see cref="ZeroInput"/> column — one past the
/// last neuron, whose output the session keeps at 0 — and has weight 0 and α 0, so it adds nothing to a sum, whatever
/// the weight bounds, and its trace stays 0. Per-edge arrays (CSR edge order) map into the padded order through
/// <see cref="Position"/>. Column indices are 16-bit while every index (the zero input included) fits, else 32-bit;
/// <see cref="Multiply"/> and <see cref="RunFusedHebbian"/> call the kernel of the width in use.
/// </summary>
internal sealed class PaddedCsr
{
    /// <summary>Edges per row are a multiple of this: one Vector256 of floats, or two Vector128.</summary>
    public const int RowMultiple = 8;

    private readonly int[] _rowStart;
    private readonly int[]? _pre;       // 32-bit indices (null when the 16-bit ones are used)
    private readonly ushort[]? _pre16;
    private readonly int[] _position;

    /// <param name="narrowIndices">16-bit indices when they fit (the default); false keeps 32-bit ones.</param>
    public PaddedCsr(IfmModel model, bool narrowIndices = true)
    {
        int n = model.NeuronCount;
        var rowStart = model.RowStart;
        var pre = model.Pre;
        _rowStart = new int[n + 1];
        long slots = 0;
        for (int i = 0; i < n; i++)
        {
            int edges = rowStart[i + 1] - rowStart[i];
            slots += (edges + RowMultiple - 1) / RowMultiple * RowMultiple;
            if (slots > Array.MaxLength) throw new ArgumentException($"{model.EdgeCount} edges do not fit in one padded buffer");
            _rowStart[i + 1] = (int)slots;
        }

        ZeroInput = n;
        var wide = new int[slots];
        wide.AsSpan().Fill(ZeroInput);
        _position = new int[pre.Length];
        for (int i = 0; i < n; i++)
        {
            int slot = _rowStart[i];
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++, slot++)
            {
                wide[slot] = pre[k];
                _position[k] = slot;
            }
        }

        Length = wide.Length;
        if (narrowIndices && ZeroInput <= ushort.MaxValue)
        {
            _pre16 = new ushort[wide.Length];
            for (int s = 0; s < wide.Length; s++) _pre16[s] = (ushort)wide[s];
        }
        else
        {
            _pre = wide;
        }
    }

    /// <summary>True when the kernels read 16-bit column indices.</summary>
    public bool Narrow => _pre16 is not null;

    /// <summary>The column every pad slot reads: inputs to the kernels must be at least <see cref="ZeroInput"/> + 1 long, that entry 0.</summary>
    public int ZeroInput { get; }

    /// <summary>Number of slots (edges and padding).</summary>
    public int Length { get; }

    public ReadOnlySpan<int> RowStart => _rowStart;

    /// <summary>Presynaptic neuron of a slot (<see cref="ZeroInput"/> for a pad slot).</summary>
    public int PreOf(int slot) => _pre16 is not null ? _pre16[slot] : _pre![slot];

    /// <summary>Slot of each edge (CSR edge order); shared, not copied, by the session's buffers in this layout.</summary>
    internal int[] Position => _position;

    /// <summary>syn = W·x over the padded rows, W given per slot.</summary>
    public void Multiply(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> syn)
    {
        if (_pre16 is not null) CsrMatVec.Multiply<ushort>(_rowStart, _pre16, w, x, syn);
        else CsrMatVec.Multiply<int>(_rowStart, _pre!, w, x, syn);
    }

    /// <summary>syn[i] = (W·x)[i] for the rows [<paramref name="first"/>, <paramref name="end"/>) only (rows are independent).</summary>
    public void MultiplyRows(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> syn, int first, int end)
    {
        var rows = _rowStart.AsSpan(first, end - first + 1);
        if (_pre16 is not null) CsrMatVec.Multiply<ushort>(rows, _pre16, w, x, syn[first..]);
        else CsrMatVec.Multiply<int>(rows, _pre!, w, x, syn[first..]);
    }

    /// <summary>The fused Hebbian-trace pass over the padded rows (see <see cref="FusedHebbianCsr"/>); w, α and H per slot.</summary>
    public float RunFusedHebbian(ReadOnlySpan<float> w, ReadOnlySpan<float> alpha, Span<float> h, ReadOnlySpan<float> yPrev,
        ReadOnlySpan<float> yPrev2, Span<float> pairs, Span<float> syn, bool update, FusedHebbianCsr.Parameters p) =>
        _pre16 is not null
            ? FusedHebbianCsr.Run<ushort>(_rowStart, _pre16, w, alpha, h, yPrev, yPrev2, pairs, syn, update, p)
            : FusedHebbianCsr.Run<int>(_rowStart, _pre!, w, alpha, h, yPrev, yPrev2, pairs, syn, update, p);

    /// <summary>Writes per-edge values into their slots (pad slots keep what they hold, which callers leave at 0).</summary>
    public void Scatter(ReadOnlySpan<float> perEdge, Span<float> slots) => EdgeSlots.Scatter(_position, perEdge, slots);

    /// <summary>Reads the slots back into CSR edge order.</summary>
    public void Gather(ReadOnlySpan<float> slots, Span<float> perEdge) => EdgeSlots.Gather(_position, slots, perEdge);
}

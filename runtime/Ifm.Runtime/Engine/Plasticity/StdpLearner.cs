using System.Numerics.Tensors;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Pair-based STDP with per-neuron traces (see <see cref="StdpRule"/> for the order of operations): decay the traces,
/// potentiate edges whose post neuron spiked by A₊·x_pre, depress edges whose pre neuron spiked by A₋·z_post, then add
/// this tick's spikes to the traces.
/// </summary>
/// <remarks>
/// Event-driven: only the edges of neurons that spiked change, so the learner walks the in-edges of each neuron that
/// spiked (potentiation, and depression where the pre neuron spiked too) and the out-edges of each neuron that spiked
/// whose post neuron did not (depression only). Each edge's new weight depends only on its old weight and the two
/// traces, so the weights are exactly those of a pass over every edge; the work is O(N) for the traces plus
/// spikes × (fan-in + fan-out) instead of O(E) per tick. For rate neurons (outputs rarely 0) every edge is visited,
/// as before.
/// </remarks>
internal sealed class StdpLearner : GroupLearner
{
    private readonly StdpRule _rule;
    private readonly float[] _xPre;
    private readonly float[] _zPost;
    private readonly float _decayPlus;
    private readonly float _decayMinus;
    private readonly int[] _inStart, _inEdge;     // the group's edges into each neuron (CSR order)
    private readonly int[] _outStart, _outEdge;   // the group's edges out of each neuron
    private readonly int[] _outPost;              // post neuron of each out-edge (saves a lookup per edge)
    private readonly OutEdges? _byPre;            // event-driven sessions: the weights also in presynaptic order
    private readonly int[]? _outSlot;             // … and the slot there of each of the group's out-edges
    private readonly int[] _pre;

    public StdpLearner(IfmModel model, int group, SynapseMatrix synapses, StdpRule rule) : base(model, group, synapses)
    {
        _rule = rule;
        int n = model.NeuronCount;
        _xPre = new float[n];
        _zPost = new float[n];
        _decayPlus = MathF.Exp(-model.Dt / rule.TauPlus);
        _decayMinus = MathF.Exp(-model.Dt / rule.TauMinus);
        (_inStart, _inEdge) = Lists(n, Edges, model.PostArray);
        (_outStart, _outEdge) = Lists(n, Edges, model.PreArray);
        _pre = model.PreArray;
        _outPost = new int[_outEdge.Length];
        for (int s = 0; s < _outEdge.Length; s++) _outPost[s] = model.PostArray[_outEdge[s]];
        _byPre = synapses.ByPre;
        if (_byPre is not null)
        {
            _outSlot = new int[_outEdge.Length];
            for (int s = 0; s < _outEdge.Length; s++) _outSlot[s] = _byPre.SlotOfEdge[_outEdge[s]];
        }
    }

    public override float Apply(ref LearningTick t)
    {
        TensorPrimitives.Multiply(_xPre, _decayPlus, _xPre);
        TensorPrimitives.Multiply(_zPost, _decayMinus, _zPost);
        var y = t.YNow[.._xPre.Length];
        var weights = Synapses.Weights;
        var byPre = Synapses.WeightsByPre;   // empty unless the session is event-driven
        var slotOfEdge = _byPre?.SlotOfEdge;
        var outSlot = _outSlot;
        float aPlus = _rule.APlus * t.Scale, aMinus = _rule.AMinus * t.Scale;
        float sum = 0;
        bool changed = false;
        var x = _xPre;
        var z = _zPost;
        for (int i = Kernels.ActiveScan.Next(y, 0); i >= 0; i = Kernels.ActiveScan.Next(y, i + 1))
        {
            // i spiked as a post neuron: every in-edge (potentiation; depression too where the pre neuron also spiked).
            float yi = y[i], zi = z[i], xi = x[i];
            for (int s = _inStart[i], end = _inStart[i + 1]; s < end; s++)
            {
                int k = _inEdge[s], pre = _pre[k];
                float old = weights[k];
                float w = Clamp(old + (aPlus * yi * x[pre]) - (aMinus * y[pre] * zi));
                if (!Write(k, slotOfEdge is null ? -1 : slotOfEdge[k], old, w, weights, byPre, ref sum, ref changed)) return Fault(k, ref t, sum, changed);
            }

            // i spiked as a pre neuron: out-edges to neurons that did not spike (the others were done as in-edges).
            for (int s = _outStart[i], end = _outStart[i + 1]; s < end; s++)
            {
                int post = _outPost[s];
                float yPost = y[post];
                if (yPost != 0) continue;
                int k = _outEdge[s];
                float old = outSlot is null ? weights[k] : byPre[outSlot[s]];
                float w = Clamp(old + (aPlus * yPost * xi) - (aMinus * yi * z[post]));
                if (!Write(k, outSlot is null ? -1 : outSlot[s], old, w, weights, byPre, ref sum, ref changed)) return Fault(k, ref t, sum, changed);
            }
        }

        if (changed) Synapses.LayoutChanged();
        TensorPrimitives.Add(_xPre, y, _xPre);
        TensorPrimitives.Add(_zPost, y, _zPost);
        return sum;
    }

    /// <summary>
    /// Stores one edge's new weight (nothing when it did not change): through the matrix, or, in an event-driven session
    /// (<paramref name="slot"/> ≥ 0), into both weight orders directly with the layout marked stale once per tick.
    /// False when the weight is not finite (then it is not written).
    /// </summary>
    private bool Write(int k, int slot, float old, float w, Span<float> weights, Span<float> byPre, ref float sum, ref bool changed)
    {
        if (BitConverter.SingleToInt32Bits(w) == BitConverter.SingleToInt32Bits(old)) return true;
        if (!float.IsFinite(w)) return false;
        sum += Math.Abs(w - old);
        if (slot < 0)
        {
            Synapses.SetWeight(k, w);
            return true;
        }

        weights[k] = w;
        byPre[slot] = w;
        changed = true;
        return true;
    }

    /// <summary>A non-finite weight: not written; learning stops with a message naming the edge.</summary>
    private float Fault(int k, ref LearningTick t, float sum, bool changed)
    {
        if (changed) Synapses.LayoutChanged();
        t.Fault = FaultAt(k, "the weight", t.Tick);
        return sum;
    }

    public override void Save(SessionState state)
    {
        state.Floats[Key("x_pre")] = (float[])_xPre.Clone();
        state.Floats[Key("z_post")] = (float[])_zPost.Clone();
    }

    public override void Load(SessionState state)
    {
        state.Float(Key("x_pre"), _xPre.Length).CopyTo(_xPre, 0);
        state.Float(Key("z_post"), _zPost.Length).CopyTo(_zPost, 0);
    }

    public override void Reset()
    {
        Array.Clear(_xPre);
        Array.Clear(_zPost);
    }

    /// <summary>The group's edges bucketed by <paramref name="neuronOf"/> (post: in-edges; pre: out-edges), in CSR order.</summary>
    private static (int[] Start, int[] Edge) Lists(int n, int[] edges, int[] neuronOf)
    {
        var start = new int[n + 1];
        foreach (int k in edges) start[neuronOf[k] + 1]++;
        for (int i = 0; i < n; i++) start[i + 1] += start[i];
        var edge = new int[edges.Length];
        var fill = (int[])start.Clone();
        foreach (int k in edges) edge[fill[neuronOf[k]]++] = k;
        return (start, edge);
    }
}

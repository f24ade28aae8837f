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
    }

    public override float Apply(ref LearningTick t)
    {
        TensorPrimitives.Multiply(_xPre, _decayPlus, _xPre);
        TensorPrimitives.Multiply(_zPost, _decayMinus, _zPost);
        var y = t.YNow[.._xPre.Length];
        float sum = 0;
        for (int i = NextActive(y, 0); i >= 0; i = NextActive(y, i + 1))
        {
            // i spiked: its in-edges (potentiation; depression too where the pre neuron also spiked).
            for (int s = _inStart[i]; s < _inStart[i + 1]; s++)
            {
                if (!Update(_inEdge[s], y, ref t, ref sum)) return sum;
            }

            // its out-edges to neurons that did not spike (those were handled with their in-edges).
            for (int s = _outStart[i]; s < _outStart[i + 1]; s++)
            {
                int k = _outEdge[s];
                if (y[Model.PostArray[k]] != 0) continue;
                if (!Update(k, y, ref t, ref sum)) return sum;
            }
        }

        TensorPrimitives.Add(_xPre, y, _xPre);
        TensorPrimitives.Add(_zPost, y, _zPost);
        return sum;
    }

    /// <summary>The pair-based update of one edge; false (fault set, weight untouched) when it is not finite.</summary>
    private bool Update(int k, ReadOnlySpan<float> y, ref LearningTick t, ref float sum)
    {
        int pre = Model.PreArray[k], post = Model.PostArray[k];
        float postSpike = y[post], preSpike = y[pre];
        float aPlus = _rule.APlus * t.Scale, aMinus = _rule.AMinus * t.Scale;
        float old = Synapses.Weights[k];
        float w = Clamp(old + aPlus * postSpike * _xPre[pre] - aMinus * preSpike * _zPost[post]);
        if (!float.IsFinite(w))
        {
            t.Fault = FaultAt(k, "the weight", t.Tick);
            return false;
        }

        sum += Math.Abs(w - old);
        Synapses.SetWeight(k, w);
        return true;
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

    private static int NextActive(ReadOnlySpan<float> y, int from)
    {
        if (from >= y.Length) return -1;
        int i = y[from..].IndexOfAnyExcept(0f);
        return i < 0 ? -1 : from + i;
    }
}

using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Differentiable Hebbian trace: H ← (1 − η)·H + η·y_pre(t−1)·y_post(t) (clipped to [−1, 1] when the rule says so),
/// then w_eff = clamp(w + α·H). One pass over the group's edges; α and w are the model's, H is the session's.
/// </summary>
internal sealed class HebbianTraceLearner : GroupLearner
{
    private readonly HebbianTraceRule _rule;
    private readonly float[] _h;

    public HebbianTraceLearner(IfmModel model, int group, SynapseMatrix synapses, HebbianTraceRule rule) : base(model, group, synapses)
    {
        _rule = rule;
        _h = new float[Edges.Length];
    }

    public override float Apply(ref LearningTick t)
    {
        float eta = _rule.Eta * t.Scale, decay = 1f - eta;
        bool clip = _rule.Clip;
        var pre = Model.PreArray;
        var post = Model.PostArray;
        var w = Model.WeightArray;
        var alpha = Model.AlphaArray;
        var edges = Edges;
        float sum = 0;
        for (int j = 0; j < edges.Length; j++)
        {
            int k = edges[j];
            float h = decay * _h[j] + eta * t.YPrev[pre[k]] * t.YNow[post[k]];
            if (clip) h = Math.Clamp(h, -1f, 1f);
            float weff = Clamp(w[k] + alpha[k] * h);
            if (!float.IsFinite(weff) || !float.IsFinite(h))
            {
                t.Fault = FaultAt(k, "the Hebbian trace", t.Tick);
                return sum;
            }

            sum += Math.Abs(alpha[k] * (h - _h[j]));
            _h[j] = h;
            Synapses.SetWeight(k, weff);
        }

        return sum;
    }

    public HebbianTraceRule Rule => _rule;

    /// <summary>The trace per edge of the group (the fused kernel updates it in place when the group covers every edge).</summary>
    public Span<float> H => _h;

    /// <summary>Writes w_eff = clamp(w + α·H) of every edge into the synapse matrix (after the fused kernel ran).</summary>
    public void MaterializeWeights()
    {
        var w = Model.WeightArray;
        var alpha = Model.AlphaArray;
        var edges = Edges;
        for (int j = 0; j < edges.Length; j++)
        {
            int k = edges[j];
            Synapses.SetWeight(k, Clamp(w[k] + alpha[k] * _h[j]));
        }
    }

    public override void Save(SessionState state) => state.Floats[Key("H")] = (float[])_h.Clone();

    public override void Load(SessionState state) => state.Float(Key("H"), _h.Length).CopyTo(_h, 0);

    public override void Reset() => Array.Clear(_h);
}

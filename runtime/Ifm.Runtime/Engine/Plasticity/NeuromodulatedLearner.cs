using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Backpropamine three-factor rule: E ← (1 − η)·E + η·y_pre(t−1)·y_post(t); H ← clip(H + M(t)·E, −1, 1);
/// w_eff = clamp(w + α·H). M(t) comes from an input channel, a neuron's output or the application.
/// </summary>
internal sealed class NeuromodulatedLearner : GroupLearner
{
    private readonly NeuromodulatedRule _rule;
    private readonly float[] _e;
    private readonly float[] _h;
    private readonly int _modulatorNeuron;

    public NeuromodulatedLearner(IfmModel model, int group, SynapseMatrix synapses, NeuromodulatedRule rule) : base(model, group, synapses)
    {
        _rule = rule;
        _e = new float[Edges.Length];
        _h = new float[Edges.Length];
        _modulatorNeuron = rule.Modulator.Kind switch
        {
            ModulatorKind.Input => model.InputNeurons[model.FindInput(rule.Modulator.Name)],
            ModulatorKind.Neuron => NeuromodulatedRule.FindNeuron(model, rule.Modulator.Name),
            _ => -1,
        };
    }

    public override float Apply(ref LearningTick t)
    {
        float m = _rule.Modulator.Kind switch
        {
            ModulatorKind.Input => t.External[_modulatorNeuron],
            ModulatorKind.Neuron => t.YNow[_modulatorNeuron],
            _ => t.ExternalModulator,
        };
        float eta = _rule.Eta * t.Scale, decay = 1f - eta;
        var pre = Model.PreArray;
        var post = Model.PostArray;
        var w = Model.WeightArray;
        var alpha = Model.AlphaArray;
        var edges = Edges;
        float sum = 0;
        for (int j = 0; j < edges.Length; j++)
        {
            int k = edges[j];
            float e = decay * _e[j] + eta * t.YPrev[pre[k]] * t.YNow[post[k]];
            float h = Math.Clamp(_h[j] + m * e, -1f, 1f);
            float weff = Clamp(w[k] + alpha[k] * h);
            if (!float.IsFinite(weff) || !float.IsFinite(e) || !float.IsFinite(h))
            {
                t.Fault = FaultAt(k, "the eligibility or Hebbian trace", t.Tick);
                return sum;
            }

            sum += Math.Abs(alpha[k] * (h - _h[j]));
            _e[j] = e;
            _h[j] = h;
            Synapses.SetWeight(k, weff);
        }

        return sum;
    }

    public override void Save(SessionState state)
    {
        state.Floats[Key("E")] = (float[])_e.Clone();
        state.Floats[Key("H")] = (float[])_h.Clone();
    }

    public override void Load(SessionState state)
    {
        state.Float(Key("E"), _e.Length).CopyTo(_e, 0);
        state.Float(Key("H"), _h.Length).CopyTo(_h, 0);
    }

    public override void Reset()
    {
        Array.Clear(_e);
        Array.Clear(_h);
    }
}

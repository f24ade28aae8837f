using System.Numerics.Tensors;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Pair-based STDP with per-neuron traces (see <see cref="StdpRule"/> for the order of operations): decay the traces,
/// potentiate edges whose post neuron spiked by A₊·x_pre, depress edges whose pre neuron spiked by A₋·z_post, then add
/// this tick's spikes to the traces.
/// </summary>
internal sealed class StdpLearner : GroupLearner
{
    private readonly StdpRule _rule;
    private readonly float[] _xPre;
    private readonly float[] _zPost;
    private readonly float _decayPlus;
    private readonly float _decayMinus;

    public StdpLearner(IfmModel model, int group, SynapseMatrix synapses, StdpRule rule) : base(model, group, synapses)
    {
        _rule = rule;
        _xPre = new float[model.NeuronCount];
        _zPost = new float[model.NeuronCount];
        _decayPlus = MathF.Exp(-model.Dt / rule.TauPlus);
        _decayMinus = MathF.Exp(-model.Dt / rule.TauMinus);
    }

    public override float Apply(ref LearningTick t)
    {
        TensorPrimitives.Multiply(_xPre, _decayPlus, _xPre);
        TensorPrimitives.Multiply(_zPost, _decayMinus, _zPost);
        float aPlus = _rule.APlus * t.Scale, aMinus = _rule.AMinus * t.Scale;
        var pre = Model.PreArray;
        var post = Model.PostArray;
        var weights = Synapses.Weights;
        var y = t.YNow;
        float sum = 0;
        foreach (int k in Edges)
        {
            float postSpike = y[post[k]], preSpike = y[pre[k]];
            if (postSpike == 0 && preSpike == 0) continue;
            float old = weights[k];
            float w = Clamp(old + aPlus * postSpike * _xPre[pre[k]] - aMinus * preSpike * _zPost[post[k]]);
            if (!float.IsFinite(w))
            {
                t.Fault = FaultAt(k, "the weight", t.Tick);
                return sum;
            }

            sum += Math.Abs(w - old);
            Synapses.SetWeight(k, w);
        }

        TensorPrimitives.Add(_xPre, y, _xPre);
        TensorPrimitives.Add(_zPost, y, _zPost);
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
}

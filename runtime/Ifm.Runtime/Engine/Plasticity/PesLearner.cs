using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>PES / delta rule: w_ij ← clamp(w_ij − κ·e_i·y_j(t−1)), e_i the application's error for output neuron i.</summary>
internal sealed class PesLearner(IfmModel model, int group, SynapseMatrix synapses, PesRule rule) : GroupLearner(model, group, synapses)
{
    public override float Apply(ref LearningTick t)
    {
        float kappa = rule.Kappa * t.Scale;
        var pre = Model.PreArray;
        var post = Model.PostArray;
        var weights = Synapses.Weights;
        float sum = 0;
        foreach (int k in Edges)
        {
            float e = t.ErrorOfNeuron[post[k]];
            if (e == 0) continue;
            float old = weights[k];
            float w = Clamp(old - kappa * e * t.YPrev[pre[k]]);
            if (!float.IsFinite(w))
            {
                t.Fault = FaultAt(k, "the weight", t.Tick);
                return sum;
            }

            sum += Math.Abs(w - old);
            Synapses.SetWeight(k, w);
        }

        return sum;
    }
}

using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>Oja's rule: w ← clamp(w + η·y_post(t)·(y_pre(t−1) − y_post(t)·w)).</summary>
internal sealed class OjaLearner(IfmModel model, int group, SynapseMatrix synapses, OjaRule rule) : GroupLearner(model, group, synapses)
{
    public override float Apply(ref LearningTick t)
    {
        float eta = rule.Eta * t.Scale;
        var pre = Model.PreArray;
        var post = Model.PostArray;
        var weights = Synapses.Weights;
        float sum = 0;
        foreach (int k in Edges)
        {
            float old = weights[k], yPost = t.YNow[post[k]];
            float w = Clamp(old + eta * yPost * (t.YPrev[pre[k]] - yPost * old));
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

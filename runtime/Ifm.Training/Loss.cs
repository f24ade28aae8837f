namespace Ifm.Training;

/// <summary>The neuron-output-prediction loss between recorded and predicted output-neuron activity.</summary>
public enum LossKind
{
    /// <summary>Mean squared error between output y and target (the reference Pong training's criterion).</summary>
    Mse,

    /// <summary>Cross-entropy of softmax(<see cref="Losses.LogitGain"/>·y) over the output channels against the target distribution (one-hot actions).</summary>
    CrossEntropy,
}

/// <summary>Loss values and their gradients with respect to the outputs, one tick at a time.</summary>
public static class Losses
{
    /// <summary>Outputs lie in [−1, 1] (tanh); this gain turns them into logits so a class can reach p ≈ 0.99.</summary>
    public const double LogitGain = 3.0;

    /// <summary>Adds ∂(weight·ℓ)/∂y to <paramref name="gradient"/> and returns ℓ for one tick.</summary>
    public static double Tick(LossKind kind, ReadOnlySpan<float> y, ReadOnlySpan<float> target, double weight, Span<double> gradient)
    {
        int c = y.Length;
        if (kind == LossKind.Mse)
        {
            double sum = 0;
            for (int i = 0; i < c; i++)
            {
                double d = y[i] - target[i];
                sum += d * d;
                gradient[i] += weight * 2 * d / c;
            }

            return sum / c;
        }

        double max = double.NegativeInfinity;
        for (int i = 0; i < c; i++) max = Math.Max(max, LogitGain * y[i]);
        double z = 0;
        for (int i = 0; i < c; i++) z += Math.Exp(LogitGain * y[i] - max);
        double logZ = max + Math.Log(z), loss = 0, tsum = 0;
        for (int i = 0; i < c; i++) tsum += target[i];
        for (int i = 0; i < c; i++)
        {
            double logp = LogitGain * y[i] - logZ;
            loss -= target[i] * logp;
            gradient[i] += weight * LogitGain * (Math.Exp(logp) * tsum - target[i]);
        }

        return loss;
    }

    /// <summary>Index of the largest value (first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++)
        {
            if (v[i] > v[best]) best = i;
        }

        return best;
    }
}

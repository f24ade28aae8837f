namespace Ifm.Training.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba) over a flat parameter vector, with optional global-norm gradient clipping (as
/// torch.nn.utils.clip_grad_norm_) before the step. Entries whose mask is false are never changed.
/// </summary>
public sealed class Adam
{
    private readonly double[] _m;
    private readonly double[] _v;
    private long _step;

    public Adam(int parameterCount, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be positive, got {learningRate}");
        _m = new double[parameterCount];
        _v = new double[parameterCount];
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public double LearningRate { get; set; }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    /// <summary>Steps taken.</summary>
    public long Step => _step;

    /// <summary>Scales <paramref name="gradient"/> so its L2 norm over the masked entries is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    public static double ClipGlobalNorm(double[] gradient, bool[] mask, double maxNorm)
    {
        double sq = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            if (mask[i]) sq += gradient[i] * gradient[i];
        }

        double norm = Math.Sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm)
        {
            double scale = maxNorm / (norm + 1e-6);
            for (int i = 0; i < gradient.Length; i++) gradient[i] *= scale;
        }

        return norm;
    }

    /// <summary>θ ← θ − lr·m̂/(√v̂ + ε) for the masked entries.</summary>
    public void Update(float[] parameters, double[] gradient, bool[] mask)
    {
        _step++;
        double c1 = 1 - Math.Pow(Beta1, _step), c2 = 1 - Math.Pow(Beta2, _step);
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!mask[i]) continue;
            double g = gradient[i];
            _m[i] = Beta1 * _m[i] + (1 - Beta1) * g;
            _v[i] = Beta2 * _v[i] + (1 - Beta2) * g * g;
            double mh = _m[i] / c1, vh = _v[i] / c2;
            parameters[i] = (float)(parameters[i] - LearningRate * mh / (Math.Sqrt(vh) + Epsilon));
        }
    }
}

namespace Ifm.Runtime.Plasticity;

/// <summary>
/// Differentiable Hebbian trace (Miconi et al. 2018, "Differentiable plasticity"): the effective weight is
/// w + α⊙H; after each tick H ← (1 − η)·H + η·y_pre(t−1)·y_post(t), optionally clipped to [−1, 1].
/// α (per edge: <see cref="Model.IfmModel.Alpha"/>) and η are learned offline; H evolves online and starts at 0.
/// </summary>
public sealed class HebbianTraceRule : PlasticityRule
{
    public HebbianTraceRule(float eta, bool clip = true, float wMin = float.NegativeInfinity, float wMax = float.PositiveInfinity)
        : base(wMin, wMax)
    {
        Eta = eta;
        Clip = clip;
    }

    public override string RuleName => "hebbian_trace";

    public override bool UsesAlpha => true;

    /// <summary>Trace rate η in [0, 1].</summary>
    public float Eta { get; }

    /// <summary>Clip H to [−1, 1] after each update.</summary>
    public bool Clip { get; }

    internal override string? Validate(Model.IfmModel model, int group, int groupEdgeCount) =>
        !(Eta >= 0 && Eta <= 1) ? $"eta must be in [0, 1], got {F(Eta)}" : null;

    public override string ToString() => $"hebbian_trace (η {F(Eta)}, α per edge{(Clip ? ", H clipped to [−1, 1]" : "")}{Bounds})";
}

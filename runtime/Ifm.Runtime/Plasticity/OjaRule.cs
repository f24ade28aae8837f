namespace Ifm.Runtime.Plasticity;

/// <summary>Hebbian learning with Oja's normalisation: Δw = η·y_post(t)·(y_pre(t−1) − y_post(t)·w). Keeps weight vectors bounded.</summary>
public sealed class OjaRule : PlasticityRule
{
    public OjaRule(float eta, float wMin = float.NegativeInfinity, float wMax = float.PositiveInfinity) : base(wMin, wMax) => Eta = eta;

    public override string RuleName => "oja";

    public float Eta { get; }

    internal override string? Validate(Model.IfmModel model, int group, int groupEdgeCount) => !(Eta >= 0) ? $"eta must be ≥ 0, got {F(Eta)}" : null;

    public override string ToString() => $"oja (η {F(Eta)}{Bounds})";
}

namespace Ifm.Runtime.Plasticity;

/// <summary>
/// Error-driven PES / delta rule for edges into output neurons: Δw_ij = −κ·e_i·y_j(t−1), where e_i is the error of
/// output channel i supplied by the application at run time (supervised adaptation on the device).
/// </summary>
public sealed class PesRule : PlasticityRule
{
    public PesRule(float kappa, float wMin = float.NegativeInfinity, float wMax = float.PositiveInfinity) : base(wMin, wMax) => Kappa = kappa;

    public override string RuleName => "pes";

    /// <summary>Learning rate κ.</summary>
    public float Kappa { get; }

    internal override string? Validate(Model.IfmModel model, int group, int groupEdgeCount)
    {
        if (!(Kappa >= 0)) return $"kappa must be ≥ 0, got {F(Kappa)}";
        var post = model.Post;
        var groups = model.Group;
        var outputs = model.OutputNeurons;
        for (int k = 0; k < groups.Length; k++)
        {
            if (groups[k] == group && outputs.IndexOf(post[k]) < 0)
                return $"edge {model.Pre[k]}→{post[k]} does not end at an output neuron (pes applies only to edges into outputs)";
        }

        return null;
    }

    public override string ToString() => $"pes (κ {F(Kappa)}, error per output channel{Bounds})";
}

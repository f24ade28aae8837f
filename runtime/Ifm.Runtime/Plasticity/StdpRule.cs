namespace Ifm.Runtime.Plasticity;

/// <summary>
/// Pair-based STDP with exponential traces (the paper's LTP/LTD example), for spiking populations. Every tick:
/// traces decay (x ← x·e^{−dt/τ₊} per pre neuron, z ← z·e^{−dt/τ₋} per post neuron); if the post neuron spiked,
/// w += A₊·x_pre (pre before post: potentiation); if the pre neuron spiked, w −= A₋·z_post (post before pre:
/// depression); then each spike adds 1 to its neuron's trace. Spikes in the same tick cancel out. w is clamped to
/// [w_min, w_max].
/// </summary>
public sealed class StdpRule : PlasticityRule
{
    public StdpRule(float tauPlus, float tauMinus, float aPlus, float aMinus, float wMin, float wMax) : base(wMin, wMax)
    {
        TauPlus = tauPlus;
        TauMinus = tauMinus;
        APlus = aPlus;
        AMinus = aMinus;
    }

    public override string RuleName => "stdp";

    /// <summary>Pre-synaptic trace time constant τ₊ in seconds.</summary>
    public float TauPlus { get; }

    /// <summary>Post-synaptic trace time constant τ₋ in seconds.</summary>
    public float TauMinus { get; }

    public float APlus { get; }

    public float AMinus { get; }

    internal override string? Validate(Model.IfmModel model, int group, int groupEdgeCount) =>
        !(TauPlus > 0) || !(TauMinus > 0) ? "tau_plus and tau_minus must be positive"
        : !(APlus >= 0) || !(AMinus >= 0) ? "a_plus and a_minus must be ≥ 0"
        : float.IsInfinity(WMin) || float.IsInfinity(WMax) ? "stdp needs finite w_min and w_max"
        : null;

    public override string ToString() => $"stdp (τ₊ {F(TauPlus)} s, τ₋ {F(TauMinus)} s, A₊ {F(APlus)}, A₋ {F(AMinus)}{Bounds})";
}

using System.Globalization;

namespace Ifm.Runtime.Plasticity;

/// <summary>
/// Base of the plasticity rules ψ_e an edge group can carry (design brief §1, "Plasticity rules"). A rule is an
/// immutable description (parameters learned or chosen offline); the evolving state (traces, weights) lives in the
/// session. Every rule bounds the effective weight of its edges to [<see cref="WMin"/>, <see cref="WMax"/>].
/// </summary>
public abstract class PlasticityRule
{
    protected PlasticityRule(float wMin, float wMax)
    {
        if (float.IsNaN(wMin) || float.IsNaN(wMax) || wMin > wMax)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"weight bounds [{wMin}, {wMax}] are not an interval"));
        WMin = wMin;
        WMax = wMax;
    }

    /// <summary>Name used in the .ifm metadata ("hebbian_trace", "stdp", ...).</summary>
    public abstract string RuleName { get; }

    /// <summary>Lower bound of an edge's effective weight.</summary>
    public float WMin { get; }

    /// <summary>Upper bound of an edge's effective weight.</summary>
    public float WMax { get; }

    /// <summary>True when the effective weight is w + α⊙H with the per-edge α of <see cref="Model.IfmModel.Alpha"/>.</summary>
    public virtual bool UsesAlpha => false;

    /// <summary>Checks the rule's parameters against its group; returns an error message or null.</summary>
    internal virtual string? Validate(Model.IfmModel model, int group, int groupEdgeCount) => null;

    protected static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    protected string Bounds => float.IsInfinity(WMin) && float.IsInfinity(WMax) ? "" : $", w ∈ [{F(WMin)}, {F(WMax)}]";
}

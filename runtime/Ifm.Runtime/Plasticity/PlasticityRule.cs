namespace Ifm.Plasticity;

/// <summary>Base of the plasticity rule descriptions an edge group can carry (design brief §1, "Plasticity rules").</summary>
public abstract class PlasticityRule
{
    /// <summary>Name used in the .ifm metadata ("hebbian_trace", "stdp", ...).</summary>
    public abstract string RuleName { get; }
}

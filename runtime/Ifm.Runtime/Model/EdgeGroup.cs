namespace Ifm.Runtime.Model;

/// <summary>
/// A named set of edges that share one plasticity rule (or none: static weights).
/// Every edge belongs to exactly one group.
/// </summary>
public sealed class EdgeGroup
{
    public EdgeGroup(string name, Plasticity.PlasticityRule? rule = null)
    {
        Name = name;
        Rule = rule;
    }

    public string Name { get; }

    /// <summary>The rule that changes these edges while the network runs; <see langword="null"/> for static edges.</summary>
    public Plasticity.PlasticityRule? Rule { get; }

    public bool IsPlastic => Rule is not null;
}

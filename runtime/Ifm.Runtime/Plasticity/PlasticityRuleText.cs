namespace Ifm.Plasticity;

/// <summary>One-line human description of a rule (for <c>ifm inspect</c>).</summary>
public static class PlasticityRuleText
{
    public static string Describe(PlasticityRule rule) => rule.ToString() ?? rule.RuleName;
}

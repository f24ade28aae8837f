namespace Ifm.Runtime.Plasticity;

/// <summary>
/// Neuromodulated three-factor rule (Miconi et al. 2019, "Backpropamine"): the effective weight is w + α⊙H;
/// the eligibility trace E ← (1 − η)·E + η·y_pre(t−1)·y_post(t) and the Hebbian trace H ← clip(H + M(t)·E, −1, 1),
/// where M(t) is the modulator (reward) signal. While M = 0 the weights do not change.
/// </summary>
public sealed class NeuromodulatedRule : PlasticityRule
{
    public NeuromodulatedRule(float eta, ModulatorSource modulator, float wMin = float.NegativeInfinity, float wMax = float.PositiveInfinity)
        : base(wMin, wMax)
    {
        Eta = eta;
        Modulator = modulator;
    }

    public override string RuleName => "neuromodulated";

    public override bool UsesAlpha => true;

    public float Eta { get; }

    /// <summary>Where M(t) comes from.</summary>
    public ModulatorSource Modulator { get; }

    internal override string? Validate(Model.IfmModel model, int group, int groupEdgeCount)
    {
        if (!(Eta >= 0 && Eta <= 1)) return $"eta must be in [0, 1], got {F(Eta)}";
        return Modulator.Kind switch
        {
            ModulatorKind.Input when model.FindInput(Modulator.Name) < 0 => $"modulator input '{Modulator.Name}' is not an input channel of the model",
            ModulatorKind.Neuron when FindNeuron(model, Modulator.Name) < 0 => $"modulator neuron '{Modulator.Name}' is not a neuron label of the model",
            _ => null,
        };
    }

    internal static int FindNeuron(Model.IfmModel model, string label)
    {
        foreach (var p in model.Populations)
        {
            for (int i = 0; i < p.Count; i++)
            {
                if (p.Labels[i] == label) return p.Start + i;
            }
        }

        return -1;
    }

    public override string ToString() => $"neuromodulated (η {F(Eta)}, α per edge, M from {Modulator}{Bounds})";
}

/// <summary>Where a neuromodulated rule's M(t) comes from.</summary>
public enum ModulatorKind
{
    /// <summary>The current value of a named input channel (a reward sensor).</summary>
    Input,

    /// <summary>The output of a named neuron at this tick.</summary>
    Neuron,

    /// <summary>Set by the application at run time.</summary>
    External,
}

/// <summary>Source of a modulator signal.</summary>
public sealed record ModulatorSource(ModulatorKind Kind, string Name = "")
{
    public override string ToString() => Kind switch
    {
        ModulatorKind.Input => $"input '{Name}'",
        ModulatorKind.Neuron => $"neuron '{Name}'",
        _ => "the application",
    };
}

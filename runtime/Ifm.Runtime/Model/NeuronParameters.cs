namespace Ifm.Runtime.Model;

/// <summary>
/// Per-neuron parameters of a population. Which arrays are used depends on the kind; arrays of the other kinds are empty.
/// Every array has one entry per neuron of the population.
/// </summary>
public sealed class NeuronParameters
{
    private NeuronParameters() { }

    /// <summary>IFM: the learned state gain a_i (reference initial value 0.5).</summary>
    public float[] A { get; private init; } = [];

    /// <summary>Leaky and LIF: time constant τ in seconds (&gt; 0).</summary>
    public float[] Tau { get; private init; } = [];

    /// <summary>Leaky: output function.</summary>
    public Activation Activation { get; private init; } = Activation.Tanh;

    /// <summary>LIF: firing threshold.</summary>
    public float[] VThreshold { get; private init; } = [];

    /// <summary>LIF: membrane value after a spike (reset mode <see cref="LifResetMode.ToReset"/>) and during refractory ticks.</summary>
    public float[] VReset { get; private init; } = [];

    /// <summary>LIF: resting potential the membrane leaks towards.</summary>
    public float[] VLeak { get; private init; } = [];

    /// <summary>LIF: input resistance R.</summary>
    public float[] Resistance { get; private init; } = [];

    /// <summary>LIF: what happens to v after a spike.</summary>
    public LifResetMode ResetMode { get; private init; } = LifResetMode.ToReset;

    /// <summary>LIF: ticks after a spike during which the neuron neither integrates nor spikes.</summary>
    public int RefractoryTicks { get; private init; }

    /// <summary>Parameters of an IFM state-neuron population.</summary>
    public static NeuronParameters ForIfm(float[] a) => new() { A = a };

    /// <summary>Parameters of a leaky-integrator population.</summary>
    public static NeuronParameters ForLeaky(float[] tau, Activation activation) => new() { Tau = tau, Activation = activation };

    /// <summary>Parameters of a leaky integrate-and-fire population.</summary>
    public static NeuronParameters ForLif(float[] tau, float[] vThreshold, float[] vReset, float[] vLeak, float[] resistance,
        LifResetMode resetMode, int refractoryTicks) => new()
    {
        Tau = tau,
        VThreshold = vThreshold,
        VReset = vReset,
        VLeak = vLeak,
        Resistance = resistance,
        ResetMode = resetMode,
        RefractoryTicks = refractoryTicks,
    };

    /// <summary>Default parameters for <paramref name="count"/> neurons of <paramref name="kind"/>.</summary>
    public static NeuronParameters Default(NeuronKind kind, int count) => kind switch
    {
        NeuronKind.Ifm => ForIfm(Filled(count, 0.5f)),
        NeuronKind.Leaky => ForLeaky(Filled(count, 0.02f), Activation.Tanh),
        NeuronKind.Lif => ForLif(Filled(count, 0.02f), Filled(count, 1f), Filled(count, 0f), Filled(count, 0f), Filled(count, 1f),
            LifResetMode.ToReset, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    internal static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}

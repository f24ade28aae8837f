namespace Ifm.Runtime.Model;

/// <summary>
/// Per-neuron parameters of a population: named arrays (the names of the kind's <see cref="NeuronModel.ParameterSpecs"/>,
/// which are also the .ifm tensor names) and the kind's options (activation, reset mode, refractory ticks). Every array
/// has one entry per neuron of the population; arrays a kind does not use are absent (empty).
/// </summary>
public sealed class NeuronParameters
{
    private readonly Dictionary<string, float[]> _arrays;

    private NeuronParameters(Dictionary<string, float[]> arrays) => _arrays = arrays;

    /// <summary>The parameter arrays by name ("a", "tau", "v_threshold", …).</summary>
    public IReadOnlyDictionary<string, float[]> Arrays => _arrays;

    /// <summary>The array <paramref name="name"/>, or an empty array when the population has none.</summary>
    public float[] this[string name] => _arrays.TryGetValue(name, out var a) ? a : [];

    /// <summary>IFM: the learned state gain a_i (reference initial value 0.5).</summary>
    public float[] A => this["a"];

    /// <summary>Leaky, LIF and the NIR kinds: (membrane) time constant τ in seconds (&gt; 0).</summary>
    public float[] Tau => this["tau"];

    /// <summary>Leaky: output function.</summary>
    public Activation Activation { get; private init; } = Activation.Tanh;

    /// <summary>Spiking kinds: firing threshold.</summary>
    public float[] VThreshold => this["v_threshold"];

    /// <summary>Spiking kinds: membrane value after a spike (reset mode <see cref="LifResetMode.ToReset"/>) and during refractory ticks.</summary>
    public float[] VReset => this["v_reset"];

    /// <summary>LIF and the leaky NIR kinds: resting potential the membrane leaks towards.</summary>
    public float[] VLeak => this["v_leak"];

    /// <summary>LIF and the NIR kinds: input resistance R.</summary>
    public float[] Resistance => this["resistance"];

    /// <summary>Current-based kinds: synaptic time constant τ_syn in seconds (&gt; 0).</summary>
    public float[] TauSyn => this["tau_syn"];

    /// <summary>Current-based kinds: input weight w_in of the synaptic current.</summary>
    public float[] WIn => this["w_in"];

    /// <summary>Spiking kinds: what happens to v after a spike.</summary>
    public LifResetMode ResetMode { get; private init; } = LifResetMode.ToReset;

    /// <summary>Spiking kinds: ticks after a spike during which the neuron neither integrates nor spikes.</summary>
    public int RefractoryTicks { get; private init; }

    /// <summary>Parameters of an IFM state-neuron population.</summary>
    public static NeuronParameters ForIfm(float[] a) => new(new(StringComparer.Ordinal) { ["a"] = a });

    /// <summary>Parameters of a leaky-integrator population.</summary>
    public static NeuronParameters ForLeaky(float[] tau, Activation activation) =>
        new(new(StringComparer.Ordinal) { ["tau"] = tau }) { Activation = activation };

    /// <summary>Parameters of a leaky integrate-and-fire population.</summary>
    public static NeuronParameters ForLif(float[] tau, float[] vThreshold, float[] vReset, float[] vLeak, float[] resistance,
        LifResetMode resetMode, int refractoryTicks) => new(new(StringComparer.Ordinal)
    {
        ["tau"] = tau,
        ["v_threshold"] = vThreshold,
        ["v_reset"] = vReset,
        ["v_leak"] = vLeak,
        ["resistance"] = resistance,
    })
    {
        ResetMode = resetMode,
        RefractoryTicks = refractoryTicks,
    };

    /// <summary>
    /// Parameters of any kind from named arrays (the names of <see cref="NeuronModel.ParameterSpecs"/>). The arrays are
    /// taken, not copied; <see cref="ModelBuilder"/> checks names, lengths and values.
    /// </summary>
    public static NeuronParameters Create(IReadOnlyDictionary<string, float[]> arrays, Activation activation = Activation.Tanh,
        LifResetMode resetMode = LifResetMode.ToReset, int refractoryTicks = 0)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        return new(new(arrays, StringComparer.Ordinal)) { Activation = activation, ResetMode = resetMode, RefractoryTicks = refractoryTicks };
    }

    /// <summary>Default parameters for <paramref name="count"/> neurons of <paramref name="kind"/> (the specs' defaults).</summary>
    public static NeuronParameters Default(NeuronKind kind, int count)
    {
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var s in NeuronModels.Of(kind).ParameterSpecs) arrays[s.Name] = Filled(count, s.Default);
        return new(arrays);
    }

    internal static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}

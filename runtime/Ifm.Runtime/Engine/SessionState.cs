namespace Ifm.Runtime.Engine;

/// <summary>
/// A copy of everything that changes while a session runs, as named arrays (neuron states, outputs, refractory
/// counters, weights and plasticity traces). Used for snapshot/restore and, serialised, for checkpoints.
/// </summary>
public sealed class SessionState
{
    public SessionState(string modelId, long tick)
    {
        ModelId = modelId;
        Tick = tick;
    }

    /// <summary><see cref="Model.IfmModel.Id"/> of the model the state belongs to.</summary>
    public string ModelId { get; }

    public long Tick { get; }

    /// <summary>The synaptic currents of current-based neuron kinds (present only when the model has such neurons).</summary>
    public const string CurrentKey = "current";

    public Dictionary<string, float[]> Floats { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int[]> Ints { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The first NaN or infinite value in the state ("array 'state' element 17 is NaN"), or null when every value is
    /// finite. A non-finite state is a fault: it is never saved and never loaded.
    /// </summary>
    public string? FirstNonFinite()
    {
        foreach (var kv in Floats.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var a = kv.Value;
            for (int i = 0; i < a.Length; i++)
            {
                if (!float.IsFinite(a[i]))
                    return $"array '{kv.Key}' element {i} is {(float.IsNaN(a[i]) ? "NaN" : a[i] > 0 ? "+infinity" : "-infinity")}";
            }
        }

        return null;
    }

    /// <summary>
    /// A state holding the arrays every backend keeps (neuron states, outputs, external inputs, weights in CSR edge
    /// order, refractory counters); the plasticity engine adds its own. The arrays are taken, not copied.
    /// </summary>
    internal static SessionState WithCore(Model.IfmModel model, long tick, in CoreArrays core)
    {
        var s = new SessionState(model.Id, tick);
        s.Floats["state"] = core.State;
        s.Floats["output"] = core.Output;
        s.Floats["input"] = core.Input;
        s.Floats["weight"] = core.Weight;
        s.Ints["refractory"] = core.Refractory;
        return s;
    }

    /// <summary>The arrays of <see cref="WithCore"/>, checked against <paramref name="model"/> (identity and lengths).</summary>
    internal CoreArrays ReadCore(Model.IfmModel model)
    {
        if (ModelId != model.Id) throw new ArgumentException($"the state belongs to model {ModelId[..12]}…, not to this session's model {model.Id[..12]}…");
        int n = model.NeuronCount;
        return new CoreArrays(Float("state", n), Float("output", n), Float("input", n), Float("weight", model.EdgeCount), Int("refractory", n));
    }

    internal readonly record struct CoreArrays(float[] State, float[] Output, float[] Input, float[] Weight, int[] Refractory);

    internal float[] Float(string name, int length)
    {
        if (!Floats.TryGetValue(name, out var a)) throw new ArgumentException($"session state has no array '{name}'");
        if (a.Length != length) throw new ArgumentException($"session state array '{name}' has {a.Length} values, expected {length}");
        return a;
    }

    internal int[] Int(string name, int length)
    {
        if (!Ints.TryGetValue(name, out var a)) throw new ArgumentException($"session state has no array '{name}'");
        if (a.Length != length) throw new ArgumentException($"session state array '{name}' has {a.Length} values, expected {length}");
        return a;
    }
}

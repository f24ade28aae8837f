namespace Ifm.Engine;

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

    public Dictionary<string, float[]> Floats { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int[]> Ints { get; } = new(StringComparer.Ordinal);

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

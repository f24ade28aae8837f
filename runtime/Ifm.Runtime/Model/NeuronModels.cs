using Ifm.Runtime.Model.Neurons;

namespace Ifm.Runtime.Model;

/// <summary>The registry of neuron kinds: one <see cref="NeuronModel"/> per <see cref="NeuronKind"/>.</summary>
public static class NeuronModels
{
    private static readonly NeuronModel[] ByKind = Build();

    /// <summary>Every kind, in <see cref="NeuronKind"/> order.</summary>
    public static IReadOnlyList<NeuronModel> All => ByKind;

    /// <summary>The definition of <paramref name="kind"/>.</summary>
    public static NeuronModel Of(NeuronKind kind) =>
        (uint)kind < (uint)ByKind.Length ? ByKind[(int)kind] : throw new ArgumentOutOfRangeException(nameof(kind), $"unknown neuron kind {(int)kind}");

    /// <summary>The kind named <paramref name="name"/> (as in .ifm files), or null.</summary>
    public static NeuronModel? Find(string name) => ByKind.FirstOrDefault(m => m.Name == name);

    /// <summary>"ifm, leaky, lif, …" (error messages).</summary>
    public static string Names => string.Join(", ", ByKind.Select(m => m.Name));

    private static NeuronModel[] Build()
    {
        NeuronModel[] all = [new IfmNeuron(), new LeakyNeuron(), new LifNeuron(), new CubaLifNeuron(), new LiNeuron(), new IfNeuron(), new IntegratorNeuron(), new CubaLiNeuron()];
        var byKind = new NeuronModel[all.Length];
        foreach (var m in all) byKind[(int)m.Kind] = m;
        return byKind;
    }
}

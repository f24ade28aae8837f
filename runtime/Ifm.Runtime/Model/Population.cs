namespace Ifm.Runtime.Model;

/// <summary>
/// A contiguous range of neurons [<see cref="Start"/>, <see cref="Start"/> + <see cref="Count"/>) of one kind and one role,
/// with the kind's per-neuron parameters. Immutable once part of an <see cref="IfmModel"/>.
/// </summary>
public sealed class Population
{
    internal Population(string name, NeuronKind kind, NeuronRole role, int start, int count, IReadOnlyList<string> labels,
        NeuronParameters parameters)
    {
        Name = name;
        Kind = kind;
        Role = role;
        Start = start;
        Count = count;
        Labels = labels;
        Parameters = parameters;
    }

    /// <summary>Unique name within the model.</summary>
    public string Name { get; }

    public NeuronKind Kind { get; }

    public NeuronRole Role { get; }

    /// <summary>Index of the first neuron in the network.</summary>
    public int Start { get; }

    public int Count { get; }

    /// <summary>Index one past the last neuron.</summary>
    public int End => Start + Count;

    /// <summary>One label per neuron (channel names for input and output populations).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Kind-specific parameters, one value per neuron of this population.</summary>
    public NeuronParameters Parameters { get; }
}

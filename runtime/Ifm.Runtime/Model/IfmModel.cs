namespace Ifm.Runtime.Model;

/// <summary>
/// An immutable state neural network: populations of neurons, per-neuron parameters and directed weighted edges.
/// Build one with <see cref="ModelBuilder"/> or read one with <see cref="Format.IfmFile"/>; run it through sessions
/// (<see cref="Engine.CpuSession"/>), any number of which can share one model.
/// </summary>
/// <remarks>
/// Edges are stored in compressed sparse row order by post-synaptic neuron: the edges into neuron i are
/// <c>[RowStart[i], RowStart[i + 1])</c>, sorted by pre-synaptic neuron. Edge index k in that order is the
/// edge's identity everywhere else (plasticity state, checkpoints, OpenCL buffers).
/// </remarks>
public sealed class IfmModel
{
    private readonly float[] _bias;
    private readonly int[] _rowStart;
    private readonly int[] _pre;
    private readonly int[] _post;
    private readonly float[] _weight;
    private readonly int[] _group;
    private readonly float[] _alpha;
    private readonly int[] _inputNeurons;
    private readonly int[] _outputNeurons;
    private string? _id;

    internal IfmModel(string name, float dt, IReadOnlyList<Population> populations, float[] bias, IReadOnlyList<EdgeGroup> edgeGroups,
        int[] rowStart, int[] pre, int[] post, float[] weight, int[] group, float[] alpha, IReadOnlyDictionary<string, string> extraMetadata)
    {
        Name = name;
        Dt = dt;
        Populations = populations;
        _bias = bias;
        EdgeGroups = edgeGroups;
        _rowStart = rowStart;
        _pre = pre;
        _post = post;
        _weight = weight;
        _group = group;
        _alpha = alpha;
        ExtraMetadata = extraMetadata;
        NeuronCount = bias.Length;

        var inputs = new List<int>();
        var outputs = new List<int>();
        var inputNames = new List<string>();
        var outputNames = new List<string>();
        foreach (var p in populations)
        {
            var target = p.Role switch { NeuronRole.Input => inputs, NeuronRole.Output => outputs, _ => null };
            var names = p.Role switch { NeuronRole.Input => inputNames, NeuronRole.Output => outputNames, _ => null };
            if (target is null || names is null) continue;
            for (int i = 0; i < p.Count; i++)
            {
                target.Add(p.Start + i);
                names.Add(p.Labels[i]);
            }
        }

        _inputNeurons = [.. inputs];
        _outputNeurons = [.. outputs];
        InputNames = inputNames;
        OutputNames = outputNames;
    }

    /// <summary>Model name from the file (free text).</summary>
    public string Name { get; }

    /// <summary>When an edge's signal arrives (<see cref="TickTiming"/>); synchronous unless the model says otherwise.</summary>
    public TickTiming Timing { get; internal init; }

    /// <summary>
    /// Per edge (CSR order): true when the edge delivers its pre neuron's output of the same tick — under
    /// <see cref="TickTiming.FeedForward"/>, edges from an earlier population to a later one. Null under synchronous timing.
    /// </summary>
    public bool[]? SameTickEdges
    {
        get
        {
            if (Timing != TickTiming.FeedForward) return null;
            var populationOf = new int[NeuronCount];
            for (int p = 0; p < Populations.Count; p++) Array.Fill(populationOf, p, Populations[p].Start, Populations[p].Count);
            var same = new bool[EdgeCount];
            for (int k = 0; k < same.Length; k++) same[k] = populationOf[_pre[k]] < populationOf[_post[k]];
            return same;
        }
    }

    /// <summary>Simulation time step in seconds; used by the leaky and LIF kinds and by STDP time constants.</summary>
    public float Dt { get; }

    public int NeuronCount { get; }

    public int EdgeCount => _weight.Length;

    /// <summary>Fraction of the N×N possible edges present.</summary>
    public double Density => NeuronCount == 0 ? 0 : (double)EdgeCount / ((double)NeuronCount * NeuronCount);

    public IReadOnlyList<Population> Populations { get; }

    public IReadOnlyList<EdgeGroup> EdgeGroups { get; }

    /// <summary>True when at least one edge group carries a plasticity rule.</summary>
    public bool IsPlastic => EdgeGroups.Any(g => g.IsPlastic);

    /// <summary>Metadata entries from the file that the runtime does not interpret (training provenance, author...).</summary>
    public IReadOnlyDictionary<string, string> ExtraMetadata { get; }

    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>CSR row pointers by post-synaptic neuron, length <see cref="NeuronCount"/> + 1.</summary>
    public ReadOnlySpan<int> RowStart => _rowStart;

    /// <summary>Pre-synaptic neuron of each edge (CSR order).</summary>
    public ReadOnlySpan<int> Pre => _pre;

    /// <summary>Post-synaptic neuron of each edge (CSR order).</summary>
    public ReadOnlySpan<int> Post => _post;

    /// <summary>Initial weight of each edge (CSR order).</summary>
    public ReadOnlySpan<float> Weight => _weight;

    /// <summary>Plasticity coefficient α of each edge (CSR order): w_eff = w + α·H under the trace rules; 0 elsewhere.</summary>
    public ReadOnlySpan<float> Alpha => _alpha;

    /// <summary>True when a group's rule uses the per-edge α (so the file stores <c>edges.alpha</c>).</summary>
    public bool UsesAlpha => EdgeGroups.Any(g => g.Rule?.UsesAlpha == true) || _alpha.Any(a => a != 0);

    /// <summary>Edge group index of each edge (CSR order).</summary>
    public ReadOnlySpan<int> Group => _group;

    /// <summary>Neuron index of each input channel, in channel order.</summary>
    public ReadOnlySpan<int> InputNeurons => _inputNeurons;

    /// <summary>Neuron index of each output channel, in channel order.</summary>
    public ReadOnlySpan<int> OutputNeurons => _outputNeurons;

    public int InputCount => _inputNeurons.Length;

    public int OutputCount => _outputNeurons.Length;

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// Identity of the model: SHA-256 (hex) of its canonical .ifm encoding. Two models with the same graph,
    /// parameters and weights have the same id; checkpoints record it so state is never loaded into another model.
    /// Hashed by the managed <see cref="Sha256"/> (no OpenSSL needed at run time).
    /// </summary>
    public string Id => _id ??= Convert.ToHexStringLower(Sha256.HashData(Format.IfmFile.ToBytes(this)));

    /// <summary>Index of the input channel called <paramref name="name"/>, or −1.</summary>
    public int FindInput(string name) => IndexOf(InputNames, name);

    /// <summary>Index of the output channel called <paramref name="name"/>, or −1.</summary>
    public int FindOutput(string name) => IndexOf(OutputNames, name);

    /// <summary>The population called <paramref name="name"/>, or null.</summary>
    public Population? FindPopulation(string name) => Populations.FirstOrDefault(p => p.Name == name);

    /// <summary>Index of the edge group called <paramref name="name"/>, or −1.</summary>
    public int FindEdgeGroup(string name)
    {
        for (int g = 0; g < EdgeGroups.Count; g++)
        {
            if (EdgeGroups[g].Name == name) return g;
        }

        return -1;
    }

    /// <summary>The population that contains neuron <paramref name="neuron"/>.</summary>
    public Population PopulationOf(int neuron)
    {
        foreach (var p in Populations)
        {
            if (neuron >= p.Start && neuron < p.End) return p;
        }

        throw new ArgumentOutOfRangeException(nameof(neuron));
    }

    /// <summary>Edge index of pre → post, or −1 when there is no such edge.</summary>
    public int FindEdge(int pre, int post)
    {
        if ((uint)post >= (uint)NeuronCount) return -1;
        int lo = _rowStart[post], hi = _rowStart[post + 1] - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int v = _pre[mid];
            if (v == pre) return mid;
            if (v < pre) lo = mid + 1;
            else hi = mid - 1;
        }

        return -1;
    }

    /// <summary>Number of edges in each group.</summary>
    public int[] EdgeCountPerGroup()
    {
        var counts = new int[EdgeGroups.Count];
        foreach (var g in _group) counts[g]++;
        return counts;
    }

    /// <summary>Approximate bytes the model's arrays occupy in memory.</summary>
    public long ByteSize =>
        (long)_bias.Length * 4 + (long)_rowStart.Length * 4 + (long)_weight.Length * 16
        + Populations.Sum(p => (long)p.Count * 4 * NeuronModels.Of(p.Kind).ParameterSpecs.Count);

    internal float[] BiasArray => _bias;
    internal int[] RowStartArray => _rowStart;
    internal int[] PreArray => _pre;
    internal int[] PostArray => _post;
    internal float[] WeightArray => _weight;
    internal int[] GroupArray => _group;
    internal float[] AlphaArray => _alpha;

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == name) return i;
        }

        return -1;
    }
}

using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Training.Network;

/// <summary>
/// The learnable parameters of a model, in one flat vector θ, with the fixed structure (wiring, kinds, time constants)
/// taken from a template <see cref="IfmModel"/>. Layout of θ: weights [E], biases [N], IFM gains a [N], per-edge α [E],
/// then one η per edge group. Entries that a model does not use (a of non-IFM neurons, α of static edges, η of static
/// groups) stay fixed: <see cref="Trainable"/> is false for them.
/// </summary>
public sealed class TrainableNetwork
{
    private readonly IfmModel _template;

    public TrainableNetwork(IfmModel template)
    {
        ArgumentNullException.ThrowIfNull(template);
        _template = template;
        N = template.NeuronCount;
        E = template.EdgeCount;
        G = template.EdgeGroups.Count;
        Parameters = new float[ParameterCount];
        Trainable = new bool[ParameterCount];
        template.Weight.CopyTo(Parameters.AsSpan(WeightOffset, E));
        template.Bias.CopyTo(Parameters.AsSpan(BiasOffset, N));
        template.Alpha.CopyTo(Parameters.AsSpan(AlphaOffset, E));
        Trainable.AsSpan(WeightOffset, E + N).Fill(true);

        // Every neuron's constants and kind definition (NeuronModel.Pack, the runtime's backends use the same); each
        // kind supplies its forward and its derivative, so the trainer needs to know nothing about kinds. A kind with a
        // gain (the IFM a, slot P0) keeps it in θ.
        Cells = NeuronTable.Build(template);
        Model = new NeuronModel[N];
        LearnsGain = new bool[N];
        foreach (var p in template.Populations)
        {
            var m = NeuronModels.Of(p.Kind);
            for (int i = 0; i < p.Count; i++)
            {
                int n = p.Start + i;
                Model[n] = m;
                if (!m.HasGain) continue;
                Parameters[AOffset + n] = Cells[n].P0;
                LearnsGain[n] = Trainable[AOffset + n] = m.LearnsGain(p.Role);
            }
        }

        GroupRule = new HebbianTraceRule?[G];
        for (int g = 0; g < G; g++)
        {
            var rule = template.EdgeGroups[g].Rule;
            switch (rule)
            {
                case null:
                    break;
                case HebbianTraceRule h:
                    GroupRule[g] = h;
                    Parameters[EtaOffset + g] = h.Eta;
                    Trainable[EtaOffset + g] = true;
                    break;
                default:
                    throw new NotSupportedException(
                        $"edge group '{template.EdgeGroups[g].Name}' uses the {rule.RuleName} rule; training can differentiate through hebbian_trace only");
            }
        }

        var plastic = new List<int>();
        var groupOf = template.Group;
        for (int k = 0; k < E; k++)
        {
            if (GroupRule[groupOf[k]] is not null)
            {
                plastic.Add(k);
                Trainable[AlphaOffset + k] = true;
            }
        }

        PlasticEdges = [.. plastic];
        WMin = new float[E];
        WMax = new float[E];
        for (int k = 0; k < E; k++)
        {
            var r = GroupRule[groupOf[k]];
            WMin[k] = r?.WMin ?? float.NegativeInfinity;
            WMax[k] = r?.WMax ?? float.PositiveInfinity;
        }
    }

    public IfmModel Template => _template;

    public int N { get; }

    public int E { get; }

    public int G { get; }

    public int WeightOffset => 0;

    public int BiasOffset => E;

    public int AOffset => E + N;

    public int AlphaOffset => E + 2 * N;

    public int EtaOffset => 2 * E + 2 * N;

    public int ParameterCount => 2 * E + 2 * N + G;

    /// <summary>θ (see the class remarks for the layout).</summary>
    public float[] Parameters { get; }

    /// <summary>Which entries of θ the optimiser may change.</summary>
    public bool[] Trainable { get; }

    /// <summary>Every neuron's constants (<see cref="NeuronModel.Pack"/>); learned gains are read from θ instead.</summary>
    internal NeuronCell[] Cells { get; }

    /// <summary>Every neuron's kind definition (the forward pass runs its update, the backward pass its derivative).</summary>
    internal NeuronModel[] Model { get; }

    /// <summary>Per neuron: slot P0 of its constants is the gain in θ that training learns (<see cref="NeuronModel.LearnsGain"/>).</summary>
    internal bool[] LearnsGain { get; }

    /// <summary>The Hebbian trace rule of each group (null: static group).</summary>
    internal HebbianTraceRule?[] GroupRule { get; }

    /// <summary>Edges (CSR index) whose group carries a Hebbian trace.</summary>
    internal int[] PlasticEdges { get; }

    internal float[] WMin { get; }

    internal float[] WMax { get; }

    public bool IsPlastic => PlasticEdges.Length > 0;

    /// <summary>Keeps parameters inside their domains after an optimiser step (η ∈ [0, 1]).</summary>
    public void Project()
    {
        for (int g = 0; g < G; g++)
        {
            if (GroupRule[g] is not null) Parameters[EtaOffset + g] = Math.Clamp(Parameters[EtaOffset + g], 0f, 1f);
        }
    }

    /// <summary>The trained model: the template's structure with the current parameters.</summary>
    public IfmModel ToModel(IReadOnlyDictionary<string, string>? metadata = null, string? name = null)
    {
        var t = _template;
        var b = new ModelBuilder { Name = name ?? t.Name, Dt = t.Dt };
        foreach (var p in t.Populations)
        {
            var q = p.Parameters;
            var m = NeuronModels.Of(p.Kind);
            var parameters = m.HasGain ? m.WithGains(q, Parameters.AsSpan(AOffset + p.Start, p.Count).ToArray()) : q;
            b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, parameters, p.Labels);
        }

        for (int g = 0; g < G; g++)
        {
            var group = t.EdgeGroups[g];
            var h = GroupRule[g];
            b.AddEdgeGroup(group.Name, h is null ? null : new HebbianTraceRule(Parameters[EtaOffset + g], h.Clip, h.WMin, h.WMax));
        }

        for (int n = 0; n < N; n++) b.SetBias(n, Parameters[BiasOffset + n]);
        var pre = t.Pre;
        var post = t.Post;
        var grp = t.Group;
        for (int k = 0; k < E; k++) b.AddEdge(pre[k], post[k], Parameters[WeightOffset + k], grp[k], Parameters[AlphaOffset + k]);
        foreach (var kv in t.ExtraMetadata) b.ExtraMetadata[kv.Key] = kv.Value;
        if (metadata is not null)
        {
            foreach (var kv in metadata) b.ExtraMetadata[kv.Key] = kv.Value;
        }

        return b.Build();
    }
}

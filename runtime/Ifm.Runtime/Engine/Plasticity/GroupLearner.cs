using System.Globalization;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>What a learner sees of one tick: outputs before and after it, inputs, signals and the weights to update.</summary>
internal ref struct LearningTick
{
    /// <summary>y(t−1): every neuron's output at the end of the previous tick.</summary>
    public ReadOnlySpan<float> YPrev;

    /// <summary>y(t): every neuron's output computed in this tick.</summary>
    public ReadOnlySpan<float> YNow;

    /// <summary>x: external input per neuron.</summary>
    public ReadOnlySpan<float> External;

    /// <summary>PES error per neuron (0 for non-output neurons).</summary>
    public ReadOnlySpan<float> ErrorOfNeuron;

    public float ExternalModulator;

    /// <summary>Global learning-rate scale.</summary>
    public float Scale;

    public long Tick;

    /// <summary>Set by a learner that found a non-finite value (learning stops; the value was not written).</summary>
    public string? Fault;
}

/// <summary>
/// The run-time side of one plastic edge group: its rule's state (traces) and the update applied after each tick.
/// Effective weights live in the session's <see cref="SynapseMatrix"/>, which the synaptic sum reads.
/// </summary>
internal abstract class GroupLearner
{
    protected GroupLearner(IfmModel model, int group, SynapseMatrix synapses)
    {
        Model = model;
        Group = group;
        Name = model.EdgeGroups[group].Name;
        Synapses = synapses;
        var edges = new List<int>();
        var groupOf = model.Group;
        for (int k = 0; k < groupOf.Length; k++)
        {
            if (groupOf[k] == group) edges.Add(k);
        }

        Edges = [.. edges];
        WMin = model.EdgeGroups[group].Rule!.WMin;
        WMax = model.EdgeGroups[group].Rule!.WMax;
    }

    public IfmModel Model { get; }

    public int Group { get; }

    public string Name { get; }

    public bool Enabled { get; set; } = true;

    /// <summary>This group's learning-rate scale on top of the session's (see <see cref="IPlasticityControl.SetGroupRateScale"/>).</summary>
    public float RateScale { get; set; } = 1f;

    /// <summary>Global indices (CSR order) of the group's edges.</summary>
    public int[] Edges { get; }

    protected SynapseMatrix Synapses { get; }

    protected float WMin { get; }

    protected float WMax { get; }

    /// <summary>Applies one tick's update and returns Σ|Δw_eff| over the group (sets <see cref="LearningTick.Fault"/> on a non-finite value).</summary>
    public abstract float Apply(ref LearningTick t);

    /// <summary>Copies the group's traces into a state (names "plasticity.&lt;group&gt;.&lt;trace&gt;").</summary>
    public virtual void Save(SessionState state)
    {
    }

    public virtual void Load(SessionState state)
    {
    }

    /// <summary>Traces back to their initial values (weights are reset by the session).</summary>
    public virtual void Reset()
    {
    }

    public int CountAtBounds()
    {
        var w = Synapses.Weights;
        int n = 0;
        foreach (int k in Edges)
        {
            if (w[k] <= WMin || w[k] >= WMax) n++;
        }

        return n;
    }

    protected string Key(string trace) => $"plasticity.{Name}.{trace}";

    protected float Clamp(float w) => Math.Clamp(w, WMin, WMax);

    protected string FaultAt(int edge, string what, long tick) => string.Create(CultureInfo.InvariantCulture,
        $"edge group '{Name}': {what} of edge {Model.Pre[edge]}→{Model.Post[edge]} became non-finite at tick {tick}; learning frozen");

    public static GroupLearner Create(IfmModel model, int group, SynapseMatrix synapses) => model.EdgeGroups[group].Rule switch
    {
        Ifm.Runtime.Plasticity.HebbianTraceRule r => new HebbianTraceLearner(model, group, synapses, r),
        Ifm.Runtime.Plasticity.NeuromodulatedRule r => new NeuromodulatedLearner(model, group, synapses, r),
        Ifm.Runtime.Plasticity.StdpRule r => new StdpLearner(model, group, synapses, r),
        Ifm.Runtime.Plasticity.OjaRule r => new OjaLearner(model, group, synapses, r),
        Ifm.Runtime.Plasticity.PesRule r => new PesLearner(model, group, synapses, r),
        var r => throw new NotSupportedException($"no learner for plasticity rule {r?.RuleName}"),
    };
}

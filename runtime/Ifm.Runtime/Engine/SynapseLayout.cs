namespace Ifm.Runtime.Engine;

/// <summary>How a session stores its weight matrix for the synaptic sum.</summary>
public enum SynapseLayout
{
    /// <summary>Dense when the network is small and dense enough, sparse (CSR) otherwise.</summary>
    Auto,

    /// <summary>Row-major N×N matrix (zeros for absent edges), vectorised rows.</summary>
    Dense,

    /// <summary>Compressed sparse rows by post-synaptic neuron.</summary>
    Sparse,
}

/// <summary>Which kernel runs a plastic session's fused Hebbian-trace pass.</summary>
public enum FusedKernel
{
    /// <summary>No fused pass: a static model, or rules that run their own learners after the tick.</summary>
    None,

    /// <summary>Row-major N×stride matrices of w, α and H.</summary>
    Dense,

    /// <summary>w, α and H per edge on the padded rows (<see cref="PaddedCsr"/>).</summary>
    Sparse,
}

/// <summary>How a session computes the synaptic sum of a network of spiking neurons.</summary>
public enum SpikePropagationMode
{
    /// <summary>Event-driven when every presynaptic neuron spikes (tick by tick, while the spikes cost less than
    /// <see cref="SessionOptions.EventDrivenBelow"/> of a full pass), clock-driven otherwise.</summary>
    Auto,

    /// <summary>Always the matrix kernels (every edge, every tick).</summary>
    ClockDriven,

    /// <summary>Always along the out-edges of the neurons that spiked; refused for models with rate neurons that send edges.</summary>
    EventDriven,
}

/// <summary>Options for creating a session.</summary>
public sealed record SessionOptions
{
    public static SessionOptions Default { get; } = new();

    public SynapseLayout Layout { get; init; } = SynapseLayout.Auto;

    /// <summary>Above this density (edges / N²) <see cref="SynapseLayout.Auto"/> picks the dense layout.</summary>
    public double DenseAbove { get; init; } = 0.05;

    /// <summary><see cref="SynapseLayout.Auto"/> never picks dense above this many neurons (memory grows with N²).</summary>
    public int MaxDenseNeurons { get; init; } = 4096;

    /// <summary>
    /// Bytes the dense layout's N×N matrices may take before the session refuses to allocate them (null: half the
    /// memory this process may use, <see cref="GC.GetGCMemoryInfo()"/>.TotalAvailableMemoryBytes).
    /// </summary>
    public long? DenseMemoryBudget { get; init; }

    /// <summary>
    /// The fused Hebbian-trace pass uses the dense kernel only above this density (and only on the dense layout):
    /// it streams W, α and H for every entry of the N×stride matrices, the sparse kernel only for the edges. On the
    /// development machine (300 neurons) the two cost the same at 28 % of all possible edges, the sparse one two thirds as much at 18 %.
    /// </summary>
    public double FusedDenseAbove { get; init; } = 0.28;

    /// <summary>
    /// Fold the Hebbian-trace update into the synaptic sum when one hebbian_trace group holds every edge (same results,
    /// one pass over the edges). False runs the rule's own learner after each tick (a reference for tests).
    /// </summary>
    public bool FusedPlasticity { get; init; } = true;

    /// <summary>Event-driven or clock-driven synaptic sums for spiking networks (see <see cref="SpikePropagation"/>).</summary>
    public SpikePropagationMode SpikePropagation { get; init; } = SpikePropagationMode.Auto;

    /// <summary>
    /// <see cref="SpikePropagationMode.Auto"/> runs a tick event-driven while the out-edges of the neurons that spiked
    /// number at most this fraction of all edges: a scattered add along an out-list costs a few times a streamed
    /// multiply-add of the CSR kernel.
    /// </summary>
    public double EventDrivenBelow { get; init; } = 0.25;

    /// <summary>
    /// Threads that compute a tick's synaptic sum (1: the calling thread only). The rows are split between them;
    /// results are bit-identical to one thread. Applies to the clock-driven static (or learning-frozen) sum, and to
    /// the busy ticks of an event-driven session that fall back to it; the fused plastic pass, event-driven spikes
    /// and the learners run on the calling thread (their work per tick is too small to pay for a barrier).
    /// <c>ifm run --threads</c>, <c>ifm replay --threads</c>, <c>ifm bench --threads</c>, run.json's <c>threads</c>
    /// and <c>ifm_session_options.threads</c> (C ABI 1.2) set it.
    /// </summary>
    public int Threads { get; init; } = 1;
}

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
}

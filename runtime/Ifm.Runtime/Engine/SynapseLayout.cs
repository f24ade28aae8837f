namespace Ifm.Engine;

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
    /// Fold the Hebbian-trace update into the synaptic sum when one hebbian_trace group holds every edge (same results,
    /// one pass over the edges). False runs the rule's own learner after each tick (a reference for tests).
    /// </summary>
    public bool FusedPlasticity { get; init; } = true;
}

namespace Ifm.Runtime.Engine;

/// <summary>
/// Moves per-edge values (CSR edge order, the order the model and snapshots use) to and from the slots of a kernel
/// layout — the N×stride matrix or the padded rows — given the slot of each edge.
/// </summary>
internal static class EdgeSlots
{
    /// <summary>slots[position[k]] = perEdge[k]; slots that hold no edge keep what they hold.</summary>
    public static void Scatter(ReadOnlySpan<int> position, ReadOnlySpan<float> perEdge, Span<float> slots)
    {
        for (int k = 0; k < position.Length; k++) slots[position[k]] = perEdge[k];
    }

    /// <summary>perEdge[k] = slots[position[k]].</summary>
    public static void Gather(ReadOnlySpan<int> position, ReadOnlySpan<float> slots, Span<float> perEdge)
    {
        for (int k = 0; k < position.Length; k++) perEdge[k] = slots[position[k]];
    }
}

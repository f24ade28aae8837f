namespace Ifm.Import.Nir;

/// <summary>A numeric NIR parameter: values (row-major, as float) and the dataset's shape.</summary>
public sealed record NirArray(float[] Values, long[] Shape)
{
    /// <summary>Number of elements (the product of the shape).</summary>
    public int Count => Values.Length;
}

/// <summary>One node of a NIR graph: its name, its type ("LIF", "Affine", …), its numeric parameters, and for a
/// nested graph (type "NIRGraph") the subgraph.</summary>
public sealed record NirNode(string Name, string Type, IReadOnlyDictionary<string, NirArray> Parameters, NirGraph? Subgraph)
{
    /// <summary>The node's place in the tick's update order when the file says (<c>metadata/ifm_update_order</c>, written
    /// by <see cref="NirExporter"/>); null otherwise.</summary>
    public long? UpdateOrder { get; init; }

    public NirArray? Find(string name) => Parameters.TryGetValue(name, out var a) ? a : null;
}

/// <summary>A NIR graph as stored in a .nir file: named nodes and (source, target) edges between node names.</summary>
public sealed record NirGraph(IReadOnlyList<NirNode> Nodes, IReadOnlyList<(string Source, string Target)> Edges);

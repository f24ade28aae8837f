using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// The model's edges ordered by presynaptic neuron (a transposed CSR): what event-driven propagation and STDP walk
/// when a neuron spikes. Slot s holds edge <see cref="Edge"/>[s] (its index in CSR order); the slots of neuron j are
/// [<see cref="Start"/>[j], <see cref="Start"/>[j + 1]), ordered by post-synaptic neuron.
/// </summary>
internal sealed class OutEdges
{
    public OutEdges(IfmModel model)
    {
        int n = model.NeuronCount;
        var pre = model.PreArray;
        var post = model.PostArray;
        int e = pre.Length;
        Start = new int[n + 1];
        foreach (int j in pre) Start[j + 1]++;
        for (int j = 0; j < n; j++) Start[j + 1] += Start[j];
        Edge = new int[e];
        Post = new int[e];
        SlotOfEdge = new int[e];
        var fill = (int[])Start.Clone();

        // CSR order is by post, then pre: walking it in order leaves every out-list sorted by post.
        for (int k = 0; k < e; k++)
        {
            int s = fill[pre[k]]++;
            Edge[s] = k;
            Post[s] = post[k];
            SlotOfEdge[k] = s;
        }
    }

    public int[] Start { get; }

    public int[] Edge { get; }

    public int[] Post { get; }

    /// <summary>The slot of each edge (CSR index → slot).</summary>
    public int[] SlotOfEdge { get; }
}

namespace Ifm.Training.Network;

/// <summary>
/// The state a stream of ticks carries from one training window to the next (truncated BPTT: values carry over,
/// gradients stop at the window boundary): outputs y, states s (membrane v for spiking and NIR kinds), synaptic currents, refractory counters and the
/// Hebbian traces H of the plastic edges.
/// </summary>
public sealed class StreamState
{
    public StreamState(TrainableNetwork net)
    {
        ArgumentNullException.ThrowIfNull(net);
        Y = new float[net.N];
        S = new float[net.N];
        Current = new float[net.N];
        Refractory = new int[net.N];
        H = new float[net.PlasticEdges.Length];
        Fresh = true;
    }

    public float[] Y { get; }

    public float[] S { get; }

    /// <summary>Synaptic currents of current-based kinds (zero elsewhere).</summary>
    public float[] Current { get; }

    public int[] Refractory { get; }

    /// <summary>Trace per plastic edge, in <see cref="TrainableNetwork.PlasticEdges"/> order.</summary>
    public float[] H { get; }

    /// <summary>
    /// True before the first tick: the runtime starts a session with the model's raw weights and applies the plasticity
    /// rule's weight bounds only from the second tick on; the trainer does the same.
    /// </summary>
    public bool Fresh { get; set; }

    public void Reset()
    {
        Array.Clear(Y);
        Array.Clear(S);
        Array.Clear(Current);
        Array.Clear(Refractory);
        Array.Clear(H);
        Fresh = true;
    }
}

using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// Event-driven synaptic sum for networks whose presynaptic neurons all spike (outputs 0 or 1): instead of
/// multiplying the whole weight matrix by a vector that is almost all zeros, each neuron that spiked in the previous
/// tick adds its weights along its out-edges only. Work per tick is O(N) for the scan plus spikes × fan-out, where
/// the clock-driven kernels do O(E) (or O(N²) dense).
/// </summary>
/// <remarks>
/// <para>The out-edge lists (a transposed CSR: by presynaptic neuron, each list ordered by post-synaptic neuron)
/// hold the edge's index into the session's per-edge weight array, so plasticity that writes those weights is seen
/// by the next tick without a second copy.</para>
/// <para>Per target, the event path adds the spiking inputs in ascending presynaptic order; the vector kernels add
/// them in lane order. The sums are the same up to float rounding when a target receives three or more spikes in
/// one tick (one or two: bit-identical). <see cref="Sum"/> falls back to the clock-driven kernel for a tick
/// whose spikes would cost more than a fraction of a full pass (<see cref="SessionOptions.EventDrivenBelow"/>), so a
/// burst of activity never makes the tick slower than the clock-driven one.</para>
/// </remarks>
internal sealed class SpikePropagation
{
    private readonly int _neurons;
    private readonly int[] _outStart;   // N + 1: out-edges of neuron j are [_outStart[j], _outStart[j + 1])
    private readonly int[] _outEdge;    // index k of the edge in CSR (per-edge weight) order
    private readonly int[] _outPost;    // its post-synaptic neuron
    private readonly long _budget;      // fan-out total above which a tick runs the clock-driven kernel

    private SpikePropagation(IfmModel model, double eventDrivenBelow)
    {
        int n = model.NeuronCount;
        _neurons = n;
        var pre = model.PreArray;
        var post = model.PostArray;
        int e = pre.Length;
        _outStart = new int[n + 1];
        foreach (int j in pre) _outStart[j + 1]++;
        for (int j = 0; j < n; j++) _outStart[j + 1] += _outStart[j];
        _outEdge = new int[e];
        _outPost = new int[e];
        var fill = (int[])_outStart.Clone();

        // CSR order is by post, then pre: walking it in order leaves every out-list sorted by post.
        for (int k = 0; k < e; k++)
        {
            int slot = fill[pre[k]]++;
            _outEdge[slot] = k;
            _outPost[slot] = post[k];
        }

        _budget = double.IsPositiveInfinity(eventDrivenBelow) ? long.MaxValue : (long)(eventDrivenBelow * e);
    }

    /// <summary>Ticks that ran the event path and ticks that fell back to the clock-driven kernel.</summary>
    public long EventTicks { get; private set; }

    public long ClockTicks { get; private set; }

    /// <summary>True when every neuron that has an out-edge is of a spiking kind (its output is 0 or 1).</summary>
    public static bool Applies(IfmModel model)
    {
        if (model.EdgeCount == 0) return false;
        var pre = model.PreArray;
        foreach (var p in model.Populations)
        {
            if (p.Kind == NeuronKind.Lif) continue;

            // A non-spiking population may take part only if none of its neurons sends an edge.
            foreach (int j in pre)
            {
                if (j >= p.Start && j < p.End) return false;
            }
        }

        return true;
    }

    public static SpikePropagation? Create(IfmModel model, SessionOptions options) => options.SpikePropagation switch
    {
        SpikePropagationMode.ClockDriven => null,
        SpikePropagationMode.EventDriven when !Applies(model) => throw new ArgumentException(
            "event-driven spike propagation needs every presynaptic neuron to be a spiking kind (lif); this model has rate neurons with out-edges"),
        SpikePropagationMode.EventDriven => new SpikePropagation(model, double.PositiveInfinity),
        _ => Applies(model) ? new SpikePropagation(model, options.EventDrivenBelow) : null,
    };

    /// <summary>
    /// syn[i] = Σ_j w[edge j→i]·y[j], visiting only the neurons with y[j] ≠ 0. Returns false (and leaves syn alone)
    /// when this tick's spikes exceed the budget: the caller then runs the clock-driven kernel.
    /// </summary>
    public bool Sum(ReadOnlySpan<float> y, ReadOnlySpan<float> weights, Span<float> syn)
    {
        y = y[.._neurons];
        if (_budget < _outEdge.Length)
        {
            long work = 0;
            for (int j = NextActive(y, 0); j >= 0; j = NextActive(y, j + 1))
            {
                work += _outStart[j + 1] - _outStart[j];
                if (work > _budget)
                {
                    ClockTicks++;
                    return false;
                }
            }
        }

        syn[.._neurons].Clear();
        var outStart = _outStart;
        var outEdge = _outEdge;
        var outPost = _outPost;
        for (int j = NextActive(y, 0); j >= 0; j = NextActive(y, j + 1))
        {
            float yj = y[j];
            int end = outStart[j + 1];
            for (int s = outStart[j]; s < end; s++)
            {
                syn[outPost[s]] += weights[outEdge[s]] * yj;
            }
        }

        EventTicks++;
        return true;
    }

    /// <summary>Index of the first neuron at or after <paramref name="from"/> with a non-zero output, or −1 (vectorised scan).</summary>
    private static int NextActive(ReadOnlySpan<float> y, int from)
    {
        if (from >= y.Length) return -1;
        int i = y[from..].IndexOfAnyExcept(0f);
        return i < 0 ? -1 : from + i;
    }
}

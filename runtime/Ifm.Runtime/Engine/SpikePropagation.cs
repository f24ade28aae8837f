using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// Event-driven synaptic sum for networks whose presynaptic neurons all spike (outputs 0 or 1): instead of
/// multiplying the whole weight matrix by a vector that is almost all zeros, each neuron that spiked in the previous
/// tick adds its weights along its out-edges only. Work per tick is O(N) for the scan plus spikes × fan-out, where
/// the clock-driven kernels do O(E) (or O(N²) dense).
/// </summary>
/// <remarks>
/// <para>The weights are read from a copy in presynaptic order (<see cref="SynapseMatrix.WeightsByPre"/>, kept
/// equal to the per-edge weights by every write), so a spike's out-edges are one sequential run; the matrix layout
/// is brought up to date only when a busy tick needs it.</para>
/// <para>Per target, the event path adds the spiking inputs in ascending presynaptic order; the vector kernels add
/// them in lane order. The sums are the same up to float rounding when a target receives three or more spikes in
/// one tick (one or two: bit-identical). <see cref="Sum"/> falls back to the clock-driven kernel for a tick
/// whose spikes would cost more than a fraction of a full pass (<see cref="SessionOptions.EventDrivenBelow"/>), so a
/// burst of activity never makes the tick slower than the clock-driven one.</para>
/// </remarks>
internal sealed class SpikePropagation
{
    private readonly int _neurons;
    private readonly SynapseMatrix _synapses;
    private readonly OutEdges _byPre;
    private readonly long _budget;      // fan-out total above which a tick runs the clock-driven kernel

    private SpikePropagation(IfmModel model, SynapseMatrix synapses, double eventDrivenBelow)
    {
        _neurons = model.NeuronCount;
        _synapses = synapses;
        _byPre = new OutEdges(model);
        synapses.EnableEventOrder(_byPre);
        int e = model.EdgeCount;
        _budget = double.IsPositiveInfinity(eventDrivenBelow) ? long.MaxValue : (long)(eventDrivenBelow * e);
    }

    /// <summary>Ticks that ran the event path and ticks that fell back to the clock-driven kernel.</summary>
    public long EventTicks { get; private set; }

    public long ClockTicks { get; private set; }

    /// <summary>True when every neuron that has an out-edge is of a spiking kind (<see cref="NeuronModel.Spiking"/>: its output is 0 or 1).</summary>
    public static bool Applies(IfmModel model)
    {
        if (model.EdgeCount == 0) return false;
        var pre = model.PreArray;
        foreach (var p in model.Populations)
        {
            if (NeuronModels.Of(p.Kind).Spiking) continue;

            // A non-spiking population may take part only if none of its neurons sends an edge.
            foreach (int j in pre)
            {
                if (j >= p.Start && j < p.End) return false;
            }
        }

        return true;
    }

    public static SpikePropagation? Create(IfmModel model, SynapseMatrix synapses, SessionOptions options) => options.SpikePropagation switch
    {
        SpikePropagationMode.ClockDriven => null,
        SpikePropagationMode.EventDriven when !Applies(model) => throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration,
            "event-driven spike propagation needs every presynaptic neuron to be of a spiking kind; this model has rate neurons with out-edges"),
        SpikePropagationMode.EventDriven => new SpikePropagation(model, synapses, double.PositiveInfinity),
        _ => Applies(model) ? new SpikePropagation(model, synapses, options.EventDrivenBelow) : null,
    };

    /// <summary>
    /// syn[i] = Σ_j w[edge j→i]·y[j], visiting only the neurons with y[j] ≠ 0. Returns false (and leaves syn alone)
    /// when this tick's spikes exceed the budget: the caller then runs the clock-driven kernel.
    /// </summary>
    public bool Sum(ReadOnlySpan<float> y, Span<float> syn)
    {
        y = y[.._neurons];
        var start = _byPre.Start;
        if (_budget < _byPre.Edge.Length)
        {
            long work = 0;
            for (int j = ActiveScan.Next(y, 0); j >= 0; j = ActiveScan.Next(y, j + 1))
            {
                work += start[j + 1] - start[j];
                if (work > _budget)
                {
                    ClockTicks++;
                    return false;
                }
            }
        }

        syn = syn[.._neurons];
        syn.Clear();
        ref float sr = ref MemoryMarshal.GetReference(syn);
        ref int post = ref MemoryMarshal.GetArrayDataReference(_byPre.Post);
        ref float w = ref MemoryMarshal.GetReference(_synapses.WeightsByPre);
        for (int j = ActiveScan.Next(y, 0); j >= 0; j = ActiveScan.Next(y, j + 1))
        {
            // Posts and slots come from the model's own lists (every post < N): no bounds check in the loop.
            float yj = y[j];
            for (int s = start[j], end = start[j + 1]; s < end; s++)
            {
                Unsafe.Add(ref sr, Unsafe.Add(ref post, s)) += Unsafe.Add(ref w, s) * yj;
            }
        }

        EventTicks++;
        return true;
    }
}

using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// Feed-forward timing (FORMAT.md §5: a chain acts within one tick, edges that close a cycle read the previous tick)
/// on the OpenCL backend (PoCL here): the NIR paper's single-LIF graph spikes on Norse's steps with the CPU engine's
/// membrane, and a recurrent graph of every NIR kind with edges forwards, backwards and within populations gives the
/// CPU engine's outputs and states bit for bit (both sum a neuron's edges one at a time in CSR order); its tick
/// allocates nothing.
/// </summary>
public sealed class FeedForwardTimingTests
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "nir", file);

    [Fact]
    public void Lif_norse_on_opencl_spikes_on_norses_steps_with_the_cpu_membrane()
    {
        var model = NirImporter.ToModel(NirFile.Read(Data("lif_norse.nir")), new NirImportOptions { Dt = 1e-4f });
        Assert.Equal(TickTiming.FeedForward, model.Timing);
        int lif = model.Populations.Single(p => p.Kind == NeuronKind.Lif).Start;
        var rows = File.ReadAllLines(Data("lif_norse.csv")).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        using var cpu = new CpuSession(model);
        using var gpu = new OpenClSession(model);
        var y = new float[1];
        var spikes = new List<int>();
        for (int t = 0; t < rows.Length; t++)
        {
            cpu.SetInputs([rows[t][0]]);
            gpu.SetInputs([rows[t][0]]);
            cpu.Step();
            gpu.Step();
            gpu.ReadOutputs(y);
            if (y[0] == 1f) spikes.Add(t);
            Assert.Equal(cpu.NeuronStates[lif], gpu.ReadNeuronStates()[lif]);
            Assert.Equal(cpu.NeuronOutputs.ToArray(), gpu.ReadNeuronOutputs());
        }

        Assert.Equal([460, 510, 710, 760], spikes);
    }

    [Fact]
    public void Recurrent_graph_of_every_nir_kind_matches_the_cpu_engine_bit_for_bit()
    {
        var model = MixedGraph();
        var same = model.SameTickEdges!;
        Assert.Contains(true, same);
        Assert.Contains(false, same);
        long spikes = Parity.Run(model, ticks: 400, dyadicInputs: true, exactNeurons: true, tolerance: 0);
        Assert.True(spikes > 200, $"only {spikes} spikes: too quiet to compare spike times");
    }

    [Fact]
    public void Feed_forward_timing_changes_what_the_opencl_backend_computes()
    {
        // The same graph under synchronous timing differs: the test above would pass trivially if the backend ignored timing.
        var ff = MixedGraph();
        var sync = MixedGraph(TickTiming.Synchronous);
        using var a = new OpenClSession(ff);
        using var b = new OpenClSession(sync);
        var x = Enumerable.Repeat(1f, ff.InputCount).ToArray();
        a.SetInputs(x);
        b.SetInputs(x);
        a.Step(3);
        b.Step(3);
        Assert.NotEqual(a.ReadNeuronOutputs(), b.ReadNeuronOutputs());
    }

    [Fact]
    public void A_feed_forward_tick_allocates_no_managed_memory()
    {
        var m = MixedGraph();
        using var s = new OpenClSession(m);
        var inputs = new float[m.InputCount];
        var outputs = new float[m.OutputCount];
        void Period(int t)
        {
            inputs[t % inputs.Length] = (t & 1) == 0 ? 1f : 0f;
            s.SetInputs(inputs);
            s.Step(2);
            s.ReadOutputs(outputs);
        }

        for (int t = 0; t < 50; t++) Period(t);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 500; t++) Period(t);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Input (identity) → one population per NIR kind (cuba_lif, lif, if, li, cuba_li, integrator) → output,
    /// with random dyadic edges between any two non-input populations (forwards: same tick; backwards and within a
    /// population: the previous tick).</summary>
    private static IfmModel MixedGraph(TickTiming timing = TickTiming.FeedForward)
    {
        const float dt = 1e-3f;
        var b = new ModelBuilder { Name = "mixed", Dt = dt, Timing = timing };
        var rng = new Random(3);
        var starts = new List<(int Start, int Count)>();
        int input = b.AddPopulation("input", NeuronKind.Leaky, NeuronRole.Input, 3, NeuronParameters.ForLeaky([dt, dt, dt], Activation.Identity));
        starts.Add((input, 3));
        foreach (var kind in new[] { NeuronKind.CubaLif, NeuronKind.Lif, NeuronKind.If, NeuronKind.Li, NeuronKind.CubaLi, NeuronKind.Integrator })
        {
            var m = NeuronModels.All.Single(x => x.Kind == kind);
            int s = b.AddPopulation(m.Name, kind, NeuronRole.Hidden, 5, ReferenceParityTests.Parameters(m, 5));
            for (int i = 0; i < 5; i++) b.SetBias(s + i, m.Spiking ? 0.25f : 0f);
            starts.Add((s, 5));
        }

        int output = b.AddPopulation("output", NeuronKind.Leaky, NeuronRole.Output, 4, NeuronParameters.ForLeaky([dt, dt, dt, dt], Activation.Identity));
        starts.Add((output, 4));
        for (int q = 1; q < starts.Count; q++)
        {
            for (int p = 0; p < starts.Count - 1; p++)
            {
                for (int j = 0; j < starts[p].Count; j++)
                {
                    for (int i = 0; i < starts[q].Count; i++)
                    {
                        if (rng.NextDouble() < 0.3) b.AddEdge(starts[p].Start + j, starts[q].Start + i, rng.Next(-256, 768) / 1024f);
                    }
                }
            }
        }

        return b.Build();
    }
}

using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Import.Tests;

/// <summary>
/// <see cref="NirExporter"/> + <see cref="NirFile.Write"/>: import → export → import gives the same model (same id:
/// same populations, parameters, edges and update order) and the same run, bit for bit, for the NIR paper's graph and
/// the synthetic ones; a model that needs connector nodes (biases on neurons, several sources, edges backwards and
/// within populations) behaves identically after the round trip; the exported files satisfy the NIR 1.0 layout as
/// Debian's h5py reads it, and numpy running NIR's equations on them reproduces the original model's outputs.
/// </summary>
public sealed class NirExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ifm-nir-export-").FullName;

    public static TheoryData<string> Graphs() => ["lif_norse", "recurrent_cubalif", "residual", "nested", "threshold_edge"];

    private static (string Path, float Dt) Source(string name) => name == "lif_norse"
        ? (NorseConformanceTests.Data("lif_norse.nir"), 1e-4f)
        : (Path.Combine(SyntheticGraphTests.Dir.Value, name + ".nir"), 1e-3f);

    [Theory]
    [MemberData(nameof(Graphs))]
    public void Import_export_import_gives_the_same_model_and_the_same_run(string name)
    {
        var (path, dt) = Source(name);
        var options = new NirImportOptions { Dt = dt, Name = name };
        var model = NirImporter.ToModel(NirFile.Read(path), options);
        string exported = Path.Combine(_dir, name + ".nir");
        var graph = NirExporter.ToGraph(model);
        if (name == "threshold_edge")
        {
            // NIR's own nodes, not Affine stand-ins: one Threshold, and the 2 + 1 steps as three Delay(dt) nodes.
            Assert.Equal([1.0f, 0.5f, 0.999f], graph.Nodes.Single(n => n.Type == "Threshold").Parameters["threshold"].Values);
            var delays = graph.Nodes.Where(n => n.Type == "Delay").ToList();
            Assert.Equal(3, delays.Count);
            Assert.All(delays, n => Assert.All(n.Parameters["delay"].Values, v => Assert.Equal(dt, v)));
        }

        NirFile.Write(graph, exported);
        var again = NirImporter.ToModel(NirFile.Read(exported), options);

        Assert.Equal(model.Populations.Select(p => (p.Name, p.Kind, p.Role, p.Count)), again.Populations.Select(p => (p.Name, p.Kind, p.Role, p.Count)));
        Assert.Equal(model.Id, again.Id);
        long spikes = RunBoth(model, again, Inputs(model.InputCount, 1000, seed: 2), compareNeurons: true);
        Assert.True(spikes > 0, $"{name}: no spikes in the run");
    }

    [Fact]
    public void A_graph_needing_connector_nodes_keeps_its_spikes_and_values_through_the_round_trip()
    {
        var model = MixedGraph();
        string exported = Path.Combine(_dir, "mixed.nir");
        var graph = NirExporter.ToGraph(model);
        Assert.Contains(graph.Nodes, n => n.Type == "Linear");
        Assert.Contains(graph.Nodes, n => n.Type == "Affine" && n.Name.Contains("_to_", StringComparison.Ordinal));
        NirFile.Write(graph, exported);
        var again = NirImporter.ToModel(NirFile.Read(exported), new NirImportOptions { Dt = model.Dt, Name = model.Name });
        Assert.True(again.NeuronCount > model.NeuronCount, "no connector populations in the re-imported model");

        // The connectors regroup the synaptic sums: exact for the spiking populations (their inputs are multiples of
        // 1/1024), within float rounding for the outputs that sum the rate kinds' values.
        long spikes = RunBoth(model, again, Inputs(model.InputCount, 500, seed: 3), compareNeurons: false);
        Assert.True(spikes > 100, $"only {spikes} spikes");
    }

    [Fact]
    public void Learned_weights_are_exported_in_place_of_the_models()
    {
        var (path, dt) = Source("residual");
        var model = NirImporter.ToModel(NirFile.Read(path), new NirImportOptions { Dt = dt });
        // Learning changes the weights of the Affine/Linear nodes (the edges into their identity populations).
        var affine = model.Populations.Where(p => p.Name is "a1" or "a2" or "skip").ToList();
        var post = model.Post.ToArray();
        var learned = model.Weight.ToArray().Select((w, k) => affine.Any(p => post[k] >= p.Start && post[k] < p.End) ? w + (k % 3 - 1) * 0.125f : w).ToArray();
        Assert.NotEqual(model.Weight.ToArray(), learned);
        string exported = Path.Combine(_dir, "learned.nir");
        NirFile.Write(NirExporter.ToGraph(model, learned), exported);
        var again = NirImporter.ToModel(NirFile.Read(exported), new NirImportOptions { Dt = dt });
        Assert.Equal(learned, again.Weight.ToArray());
    }

    [Theory]
    [InlineData("recurrent_cubalif")]
    [InlineData("residual")]
    [InlineData("nested")]
    [InlineData("mixed")]
    [InlineData("delay_threshold")]
    [InlineData("threshold_edge")]
    public void Exported_file_follows_the_nir_layout_and_numpy_runs_it_like_the_model(string name)
    {
        var model = name == "mixed" ? MixedGraph() : NirImporter.ToModel(NirFile.Read(Source(name).Path), new NirImportOptions { Dt = 1e-3f });
        string exported = Path.Combine(_dir, name + ".nir");
        NirFile.Write(NirExporter.ToGraph(model), exported);
        var x = Inputs(model.InputCount, 300, seed: 4);
        string inCsv = Path.Combine(_dir, name + ".in.csv"), outCsv = Path.Combine(_dir, name + ".numpy.csv");
        File.WriteAllLines(inCsv, x.Select(r => string.Join(',', r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        string report = Python.Run("check", exported, inCsv, outCsv, model.Dt.ToString("R", CultureInfo.InvariantCulture));
        Assert.Contains("NIR 1.0 layout", report, StringComparison.Ordinal);

        var expected = File.ReadAllLines(outCsv).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        using var s = new CpuSession(model);
        var y = new float[model.OutputCount];
        for (int t = 0; t < x.Length; t++)
        {
            s.SetInputs(x[t]);
            s.Step();
            s.ReadOutputs(y);
            for (int c = 0; c < y.Length; c++)
            {
                float e = expected[t][c];
                if (!(Math.Abs(e - y[c]) <= 1e-5 * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{name}: tick {t + 1}, output {c}: numpy on the exported file {e:R}, model {y[c]:R}");
            }
        }
    }

    [Fact]
    public void Models_nir_cannot_express_are_refused_by_name()
    {
        var sync = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 20, Inputs = 2, Outputs = 2, Connectivity = 0.3, Kind = NeuronKind.Lif, Seed = 1 });
        Assert.Contains("synchronous timing", Assert.Throws<IfmFormatException>(() => NirExporter.ToGraph(sync)).Message, StringComparison.Ordinal);

        var b = Builder();
        int i = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([b.Dt], Activation.Identity));
        int h = b.AddPopulation("state", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0.5f]));
        b.AddEdge(i, h, 1f);
        var e = Assert.Throws<IfmFormatException>(() => NirExporter.ToGraph(b.Build()));
        Assert.Contains("population 'state' is of kind ifm", e.Message, StringComparison.Ordinal);

        b = Builder();
        i = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([b.Dt], Activation.Identity));
        h = b.AddPopulation("lif", NeuronKind.Lif, NeuronRole.Hidden, 1,
            NeuronParameters.ForLif([0.01f], [1f], [0f], [0f], [1f], LifResetMode.ToReset, refractoryTicks: 2));
        int o = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 1, NeuronParameters.ForLeaky([b.Dt], Activation.Identity));
        b.AddEdge(i, h, 1f);
        b.AddEdge(h, o, 1f);
        e = Assert.Throws<IfmFormatException>(() => NirExporter.ToGraph(b.Build()));
        Assert.Contains("refractory", e.Message, StringComparison.Ordinal);
    }

    private static ModelBuilder Builder() => new() { Name = "m", Dt = 1e-3f, Timing = TickTiming.FeedForward };

    /// <summary>Input → a population of each NIR kind (spiking ones with biases) → output, random dyadic edges between
    /// populations: forwards, backwards and within a population.</summary>
    internal static IfmModel MixedGraph()
    {
        const float dt = 1e-3f;
        var b = new ModelBuilder { Name = "mixed", Dt = dt, Timing = TickTiming.FeedForward };
        var rng = new Random(3);
        var pops = new List<(int Start, int Count)> { (b.AddPopulation("input", NeuronKind.Leaky, NeuronRole.Input, 3, NeuronParameters.ForLeaky([dt, dt, dt], Activation.Identity)), 3) };
        foreach (var kind in new[] { NeuronKind.CubaLif, NeuronKind.Lif, NeuronKind.If, NeuronKind.Li, NeuronKind.CubaLi, NeuronKind.Integrator })
        {
            var m = NeuronModels.Of(kind);
            var arrays = m.ParameterSpecs.ToDictionary(s => s.Name, s => Enumerable.Range(0, 4).Select(i => s.Name switch
            {
                "tau" => 0.004f + 0.001f * i,
                "tau_syn" => 0.002f + 0.001f * i,
                "v_threshold" => 1f,
                "v_reset" => 0f,
                "v_leak" => -0.125f,
                "resistance" => kind == NeuronKind.If ? 80f : kind == NeuronKind.Integrator ? 2f : 4f,
                "w_in" => 1f + 0.25f * i,
                _ => s.Default,
            }).ToArray(), StringComparer.Ordinal);
            int start = b.AddPopulation(m.Name, kind, NeuronRole.Hidden, 4, NeuronParameters.Create(arrays));
            if (m.Spiking)
            {
                for (int i = 0; i < 4; i++) b.SetBias(start + i, 0.25f);
            }

            pops.Add((start, 4));
        }

        pops.Add((b.AddPopulation("output", NeuronKind.Leaky, NeuronRole.Output, 4, NeuronParameters.ForLeaky([dt, dt, dt, dt], Activation.Identity)), 4));
        for (int q = 1; q < pops.Count; q++)
        {
            for (int p = 0; p < pops.Count - 1; p++)
            {
                // The rate kinds (li, cuba_li, integrator: pops 4-6) feed the output only, so every spiking neuron sums
                // multiples of 1/1024 (exact in any grouping) and no value grows without bound.
                if (p >= 4 && q != pops.Count - 1) continue;
                for (int j = 0; j < pops[p].Count; j++)
                {
                    for (int i = 0; i < pops[q].Count; i++)
                    {
                        if (rng.NextDouble() < 0.35) b.AddEdge(pops[p].Start + j, pops[q].Start + i, rng.Next(-256, 768) / 1024f);
                    }
                }
            }
        }

        return b.Build();
    }

    private static float[][] Inputs(int channels, int ticks, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, ticks).Select(_ => Enumerable.Range(0, channels).Select(_ => rng.NextDouble() < 0.3 ? 1f : 0f).ToArray())];
    }

    /// <summary>Runs both models on the inputs. <paramref name="compareNeurons"/> (models of the same structure): outputs,
    /// every neuron's output and state equal bit for bit every tick; otherwise outputs and the states of same-named
    /// populations within 1e-6 relative and their spikes identical. Returns the spikes of the first model.</summary>
    private static long RunBoth(IfmModel a, IfmModel b, float[][] x, bool compareNeurons)
    {
        using var sa = new CpuSession(a);
        using var sb = new CpuSession(b);
        var ya = new float[a.OutputCount];
        var yb = new float[b.OutputCount];
        Assert.Equal(a.OutputCount, b.OutputCount);
        long spikes = 0;
        for (int t = 0; t < x.Length; t++)
        {
            sa.SetInputs(x[t]);
            sb.SetInputs(x[t]);
            sa.Step();
            sb.Step();
            sa.ReadOutputs(ya);
            sb.ReadOutputs(yb);
            if (compareNeurons)
            {
                Assert.True(ya.AsSpan().SequenceEqual(yb), $"outputs differ at tick {t + 1}: [{string.Join(", ", ya)}] vs [{string.Join(", ", yb)}]");
                Assert.True(sa.NeuronStates.SequenceEqual(sb.NeuronStates), $"states differ at tick {t + 1}");
                Assert.True(sa.NeuronOutputs.SequenceEqual(sb.NeuronOutputs), $"neuron outputs differ at tick {t + 1}");
            }
            else
            {
                for (int c = 0; c < ya.Length; c++)
                {
                    if (!(Math.Abs(ya[c] - yb[c]) <= 1e-6 * Math.Max(1, Math.Abs(ya[c])))) Assert.Fail($"output {c} differs at tick {t + 1}: {ya[c]:R} vs {yb[c]:R}");
                }

                // Same-named populations: spiking ones spike identically, every state within rounding.
                foreach (var p in a.Populations)
                {
                    var q = b.Populations.Single(x => x.Name == p.Name);
                    for (int i = 0; i < p.Count; i++)
                    {
                        float va = sa.NeuronStates[p.Start + i], vb = sb.NeuronStates[q.Start + i];
                        if (NeuronModels.Of(p.Kind).Spiking) Assert.True(sa.NeuronOutputs[p.Start + i] == sb.NeuronOutputs[q.Start + i], $"{p.Name}[{i}] spikes differently at tick {t + 1}");
                        if (!(Math.Abs(va - vb) <= 1e-6 * Math.Max(1, Math.Abs(va)))) Assert.Fail($"{p.Name}[{i}] state differs at tick {t + 1}: {va:R} vs {vb:R}");
                    }
                }
            }

            foreach (var n in sa.NeuronOutputs) spikes += n == 1f ? 1 : 0;
        }

        return spikes;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Plasticity;

namespace Ifm.Import.Tests;

/// <summary>
/// <see cref="NirImportOptions.Plasticity"/>: a named node's weights become an edge group with the rule; an Affine or
/// Linear node is folded into its one consumer (the rule then sees the consumer's neurons as post-synaptic), and the
/// folded model still runs NIR's equations (the numpy reference of the synthetic graphs); nodes without weights and
/// names that do not exist are refused by name. That the rule learns in <c>ifm run</c> is shown by the native binary
/// (Ifm.Cli.Tests NirBinaryTests: Pavlov conditioning).
/// </summary>
public sealed class PlasticityImportTests
{
    private static readonly StdpRule Frozen = new(0.01f, 0.01f, 0f, 0f, -10f, 10f);

    [Theory]
    [InlineData("residual", "a2", "lif2")]
    [InlineData("recurrent_cubalif", "readout", "li")]
    [InlineData("delay_threshold", "aff2", "lif")]
    public void A_folded_node_keeps_the_numpy_reference_run(string name, string node, string consumer)
    {
        string dir = SyntheticGraphTests.Dir.Value;
        var graph = NirFile.Read(Path.Combine(dir, name + ".nir"));
        var plain = NirImporter.ToModel(graph, new NirImportOptions { Dt = 1e-3f });
        var model = NirImporter.ToModel(graph, new NirImportOptions { Dt = 1e-3f, Plasticity = new Dictionary<string, PlasticityRule> { [node] = Frozen } });

        // Folded: no population for the node, its weights on edges into the consumer, in the node's group.
        Assert.DoesNotContain(model.Populations, p => p.Name == node);
        Assert.Equal(plain.Populations.Count - 1, model.Populations.Count);
        int g = model.FindEdgeGroup(node);
        var target = model.Populations.Single(p => p.Name == consumer);
        var post = model.Post.ToArray();
        var groups = model.Group.ToArray();
        var learning = Enumerable.Range(0, model.EdgeCount).Where(k => groups[k] == g).ToList();
        Assert.NotEmpty(learning);
        Assert.All(learning, k => Assert.InRange(post[k], target.Start, target.End - 1));

        var x = Csv(Path.Combine(dir, name + ".in.csv"));
        var expected = Csv(Path.Combine(dir, name + ".out.csv"));
        using var session = new CpuSession(model);
        var y = new float[model.OutputCount];
        for (int t = 0; t < x.Length; t++)
        {
            session.SetInputs(x[t]);
            session.Step();
            session.ReadOutputs(y);
            for (int c = 0; c < y.Length; c++)
            {
                float e = expected[t][c];
                if (!(Math.Abs(e - y[c]) <= 1e-5 * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{name} with {node} folded: tick {t + 1}, output {c}: numpy {e:R}, ifm {y[c]:R}");
            }
        }
    }

    [Fact]
    public void The_pavlov_graph_learns_the_bell_weight_into_the_lif_neuron()
    {
        string dir = Directory.CreateTempSubdirectory("ifm-nir-pavlov-").FullName;
        Python.Run("pavlov", dir);
        var rule = new StdpRule(0.01f, 0.01f, 0.05f, 0f, 0f, 1f);
        var model = NirImporter.ToModel(NirFile.Read(Path.Combine(dir, "pavlov.nir")),
            new NirImportOptions { Dt = 1e-3f, Plasticity = new Dictionary<string, PlasticityRule> { ["bell"] = rule } });
        int g = model.FindEdgeGroup("bell");
        Assert.Same(rule, model.EdgeGroups[g].Rule);
        int k = Assert.Single(Enumerable.Range(0, model.EdgeCount), e => model.Group[e] == g);
        Assert.Equal(model.Populations.Single(p => p.Name == "R").Start, model.Pre[k]);
        Assert.Equal(model.Populations.Single(p => p.Name == "lif").Start, model.Post[k]);
        Assert.DoesNotContain(model.Populations, p => p.Name == "bell");
        Assert.Equal(0f, model.Weight[k]);
    }

    [Theory]
    [InlineData("ghost", "plasticity names node 'ghost', which does not exist")]
    [InlineData("del1", "node 'del1': Delay nodes have no weights to learn")]
    [InlineData("input", "node 'input': Input nodes have no weights to learn")]
    public void Nodes_without_weights_or_missing_nodes_are_refused_by_name(string node, string message)
    {
        var graph = NirFile.Read(Path.Combine(SyntheticGraphTests.Dir.Value, "delay_threshold.nir"));
        var e = Assert.Throws<IfmFormatException>(() => NirImporter.ToModel(graph,
            new NirImportOptions { Dt = 1e-3f, Plasticity = new Dictionary<string, PlasticityRule> { [node] = Frozen } }, "g.nir"));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    private static float[][] Csv(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
}

using System.Text;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Tests;

/// <summary>The neuron-kind registry and the .ifm version rule for the kinds and the timing added in version 3.</summary>
public sealed class NeuronModelTests
{
    [Fact]
    public void Every_kind_has_one_definition_with_a_unique_name_and_unique_kernel_codes()
    {
        Assert.Equal(Enum.GetValues<NeuronKind>().Length, NeuronModels.All.Count);
        foreach (var k in Enum.GetValues<NeuronKind>()) Assert.Equal(k, NeuronModels.Of(k).Kind);
        Assert.Equal(NeuronModels.All.Count, NeuronModels.All.Select(m => m.Name).Distinct().Count());
        foreach (var m in NeuronModels.All) Assert.Same(m, NeuronModels.Find(m.Name));
    }

    private static IfmModel Model(NeuronKind kind, TickTiming timing = TickTiming.Synchronous)
    {
        var b = new ModelBuilder { Name = "k", Dt = 0.001f, Timing = timing };
        b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, labels: ["x"]);
        b.AddPopulation("n", kind, NeuronRole.Output, 2, labels: ["y0", "y1"]);
        b.AddEdge(0, 1, 0.5f);
        b.AddEdge(0, 2, 0.25f);
        return b.Build();
    }

    [Theory]
    [InlineData(NeuronKind.Lif, TickTiming.Synchronous, 1)]
    [InlineData(NeuronKind.CubaLif, TickTiming.Synchronous, 3)]
    [InlineData(NeuronKind.Integrator, TickTiming.Synchronous, 3)]
    [InlineData(NeuronKind.Leaky, TickTiming.FeedForward, 3)]
    public void A_model_is_written_with_the_lowest_version_that_holds_it_and_reads_back(NeuronKind kind, TickTiming timing, int version)
    {
        var m = Model(kind, timing);
        Assert.Equal(version, IfmFile.RequiredVersion(m));
        var again = IfmFile.Read(IfmFile.ToBytes(m));
        Assert.Equal(m.Id, again.Id);
        Assert.Equal(kind, again.Populations[1].Kind);
        Assert.Equal(timing, again.Timing);
    }

    [Fact]
    public void A_version_3_kind_in_a_file_that_says_version_2_is_refused()
    {
        var bytes = IfmFile.ToBytes(Model(NeuronKind.CubaLif));
        var text = Encoding.UTF8.GetString(bytes);
        int at = text.IndexOf("\"ifm.version\":\"3\"", StringComparison.Ordinal);
        Assert.True(at > 0);
        var patched = (byte[])bytes.Clone();
        patched[at + "\"ifm.version\":\"".Length] = (byte)'2';
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(patched, "old.ifm"));
        Assert.Contains("cuba_lif neurons need format version 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_population_missing_a_parameter_of_its_kind_is_refused_by_name()
    {
        var b = new ModelBuilder();
        b.AddPopulation("n", NeuronKind.CubaLif, NeuronRole.Output, 1,
            NeuronParameters.Create(new Dictionary<string, float[]> { ["tau"] = [0.01f] }), ["y"]);
        var e = Assert.Throws<ModelValidationException>(() => b.Build());
        Assert.Contains("cuba_lif neurons need the parameter 'tau_syn'", e.Message, StringComparison.Ordinal);
    }
}

using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Import.Tests;

/// <summary>
/// The NIR paper's single-LIF experiment (tests/data/nir, from neuromorphs/NIR paper/01_lif): lif_norse.nir imported
/// and run at dt = 1e-4 s on the recorded input spikes. The output spikes fall on exactly the steps Norse and snnTorch
/// give, and the membrane follows Norse's trace within 1e-4.
/// </summary>
public sealed class NorseConformanceTests
{
    internal static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "nir", file);

    /// <summary>(input spike, voltage, output spike) per step.</summary>
    internal static (float In, float V, float Out)[] Trace(string file) =>
        [.. File.ReadAllLines(Data(file)).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split(',');
            return (float.Parse(f[0], CultureInfo.InvariantCulture), float.Parse(f[1], CultureInfo.InvariantCulture), float.Parse(f[2], CultureInfo.InvariantCulture));
        })];

    [Fact]
    public void Lif_norse_spikes_on_the_steps_norse_and_snntorch_give_and_follows_the_norse_voltage()
    {
        var model = NirImporter.ToModel(NirFile.Read(Data("lif_norse.nir")), new NirImportOptions { Dt = 1e-4f });
        Assert.Equal(TickTiming.FeedForward, model.Timing);
        var lif = model.Populations.Single(p => p.Kind == NeuronKind.Lif);
        var norse = Trace("lif_norse.csv");
        var snntorch = Trace("lif_snntorch.csv");
        Assert.Equal(1000, norse.Length);

        using var session = new CpuSession(model);
        var output = new float[1];
        var spikes = new List<int>();
        double worst = 0;
        for (int t = 0; t < norse.Length; t++)
        {
            session.SetInputs([norse[t].In]);
            session.Step();
            session.ReadOutputs(output);
            if (output[0] == 1f) spikes.Add(t);
            else Assert.Equal(0f, output[0]);
            worst = Math.Max(worst, Math.Abs(session.NeuronStates[lif.Start] - norse[t].V));
        }

        int[] expected = [460, 510, 710, 760];
        Assert.Equal(expected, Enumerable.Range(0, norse.Length).Where(t => norse[t].Out == 1f).ToArray());
        Assert.Equal(expected, Enumerable.Range(0, snntorch.Length).Where(t => snntorch[t].Out == 1f).ToArray());
        Assert.Equal(expected, spikes.ToArray());
        Assert.True(worst <= 1e-4, $"largest voltage difference from Norse {worst:G3} > 1e-4");
    }

    [Fact]
    public void The_imported_model_round_trips_through_the_ifm_format_as_version_3()
    {
        var model = NirImporter.ToModel(NirFile.Read(Data("lif_norse.nir")), new NirImportOptions { Dt = 1e-4f });
        var bytes = IfmFile.ToBytes(model);
        var again = IfmFile.Read(bytes, "lif.ifm");
        Assert.Equal(model.Id, again.Id);
        Assert.Equal(TickTiming.FeedForward, again.Timing);
        Assert.Equal(3, IfmFile.RequiredVersion(again));
    }
}

using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Import.Tests;

/// <summary>
/// The CubaLIF update order against NIR's own numpy reference (paper/03_rnn/extras/debug_CubaLIF/nir_reference_impl.py,
/// copied verbatim into nir_files.py), run on the stimuli of its snnTorch/Norse comparison script with the node snnTorch
/// exports for Synaptic(alpha 0.9, beta 0.8, threshold 5). That reference drives the membrane with the current of the
/// previous step (I_last); snnTorch's Synaptic and Norse's importer — and cuba_lif — drive it with the current just
/// updated. With v_leak = 0 the two orders are the same trajectory one step apart: our step t equals the reference's
/// step t + 1 (the reference's membrane sees an input one step later). The test checks exactly that relation, spike for
/// spike and voltage within 1e-5, with the reference's reset (subtract the threshold).
/// </summary>
public sealed class CubaLifReferenceTests
{
    private static readonly Lazy<string> Dir = new(() => Python.NirFiles("cuba_reference"));

    [Theory]
    [InlineData("spikes")]
    [InlineData("constant")]
    [InlineData("mixed")]
    public void Cuba_lif_is_nir_reference_shifted_by_one_step(string stimulus)
    {
        var p = Csv(Path.Combine(Dir.Value, "cuba_params.csv"))[0];
        var rows = Csv(Path.Combine(Dir.Value, $"cuba_{stimulus}.csv"));
        var b = new ModelBuilder { Name = "cuba", Dt = p[0], Timing = TickTiming.FeedForward };
        int input = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([p[0]], Activation.Identity));
        var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["tau"] = [p[2]], ["tau_syn"] = [p[1]], ["resistance"] = [p[3]], ["w_in"] = [p[4]], ["v_threshold"] = [p[5]], ["v_reset"] = [0f], ["v_leak"] = [0f],
        };
        int cuba = b.AddPopulation("cuba", NeuronKind.CubaLif, NeuronRole.Output, 1, NeuronParameters.Create(arrays, resetMode: LifResetMode.SubtractThreshold));
        b.AddEdge(input, cuba, 1f);
        using var s = new CpuSession(b.Build());

        int spikes = 0;
        for (int t = 0; t + 1 < rows.Length; t++)
        {
            s.SetInputs([rows[t][0]]);
            s.Step();
            float v = s.NeuronStates[cuba], z = s.NeuronOutputs[cuba];
            var (refV, refZ) = (rows[t + 1][1], rows[t + 1][2]);
            Assert.True(z == refZ, $"{stimulus}: step {t}: cuba_lif spike {z}, NIR reference at step {t + 1}: {refZ}");
            Assert.True(Math.Abs(v - refV) <= 1e-5 * Math.Max(1, Math.Abs(refV)), $"{stimulus}: step {t}: v {v:R}, NIR reference at step {t + 1}: {refV:R}");
            if (z == 1f) spikes++;
        }

        Assert.True(spikes >= 10, $"{stimulus}: only {spikes} spikes");
        Assert.Equal(0f, rows[0][2]);  // the reference cannot spike on step 0 (its membrane has seen no current yet)
    }

    private static float[][] Csv(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
}

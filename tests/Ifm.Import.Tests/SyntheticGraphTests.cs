using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;

namespace Ifm.Import.Tests;

/// <summary>
/// Graphs written with h5py in the NIR layout (nir_files.py: a recurrent CubaLIF network with an LI readout, a
/// branching graph with a residual path, a nested subgraph, Threshold and Delay nodes with per-element delays, a Delay
/// feeding a Delay and a cycle closed by a Delay), imported and run for 300 ticks, against an independent
/// numpy implementation of NIR's equations in the same script: spikes identical, values within 1e-5.
/// </summary>
public sealed class SyntheticGraphTests
{
    internal static readonly Lazy<string> Dir = new(() => Python.NirFiles("graphs"));

    [Theory]
    [InlineData("recurrent_cubalif")]
    [InlineData("residual")]
    [InlineData("nested")]
    [InlineData("delay_threshold")]
    [InlineData("threshold_edge")]
    public void Imported_graph_matches_the_numpy_reference(string name)
    {
        string dir = Dir.Value;
        var model = NirImporter.ToModel(NirFile.Read(Path.Combine(dir, name + ".nir")), new NirImportOptions { Dt = 1e-3f });
        var x = Csv(Path.Combine(dir, name + ".in.csv"));
        var expected = Csv(Path.Combine(dir, name + ".out.csv"));
        using var session = new CpuSession(model);
        var y = new float[model.OutputCount];
        long spikes = 0;
        for (int t = 0; t < x.Length; t++)
        {
            session.SetInputs(x[t]);
            session.Step();
            session.ReadOutputs(y);
            for (int c = 0; c < y.Length; c++)
            {
                float e = expected[t][c];
                if (!(Math.Abs(e - y[c]) <= 1e-5 * Math.Max(1, Math.Abs(e))))
                    Assert.Fail($"{name}: tick {t + 1}, output {c}: numpy {e:R}, ifm {y[c]:R}");
                if (e == 1f) spikes++;
            }
        }

        Assert.True(spikes > 0 || name == "recurrent_cubalif", $"{name}: no output spikes to compare");
    }

    private static float[][] Csv(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
}

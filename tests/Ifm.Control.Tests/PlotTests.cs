using System.Globalization;
using System.Xml.Linq;
using Ifm.Control.Plotting;
using Ifm.Control.Recording;

namespace Ifm.Control.Tests;

public sealed class PlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>A recording of a spiking network driven by hand: 300 periods, spikes, one actuator, a rising |Δw|.</summary>
    private static (string Path, int Spikes, IfmModel Model) MakeRecording(string dir)
    {
        IfmModel model = RecordingTests.SpikingPong();
        using var session = new CpuSession(model);
        string path = Path.Combine(dir, "fixed.ifmrec");
        var x = new float[model.InputCount];
        var y = new float[model.OutputCount];
        int spikes = 0;
        var meta = new RecordingMetadata
        {
            ModelName = model.Name, RateHz = 1000, InputNames = model.InputNames, OutputNames = model.OutputNames, ActuatorNames = ["paddle"],
        };
        using (var rec = new RunRecorder(path, meta, new RecorderOptions { Neurons = NeuronCapture.Spikes }, session))
        {
            for (int p = 0; p < 300; p++)
            {
                x[p % x.Length] = (p / 24) % 2;
                session.SetInputs(x);
                session.Step();
                session.ReadOutputs(y);
                foreach (float v in session.NeuronOutputs) if (v >= 0.5f) spikes++;
                rec.Capture(p, p * 1_000_000L + (p % 5 * 1000), 20_000 + (p % 10 * 1000), p % 5 * 1000, float.NaN, p * 1e-4f, x, y, [y[0] - y[1]]);
            }
        }

        return (path, spikes, model);
    }

    private static XElement Load(string file)
    {
        XElement root = XDocument.Load(file).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("900", (string?)root.Attribute("width"));
        Assert.True(int.Parse((string)root.Attribute("height")!, CultureInfo.InvariantCulture) >= 300);
        return root;
    }

    [Fact]
    public void A_recording_gives_every_chart_as_well_formed_svg()
    {
        string dir = Paths.TempDir();
        var (path, spikes, model) = MakeRecording(dir);
        string outDir = Path.Combine(dir, "plots");
        IReadOnlyList<string> files = RecordingPlots.FromRecording(RecordingReader.Read(path), outDir);
        string[] expected = ["raster.svg", "inputs.svg", "outputs.svg", "actuators.svg", "compute-histogram.svg", "period-histogram.svg", "lateness-histogram.svg", "mean-abs-dw.svg"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string f in files) Load(f);

        // Raster: one cell per spike (300 periods fit in one column each), each on its neuron's row.
        XElement raster = Load(Path.Combine(outDir, "raster.svg"));
        var cells = raster.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "spike").ToList();
        Assert.True(spikes > 0);
        Assert.Equal(spikes, cells.Count);
        Assert.Equal(cells.Count, cells.Select(c => ((string?)c.Attribute("x"), (string?)c.Attribute("y"))).Distinct().Count());
        Assert.Contains($"{spikes} spikes", raster.Value, StringComparison.Ordinal);

        // Outputs: one polyline per output channel, named, with one point per period.
        XElement outputs = Load(Path.Combine(outDir, "outputs.svg"));
        var lines = outputs.Descendants(Svg + "polyline").ToList();
        Assert.Equal(model.OutputNames, lines.Select(l => (string)l.Attribute("data-name")!));
        Assert.All(lines, l => Assert.Equal(300, ((string)l.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length));

        // Inputs: 24 channels, the first 12 drawn and the rest named in a note.
        XElement inputs = Load(Path.Combine(outDir, "inputs.svg"));
        Assert.Equal(RecordingPlots.MaxSeries, inputs.Descendants(Svg + "polyline").Count());
        Assert.Contains("first 12 of 24 channels", inputs.Value, StringComparison.Ordinal);

        // Compute histogram: 10 distinct values (20..29 µs), 30 periods each.
        XElement hist = Load(Path.Combine(outDir, "compute-histogram.svg"));
        Assert.Equal(10, hist.Descendants(Svg + "rect").Count(e => (string?)e.Attribute("class") == "bar"));
        Assert.Contains("n 300", hist.Value, StringComparison.Ordinal);
        Assert.Contains("max 29 µs", hist.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_csv_gives_its_output_traces()
    {
        string dir = Paths.TempDir();
        string csv = Path.Combine(dir, "outputs.csv");
        File.WriteAllText(csv, "tick,left,right\n" + string.Concat(Enumerable.Range(1, 50).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{Math.Sin(i * 0.1)},{i * 0.02}\n"))));
        IReadOnlyList<string> files = RecordingPlots.FromCsv(csv, Path.Combine(dir, "p"));
        XElement svg = Load(Assert.Single(files));
        var lines = svg.Descendants(Svg + "polyline").ToList();
        Assert.Equal(["left", "right"], lines.Select(l => (string)l.Attribute("data-name")!));

        // The right trace rises linearly from the first tick to the last: its first point is left-bottom of its last.
        string[] pts = ((string)lines[1].Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double[] first = [.. pts[0].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        double[] last = [.. pts[^1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.True(first[0] < last[0] && first[1] > last[1], $"{pts[0]} .. {pts[^1]}");
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(19.5, 41)]
    [InlineData(-0.6, 0.7)]
    [InlineData(1e3, 2.7e6)]
    public void Ticks_are_round_evenly_spaced_and_inside_the_range(double lo, double hi)
    {
        List<double> ticks = SvgChart.Ticks(lo, hi);
        Assert.InRange(ticks.Count, 4, 11);
        Assert.All(ticks, t => Assert.InRange(t, lo, hi));
        double step = ticks[1] - ticks[0];
        double mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
        Assert.Contains(Math.Round(mantissa, 6), new[] { 1.0, 2.0, 5.0 });
        for (int i = 1; i < ticks.Count; i++) Assert.Equal(step, ticks[i] - ticks[i - 1], step * 1e-6);
        Assert.True(ticks[0] - lo < step && hi - ticks[^1] < step);
    }
}

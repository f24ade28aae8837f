using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Ifm.Control.Plotting;
using Ifm.Runtime.Persistence;

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

    /// <summary>The fixed recording drawn into a fresh folder: that folder and the files written.</summary>
    private static (string OutDir, IReadOnlyList<string> Files, int Spikes, IfmModel Model) PlotFixedRecording()
    {
        string dir = Paths.TempDir();
        var (path, spikes, model) = MakeRecording(dir);
        string outDir = Path.Combine(dir, "plots");
        return (outDir, RecordingPlots.FromRecording(RecordingReader.Read(path), outDir), spikes, model);
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
        var (outDir, files, spikes, model) = PlotFixedRecording();
        string[] charts = ["raster", "inputs", "outputs", "actuators", "compute-histogram", "period-histogram", "lateness-histogram", "mean-abs-dw"];
        string[] expected = [.. charts.SelectMany(c => new[] { c + ".svg", c + ".png" })];
        Assert.Equal(expected.Order(StringComparer.Ordinal), files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string f in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal))) Load(f);

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
        Assert.Equal(["outputs.svg", "outputs.png"], files.Select(Path.GetFileName));
        XElement svg = Load(files[0]);
        Assert.Equal((900, 360), (DecodePng(files[1]).Width, DecodePng(files[1]).Height));
        var lines = svg.Descendants(Svg + "polyline").ToList();
        Assert.Equal(["left", "right"], lines.Select(l => (string)l.Attribute("data-name")!));

        // The right trace rises linearly from the first tick to the last: its first point is left-bottom of its last.
        string[] pts = ((string)lines[1].Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double[] first = [.. pts[0].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        double[] last = [.. pts[^1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.True(first[0] < last[0] && first[1] > last[1], $"{pts[0]} .. {pts[^1]}");
    }

    /// <summary>A PNG decoded by hand (chunk CRCs checked, zlib inflated, filter 0 rows): width, height, 0xRRGGBB pixels.</summary>
    internal static (int Width, int Height, uint[] Pixels) DecodePng(string file)
    {
        byte[] b = File.ReadAllBytes(file);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, b[..8]);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        bool end = false;
        for (int at = 8; at < b.Length && !end;)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(b, at + 4, 4);
            byte[] data = b[(at + 8)..(at + 8 + len)];
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at + 8 + len));
            Assert.Equal(Crc32(b.AsSpan(at + 4, 4 + len)), crc);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
                    Assert.Equal([8, 2, 0, 0, 0], data[8..13]); // 8-bit RGB, deflate, filter method 0, no interlace
                    break;
                case "IDAT": idat.Write(data); break;
                case "IEND": end = true; break;
            }

            at += 12 + len;
        }

        Assert.True(end, "IEND missing");
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        byte[] r = raw.ToArray();
        Assert.Equal(height * (1 + (width * 3)), r.Length);
        var px = new uint[width * height];
        for (int y = 0; y < height; y++)
        {
            int row = y * (1 + (width * 3));
            Assert.Equal(0, r[row]);
            for (int x = 0; x < width; x++)
            {
                int i = row + 1 + (x * 3);
                px[(y * width) + x] = ((uint)r[i] << 16) | ((uint)r[i + 1] << 8) | r[i + 2];
            }
        }

        return (width, height, px);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte x in data)
        {
            c ^= x;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }

        return c ^ 0xFFFFFFFF;
    }

    [Fact]
    public void Every_png_matches_its_svg_in_size_and_draws_the_svgs_cells_and_bars_where_the_svg_puts_them()
    {
        var (outDir, files, _, _) = PlotFixedRecording();
        foreach (string svgFile in files.Where(f => f.EndsWith(".svg", StringComparison.Ordinal)))
        {
            XElement svg = Load(svgFile);
            var (w, h, px) = DecodePng(Path.ChangeExtension(svgFile, ".png"));
            Assert.Equal(int.Parse((string)svg.Attribute("width")!, CultureInfo.InvariantCulture), w);
            Assert.Equal(int.Parse((string)svg.Attribute("height")!, CultureInfo.InvariantCulture), h);
            Assert.Equal(0xFFFFFFu, px[(5 * w) + w - 5]); // background in the top-right margin
            Assert.Contains(Enumerable.Range(40, h - 90), y => px[(y * w) + 67] == 0x333333u); // the y axis' tick marks (x 65..70)

            // Every filled cell or bar of the SVG is that colour at its centre pixel in the PNG.
            foreach (XElement rect in svg.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") is "spike" or "bar"))
            {
                double x = D(rect, "x") + (D(rect, "width") / 2), y = D(rect, "y") + (D(rect, "height") / 2);
                uint want = PngCanvas.ParseColor((string)rect.Attribute("fill")!);
                Assert.Equal(want, px[((int)y * w) + (int)x]);
            }

            // Some text is drawn in the title band (black pixels left of the middle, none at the right end).
            Assert.Contains(px.AsSpan(10 * w, 20 * w).ToArray(), p => p == 0);
        }

        // The output traces: every point of the last polyline (drawn over the others) is its colour in the PNG.
        XElement outputs = Load(Path.Combine(outDir, "outputs.svg"));
        var (ow, _, opx) = DecodePng(Path.Combine(outDir, "outputs.png"));
        XElement line = outputs.Descendants(Svg + "polyline").Last();
        uint color = PngCanvas.ParseColor((string)line.Attribute("stroke")!);
        foreach (string pt in ((string)line.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            double[] xy = [.. pt.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
            int x = (int)Math.Round(xy[0]), y = (int)Math.Round(xy[1]);
            bool near = false; // the SVG rounds to 0.1 px, the legend may cover a pixel: look one pixel around
            for (int dy = -1; dy <= 1 && !near; dy++) for (int dx = -1; dx <= 1 && !near; dx++) near = opx[((y + dy) * ow) + x + dx] == color;
            Assert.True(near, $"no {color:x6} pixel at {pt}");
        }
    }

    private static double D(XElement e, string attr) => double.Parse((string)e.Attribute(attr)!, CultureInfo.InvariantCulture);

    [Fact]
    public void The_png_encoder_round_trips_pixels_and_the_font_draws_text_where_it_is_anchored()
    {
        var c = new PngCanvas(40, 20, 0x102030);
        c.FillRect(2, 3, 6, 5, 0xABCDEF);
        c.Line(0, 19, 39, 19, 0x00FF00);
        c.Text(39, 15, "1", 0xFF0000, anchor: "end");
        string file = Path.Combine(Paths.TempDir(), "t.png");
        File.WriteAllBytes(file, c.EncodePng());
        var (w, h, px) = DecodePng(file);
        Assert.Equal((40, 20), (w, h));
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++) Assert.Equal(c[x, y], px[(y * w) + x]);
        }

        Assert.Equal(8, px.Count(p => p == 0xABCDEF)); // [2,6) x [3,5)
        Assert.Equal(40, px.Count(p => p == 0x00FF00));
        int[] red = [.. Enumerable.Range(0, px.Length).Where(i => px[i] == 0xFF0000)];
        Assert.Equal(10, red.Length); // the glyph '1' has 10 pixels
        Assert.All(red, i => Assert.InRange(i % w, 34, 38)); // right-anchored at x = 39: columns 34..38
        Assert.All(red, i => Assert.InRange(i / w, 9, 15));  // baseline at y = 15: rows 9..15
    }

    [Fact]
    public void The_weight_histogram_counts_every_edge_and_shows_the_learned_weights_from_a_checkpoint()
    {
        string dir = Paths.TempDir();
        IfmModel model = Models.PavlovHebbian(0.05f);
        using (var session = new CpuSession(model))
        {
            var x = new float[model.InputCount];
            for (int t = 0; t < 400; t++)
            {
                x.AsSpan().Fill((t / 20) % 2);
                session.SetInputs(x);
                session.Step();
            }

            Assert.False(session.Weights.SequenceEqual(model.Weight)); // it learned
            Checkpoint.Save(session, Path.Combine(dir, "state.ckpt"));
        }

        IReadOnlyList<string> plain = RecordingPlots.Weights(model, null, Path.Combine(dir, "a"));
        Assert.Equal(["weights.svg", "weights.png"], plain.Select(Path.GetFileName));
        XElement a = Load(plain[0]);
        Assert.Equal(model.EdgeCount, a.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar model").Sum(BarCount));
        Assert.DoesNotContain(a.Descendants(Svg + "rect"), e => (string?)e.Attribute("class") == "bar learned");

        IReadOnlyList<string> both = RecordingPlots.Weights(model, Path.Combine(dir, "state.ckpt"), Path.Combine(dir, "b"));
        XElement b = Load(both[0]);
        Assert.Equal(model.EdgeCount, b.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar model").Sum(BarCount));
        Assert.Equal(model.EdgeCount, b.Descendants(Svg + "rect").Where(e => (string?)e.Attribute("class") == "bar learned").Sum(BarCount));
        Assert.Equal((900, 360), (DecodePng(both[1]).Width, DecodePng(both[1]).Height));

        static int BarCount(XElement bar) => int.Parse((string)bar.Attribute("data-count")!, CultureInfo.InvariantCulture);
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

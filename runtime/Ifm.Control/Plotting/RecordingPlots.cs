using System.Globalization;
using Ifm.Control.Recording;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;
using Ifm.Runtime.Data;

namespace Ifm.Control.Plotting;

/// <summary>
/// The charts of <c>ifm plot</c>, each as an SVG and a PNG file in one folder: spike raster (or neuron-output heat map),
/// input, output and actuator-command traces, period and compute-time histograms, mean |Δw| over time, and the weight
/// histogram of a model (and of its learned state in a checkpoint). Returns the files written.
/// </summary>
public static class RecordingPlots
{
    /// <summary>Traces drawn per chart; more channels are named in a note (the recording keeps them all).</summary>
    public const int MaxSeries = 12;

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static IReadOnlyList<string> FromRecording(RecordingReader r, string outDir)
    {
        ArgumentNullException.ThrowIfNull(r);
        Directory.CreateDirectory(outDir);
        var files = new List<string>();
        if (r.Count == 0) throw new RecordingFormatException("the recording holds no periods");
        double[] t = TimeAxis(r, out string xLabel);

        if (r.Has("spikes")) files.AddRange(Write(outDir, "raster", Raster(r, t, xLabel)));
        else if (r.Has("neurons")) files.AddRange(Write(outDir, "neurons", Heat(r, t, xLabel)));

        files.AddRange(Write(outDir, "inputs", Traces("Network inputs — " + r.ModelName, xLabel, "value", t, r.Float32("inputs"), r.InputNames)));
        files.AddRange(Write(outDir, "outputs", Traces("Network outputs — " + r.ModelName, xLabel, "value", t, r.Float32("outputs"), r.OutputNames)));
        if (r.ActuatorNames.Count > 0) files.AddRange(Write(outDir, "actuators", Traces("Actuator commands", xLabel, "command", t, r.Float32("actuators"), r.ActuatorNames)));

        long[] compute = r.Int64("compute_ns");
        files.AddRange(Write(outDir, "compute-histogram", Histogram("Compute time per period (read → write)", "µs", [.. compute.Select(v => v / 1000.0)])));
        long[] time = r.Int64("time_ns");
        if (r.Source == "run" && time.Length > 2)
        {
            double[] periods = [.. time.Zip(time.Skip(1), (a, b) => (b - a) / 1000.0)];
            string note = r.RateHz > 0 ? string.Create(C, $"nominal {1e6 / r.RateHz:0.#} µs") : "";
            files.AddRange(Write(outDir, "period-histogram", Histogram("Period (start to start)", "µs", periods, note)));
            files.AddRange(Write(outDir, "lateness-histogram", Histogram("Wake-up lateness", "µs", [.. r.Int64("lateness_ns").Select(v => v / 1000.0)])));
        }

        float[][] dw = r.Float32("mean_abs_dw");
        if (dw.Any(v => v[0] != 0))
        {
            files.AddRange(Write(outDir, "mean-abs-dw", Traces("Mean |Δw| per plastic edge", xLabel, "|Δw|", t, dw, ["mean |Δw|"])));
        }

        float[][] signal = r.Float32("learning_signal");
        if (signal.Any(v => !float.IsNaN(v[0])))
        {
            files.AddRange(Write(outDir, "learning-signal", Traces("Learning signal", xLabel, "signal", t, signal, ["signal"])));
        }

        return files;
    }

    /// <summary>Traces of every column of a CSV with a header (as <c>ifm replay --out</c> writes: tick, then outputs).</summary>
    public static IReadOnlyList<string> FromCsv(string csvPath, string outDir)
    {
        TickTable table = TickTable.Read(csvPath);
        if (table.ColumnNames is null) throw new DataFormatException($"{csvPath}: a CSV with a header line is expected (tick, then one column per channel)");
        if (table.Rows == 0) throw new DataFormatException($"{csvPath}: no rows");
        Directory.CreateDirectory(outDir);
        IReadOnlyList<string> names = table.ColumnNames;
        int first = string.Equals(names[0], "tick", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        double[] t = new double[table.Rows];
        var rows = new float[table.Rows][];
        for (int i = 0; i < table.Rows; i++)
        {
            ReadOnlySpan<float> row = table.Row(i);
            t[i] = first == 1 ? row[0] : i;
            rows[i] = row[first..].ToArray();
        }

        string title = "Outputs — " + Path.GetFileName(csvPath);
        return Write(outDir, "outputs", Traces(title, first == 1 ? "tick" : "row", "value", t, rows, [.. names.Skip(first)]));
    }

    private static double[] TimeAxis(RecordingReader r, out string label)
    {
        if (r.Source == "run")
        {
            label = "time (s)";
            return [.. r.Int64("time_ns").Select(v => v / 1e9)];
        }

        label = "input line";
        return [.. r.Int64("period").Select(v => (double)v)];
    }

    /// <summary>Writes <paramref name="name"/>.svg and <paramref name="name"/>.png.</summary>
    private static string[] Write(string dir, string name, SvgChart chart)
    {
        string svg = Path.Combine(dir, name + ".svg"), png = Path.Combine(dir, name + ".png");
        File.WriteAllText(svg, chart.Render());
        File.WriteAllBytes(png, chart.RenderPng());
        return [svg, png];
    }

    /// <summary>
    /// The weight histogram of <paramref name="model"/> and, given a checkpoint of it, of the learned weights beside
    /// (weights.svg/png): how plasticity moved the distribution over the run.
    /// </summary>
    public static IReadOnlyList<string> Weights(IfmModel model, string? checkpoint, string outDir)
    {
        ArgumentNullException.ThrowIfNull(model);
        Directory.CreateDirectory(outDir);
        float[]? learned = null;
        if (checkpoint is not null)
        {
            using var session = new CpuSession(model);
            Checkpoint.Load(session, checkpoint);
            learned = session.Weights.ToArray();
        }

        return Write(outDir, "weights", WeightHistogram(model.Name, model.Weight.ToArray(), learned));
    }

    /// <summary>Bars of the model's weights (grey) and, when given, the learned weights (orange) over the same bins.</summary>
    public static SvgChart WeightHistogram(string modelName, float[] initial, float[]? learned)
    {
        ArgumentNullException.ThrowIfNull(initial);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        float[][] sets = learned is null ? [initial] : [initial, learned];
        foreach (float[] set in sets)
        {
            foreach (float v in set)
            {
                if (!float.IsFinite(v)) continue;
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        if (double.IsInfinity(lo)) (lo, hi) = (0, 1);
        if (!(hi > lo)) (lo, hi) = (lo - 0.5, lo + 0.5);
        const int bins = 40;
        int[] Count(float[] set)
        {
            var counts = new int[bins];
            foreach (float v in set) if (float.IsFinite(v)) counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
            return counts;
        }

        int[] a = Count(initial);
        int[]? b = learned is null ? null : Count(learned);
        int top = Math.Max(1, Math.Max(a.Max(), b?.Max() ?? 0));
        var chart = new SvgChart($"Weight histogram — {modelName} ({initial.Length} edges)", "weight", "edges", lo, hi, 0, top * 1.05);
        double w = (hi - lo) / bins;
        for (int i = 0; i < bins; i++)
        {
            double x = lo + (i * w);
            if (b is null)
            {
                if (a[i] > 0) chart.Rect(x, x + w, 0, a[i], "#7f7f7f", "bar model", a[i]);
                continue;
            }

            if (a[i] > 0) chart.Rect(x, x + (w / 2), 0, a[i], "#7f7f7f", "bar model", a[i]);
            if (b[i] > 0) chart.Rect(x + (w / 2), x + w, 0, b[i], "#ff7f0e", "bar learned", b[i]);
        }

        chart.Note(learned is null ? "model weights (grey)" : "model weights (grey), learned weights from the checkpoint (orange)");
        return chart;
    }

    public static SvgChart Traces(string title, string xLabel, string yLabel, double[] t, float[][] rows, IReadOnlyList<string> names)
    {
        int channels = names.Count;
        int shown = Math.Min(channels, MaxSeries);
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (float[] row in rows)
        {
            for (int c = 0; c < shown; c++)
            {
                if (!float.IsFinite(row[c])) continue;
                lo = Math.Min(lo, row[c]);
                hi = Math.Max(hi, row[c]);
            }
        }

        if (double.IsInfinity(lo)) (lo, hi) = (0, 1);
        double pad = (hi - lo) * 0.05;
        var chart = new SvgChart(title, xLabel, yLabel, t[0], t[^1], lo - pad, hi + pad);
        var ys = new double[t.Length];
        for (int c = 0; c < shown; c++)
        {
            for (int i = 0; i < rows.Length; i++) ys[i] = rows[i][c];
            chart.Line(names[c], t, ys, SvgChart.Color(c));
        }

        if (channels > shown) chart.Note($"first {shown} of {channels} channels");
        return chart;
    }

    public static SvgChart Histogram(string title, string unit, double[] values, string note = "")
    {
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        if (sorted.Length == 0) sorted = [0];

        // Bins over [min, p99.9] so one outlier does not squash the shape; the largest value is named in the note.
        double lo = sorted[0], hi = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.999))];
        if (!(hi > lo)) hi = lo + 1;
        const int bins = 50;
        var counts = new int[bins];
        int above = 0;
        foreach (double v in sorted)
        {
            if (v > hi) { above++; continue; }
            counts[Math.Min(bins - 1, (int)((v - lo) / (hi - lo) * bins))]++;
        }

        var chart = new SvgChart(title, unit, "periods", lo, hi, 0, Math.Max(1, counts.Max()) * 1.05);
        double w = (hi - lo) / bins;
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] > 0) chart.Rect(lo + (b * w), lo + ((b + 1) * w), 0, counts[b], "#1f77b4", "bar", counts[b]);
        }

        double p50 = sorted[sorted.Length / 2], p99 = sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * 0.99))];
        chart.Note(string.Create(C, $"n {sorted.Length}  p50 {p50:0.##}  p99 {p99:0.##}  max {sorted[^1]:0.##} {unit}{(above > 0 ? $" ({above} beyond the axis)" : "")}{(note.Length > 0 ? "  " + note : "")}"));
        return chart;
    }

    private static SvgChart Raster(RecordingReader r, double[] t, string xLabel)
    {
        bool[][] spikes = r.Spikes();
        int n = r.NeuronCount;
        var chart = new SvgChart($"Spike raster — {r.ModelName} ({n} neurons)", xLabel, "neuron", t[0], t[^1], 0, n, Math.Clamp(120 + (n * 2), 300, 900));
        double dt = t.Length > 1 ? (t[^1] - t[0]) / (t.Length - 1) : 1;

        // At most ~1600 columns: a cell is drawn when the neuron spiked in any period of its column.
        int per = Math.Max(1, (t.Length + 1599) / 1600);
        for (int s = 0; s < t.Length; s += per)
        {
            int e = Math.Min(t.Length, s + per);
            for (int k = 0; k < n; k++)
            {
                bool any = false;
                for (int i = s; i < e && !any; i++) any = spikes[i][k];
                if (!any) continue;
                chart.Rect(t[s], t[e - 1] + dt, k + 0.1, k + 0.9, "#111", "spike");
            }
        }

        chart.Note(string.Create(C, $"{spikes.Sum(row => row.Count(x => x))} spikes{(per > 1 ? $", {per} periods per column" : "")}"));
        return chart;
    }

    private static SvgChart Heat(RecordingReader r, double[] t, string xLabel)
    {
        float[][] y = r.Float32("neurons");
        int n = r.NeuronCount;
        var chart = new SvgChart($"Neuron outputs — {r.ModelName} ({n} neurons)", xLabel, "neuron", t[0], t[^1], 0, n, Math.Clamp(120 + (n * 2), 300, 900));
        double dt = t.Length > 1 ? (t[^1] - t[0]) / (t.Length - 1) : 1;
        int columns = Math.Max(1, Math.Min(t.Length, 40_000 / Math.Max(1, n)));
        int per = Math.Max(1, (t.Length + columns - 1) / columns);
        double max = 1e-9;
        foreach (float[] row in y) foreach (float v in row) if (float.IsFinite(v)) max = Math.Max(max, Math.Abs(v));
        for (int s = 0; s < t.Length; s += per)
        {
            int e = Math.Min(t.Length, s + per);
            for (int k = 0; k < n; k++)
            {
                double sum = 0;
                for (int i = s; i < e; i++) sum += float.IsFinite(y[i][k]) ? y[i][k] : 0;
                double v = sum / (e - s) / max;
                if (Math.Abs(v) < 0.02) continue;
                int shade = (int)Math.Round(255 * (1 - Math.Min(1, Math.Abs(v))));
                string color = v > 0 ? $"#ff{shade:x2}{shade:x2}" : $"#{shade:x2}{shade:x2}ff";
                chart.Rect(t[s], t[e - 1] + dt, k, k + 1, color, "cell");
            }
        }

        chart.Note(string.Create(C, $"red > 0, blue < 0, full colour at |y| = {max:0.###}"));
        return chart;
    }
}

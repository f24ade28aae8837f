using System.Runtime.CompilerServices;
using Ifm.Hil.Running;

namespace Ifm.Hil.Assertions;

/// <summary>
/// <c>metric</c>: a figure of the run over a window: the plant's hit rate, the servo's tracking error, spikes per second,
/// period jitter p99, overruns, stale reads, link counters.
/// </summary>
internal sealed class MetricAssertion : BoundedAssertion
{
    public static readonly string[] Metrics =
    [
        "hit_rate", "hits", "misses", "tracking_error", "spikes_per_second", "jitter_p99_us", "compute_p99_us", "overruns", "stale_reads",
        "link_losses", "link_reconnects", "peer_restarts", "crc_errors", "periods",
    ];

    public string Metric { get; init; } = "";

    public override string Describe() => $"{Metric} {Bounds}" + (From is not null || To is not null ? " (window)" : "");

    public override AssertionResult Evaluate(RunRecord run)
    {
        Trace t = run.Trace!;
        var (first, end) = Window(run);
        if (Metric == "periods") return Judge(end - first, $"periods {WindowText(run)}");
        if (end <= first) return new(false, $"no period recorded {WindowText(run)}", Bounds);
        string what = $"{Metric} {WindowText(run)}";
        switch (Metric)
        {
            case "hit_rate":
            case "hits":
            case "misses":
            {
                if (t.Hits[end - 1] < 0) return new(false, "the plant counts no hits (pong only)", Bounds);
                long h = Delta(t.Hits, first, end), m = Delta(t.Misses, first, end);
                if (Metric == "hits") return Judge(h, what);
                if (Metric == "misses") return Judge(m, what);
                return h + m == 0 ? new(false, $"{what}: no ball reached the paddle line", Bounds) : Judge((double)h / (h + m), $"{what} ({h} hits, {m} misses)");
            }

            case "tracking_error":
            {
                string? channel = t.SensorNames.FirstOrDefault(n => n.EndsWith(".error", StringComparison.Ordinal));
                if (channel is null || !t.TryColumn(channel, out var read)) return new(false, "no sensor channel named *.error (the servo plant has one)", Bounds);
                double sq = 0;
                for (long p = first; p < end; p++) sq += read(p) * (double)read(p);
                return Judge(Math.Sqrt(sq / (end - first)), $"RMS of {channel} {WindowText(run)}");
            }

            case "spikes_per_second":
            {
                int no = t.OutputNames.Count;
                long spikes = 0;
                for (long p = first; p < end; p++)
                {
                    for (int o = 0; o < no; o++) spikes += t.Outputs[(p * no) + o] >= 0.5f ? 1 : 0;
                }

                return Judge(spikes / ((end - first) / run.Timing.RateHz), $"output spikes (outputs ≥ 0.5) per second {WindowText(run)}");
            }

            case "jitter_p99_us":
            {
                double nominal = 1e9 / run.Timing.RateHz;
                var jitter = new List<double>();
                for (long p = Math.Max(first, 1); p < end; p++)
                {
                    if (t.Segment[p] == t.Segment[p - 1]) jitter.Add(Math.Abs(t.StartNs[p] - t.StartNs[p - 1] - nominal) / 1000.0);
                }

                return jitter.Count == 0 ? new(false, "fewer than two periods", Bounds) : Judge(Percentile(jitter, 0.99), what);
            }

            case "compute_p99_us":
            {
                var compute = new List<double>();
                for (long p = first; p < end; p++) compute.Add(t.ComputeNs[p] / 1000.0);
                return Judge(Percentile(compute, 0.99), what);
            }

            case "overruns": return Judge(Delta(t.Overruns, first, end), what);
            case "stale_reads": return Judge(Delta(t.StaleReads, first, end), what);
            case "link_losses": return Judge(Delta(t.LinkLosses, first, end), what);
            case "link_reconnects": return Judge(Delta(t.Reconnects, first, end), what);
            case "peer_restarts": return Judge(Delta(t.PeerRestarts, first, end), what);
            default: return Judge(Delta(t.CrcErrors, first, end), what);
        }
    }

    /// <summary>Growth of a cumulative counter over [first, end): from the value before the window.</summary>
    private static long Delta(long[] counter, long first, long end) => counter[end - 1] - (first == 0 ? 0 : counter[first - 1]);

    private static double Percentile(List<double> values, double q)
    {
        values.Sort();
        return values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "metric",
        Summary = "a figure of the run within bounds: " + string.Join(", ", Metrics),
        Fields = ["metric: " + string.Join(" | ", Metrics), "min, max: bounds"],
        Read = (f, _) =>
        {
            var a = new MetricAssertion { Metric = f.OneOf("metric", Metrics, required: true) ?? "" };
            ReadBounds(a, f);
            return a;
        },
    });
}

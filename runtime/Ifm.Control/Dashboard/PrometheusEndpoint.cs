using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ifm.Control.Loop;

namespace Ifm.Control.Dashboard;

/// <summary>
/// <c>ifm run --metrics 127.0.0.1:9464</c>: the loop's counters and latency percentiles in the Prometheus text
/// exposition format at <c>/metrics</c>, read from <see cref="LoopStatistics"/> on the request's thread.
/// </summary>
public sealed class PrometheusEndpoint : IDisposable
{
    private readonly HttpEndpoint _http;
    private readonly LoopStatistics _stats;
    private readonly double _rateHz;

    public PrometheusEndpoint(IPEndPoint bind, LoopStatistics stats, double rateHz)
    {
        _stats = stats;
        _rateHz = rateHz;
        _http = new HttpEndpoint(bind, Handle, "ifm-metrics");
    }

    public IPEndPoint Endpoint => _http.Endpoint;

    private bool Handle(HttpRequest req, NetworkStream s)
    {
        if (req.Method != "GET" || req.Path != "/metrics")
        {
            HttpEndpoint.Respond(s, 404, "text/plain; charset=utf-8", "see /metrics\n");
            return true;
        }

        HttpEndpoint.Respond(s, 200, "text/plain; version=0.0.4; charset=utf-8", Render(_stats, _rateHz));
        return true;
    }

    /// <summary>The exposition text (names follow the meter's instruments with dots as underscores).</summary>
    public static string Render(LoopStatistics st, double rateHz)
    {
        var sb = new StringBuilder();
        void Metric(string name, string type, string help, double value)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            sb.Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        Metric("ifm_loop_periods_total", "counter", "Control periods completed", st.Periods);
        Metric("ifm_loop_overruns_total", "counter", "Periods whose work ended after the next period was due", st.Overruns);
        Metric("ifm_loop_skipped_slots_total", "counter", "Grid slots dropped by the skip overrun policy", st.SkippedSlots);
        Metric("ifm_loop_rate_target_hertz", "gauge", "Configured loop rate", rateHz);
        Metric("ifm_loop_period_jitter_p50_seconds", "gauge", "Median |period - nominal|", st.Jitter.Percentile(0.50) / 1e9);
        Metric("ifm_loop_period_jitter_p99_seconds", "gauge", "99th percentile |period - nominal|", st.Jitter.Percentile(0.99) / 1e9);
        Metric("ifm_loop_period_jitter_max_seconds", "gauge", "Largest |period - nominal|", st.Jitter.Max / 1e9);
        Metric("ifm_loop_compute_p50_seconds", "gauge", "Median read-to-write time", st.Compute.Percentile(0.50) / 1e9);
        Metric("ifm_loop_compute_p99_seconds", "gauge", "99th percentile read-to-write time", st.Compute.Percentile(0.99) / 1e9);
        Metric("ifm_loop_compute_max_seconds", "gauge", "Largest read-to-write time", st.Compute.Max / 1e9);
        Metric("ifm_plasticity_learning_ticks_total", "counter", "Ticks in which a plasticity rule ran", st.LearningTicks);
        Metric("ifm_plasticity_mean_abs_delta", "gauge", "Mean |dw| per plastic edge in the last learning tick", st.LastMeanAbsDelta);
        Metric("ifm_learning_rollbacks_total", "counter", "Rollbacks of the learning watchdog to the last good snapshot", st.LearningRollbacks);
        Metric("ifm_learning_frozen", "gauge", "1 while the learning watchdog keeps learning frozen", st.LearningFrozen);
        Metric("ifm_learning_performance", "gauge", "The bound learning-performance signal of the last period (NaN when none)", st.LearningPerformance);
        Metric("ifm_learning_nonfinite_signals_total", "counter", "Learning-signal values that were NaN or infinite (fed as 0)", st.NonFiniteLearningSignals);
        Metric("ifm_loop_checkpoints_total", "counter", "Periodic checkpoint snapshots", st.CheckpointsTaken);
        return sb.ToString();
    }

    public void Dispose() => _http.Dispose();
}

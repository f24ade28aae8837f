using Ifm.Control.Loop;

namespace Ifm.Control.Dashboard;

/// <summary>
/// The one table of the loop's counters and latency figures that the dashboard's event stream (JSON, µs) and the
/// Prometheus endpoint (seconds) both read from <see cref="LoopStatistics"/>; a new figure is one row here.
/// </summary>
internal static class LoopCounters
{
    /// <summary>One figure: its JSON key, Prometheus name, type and help, and how it is read (latencies in ns).</summary>
    internal readonly record struct Row(string Json, string Prometheus, string Type, string Help, Func<LoopStatistics, double> Read, bool Nanoseconds = false)
    {
        /// <summary>The value as the event stream sends it (latencies in µs).</summary>
        public double JsonValue(LoopStatistics s) => Nanoseconds ? Read(s) / 1e3 : Read(s);

        /// <summary>The value as Prometheus expects it (latencies in seconds).</summary>
        public double PrometheusValue(LoopStatistics s) => Nanoseconds ? Read(s) / 1e9 : Read(s);
    }

    public static readonly Row[] Rows =
    [
        new("periods", "ifm_loop_periods_total", "counter", "Control periods completed", s => s.Periods),
        new("overruns", "ifm_loop_overruns_total", "counter", "Periods whose work ended after the next period was due", s => s.Overruns),
        new("skippedSlots", "ifm_loop_skipped_slots_total", "counter", "Grid slots dropped by the skip overrun policy", s => s.SkippedSlots),
        new("jitterP50Us", "ifm_loop_period_jitter_p50_seconds", "gauge", "Median |period - nominal|", s => s.Jitter.Percentile(0.50), true),
        new("jitterP99Us", "ifm_loop_period_jitter_p99_seconds", "gauge", "99th percentile |period - nominal|", s => s.Jitter.Percentile(0.99), true),
        new("jitterMaxUs", "ifm_loop_period_jitter_max_seconds", "gauge", "Largest |period - nominal|", s => s.Jitter.Max, true),
        new("computeP50Us", "ifm_loop_compute_p50_seconds", "gauge", "Median read-to-write time", s => s.Compute.Percentile(0.50), true),
        new("computeP99Us", "ifm_loop_compute_p99_seconds", "gauge", "99th percentile read-to-write time", s => s.Compute.Percentile(0.99), true),
        new("computeMaxUs", "ifm_loop_compute_max_seconds", "gauge", "Largest read-to-write time", s => s.Compute.Max, true),
        new("learningTicks", "ifm_plasticity_learning_ticks_total", "counter", "Ticks in which a plasticity rule ran", s => s.LearningTicks),
        new("meanAbsDw", "ifm_plasticity_mean_abs_delta", "gauge", "Mean |dw| per plastic edge in the last learning tick", s => s.LastMeanAbsDelta),
        new("learningRollbacks", "ifm_learning_rollbacks_total", "counter", "Rollbacks of the learning watchdog to the last good snapshot", s => s.LearningRollbacks),
        new("learningFrozen", "ifm_learning_frozen", "gauge", "1 while the learning watchdog keeps learning frozen", s => s.LearningFrozen),
        new("learningPerformance", "ifm_learning_performance", "gauge", "The bound learning-performance signal of the last period (NaN when none)", s => s.LearningPerformance),
        new("nonFiniteLearningSignals", "ifm_learning_nonfinite_signals_total", "counter", "Learning-signal values that were NaN or infinite (fed as 0)", s => s.NonFiniteLearningSignals),
        new("nonFinitePeriods", "ifm_loop_nonfinite_periods_total", "counter", "Periods whose outputs were NaN or infinite and were replaced by the last finite ones", s => s.NonFinitePeriods),
        new("stateResets", "ifm_loop_state_resets_total", "counter", "Times the reset non-finite policy restored the last finite state", s => s.StateResets),
        new("periodicCheckpoints", "ifm_loop_checkpoints_total", "counter", "Periodic checkpoint snapshots", s => s.CheckpointsTaken),
    ];
}

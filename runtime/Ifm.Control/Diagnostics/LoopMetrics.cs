using System.Diagnostics.Metrics;
using Ifm.Control.Loop;

namespace Ifm.Control.Diagnostics;

/// <summary>
/// Publishes a loop's statistics through System.Diagnostics.Metrics (meter <see cref="MeterName"/>), so a
/// <see cref="MeterListener"/>, an OpenTelemetry exporter or (under the JIT, or the NativeAOT diagnostics build; the
/// shipped <c>ifm</c> has no EventPipe) <c>dotnet-counters monitor -p &lt;pid&gt; --counters Ifm.Control</c> sees them. All
/// instruments are observable: the listener's thread polls them, the loop thread does no metrics work.
/// </summary>
public sealed class LoopMetrics : IDisposable
{
    public const string MeterName = "Ifm.Control";

    private readonly Meter _meter;

    public LoopMetrics(LoopStatistics stats, double rateHz)
    {
        _meter = new Meter(MeterName, "1.0");
        _meter.CreateObservableCounter("ifm.loop.periods", () => stats.Periods, "{period}", "Control periods completed");
        _meter.CreateObservableCounter("ifm.loop.overruns", () => stats.Overruns, "{period}", "Periods whose work ended after the next period was due");
        _meter.CreateObservableCounter("ifm.loop.skipped_slots", () => stats.SkippedSlots, "{period}", "Grid slots dropped by the skip overrun policy");
        _meter.CreateObservableGauge("ifm.loop.rate_target", () => rateHz, "Hz", "Configured loop rate");
        _meter.CreateObservableGauge("ifm.loop.period.jitter.p50", () => Us(stats.Jitter.Percentile(0.50)), "us", "Median |period − nominal|");
        _meter.CreateObservableGauge("ifm.loop.period.jitter.p99", () => Us(stats.Jitter.Percentile(0.99)), "us", "99th percentile |period − nominal|");
        _meter.CreateObservableGauge("ifm.loop.period.jitter.max", () => Us(stats.Jitter.Max), "us", "Largest |period − nominal|");
        _meter.CreateObservableGauge("ifm.loop.compute.p50", () => Us(stats.Compute.Percentile(0.50)), "us", "Median read→write time");
        _meter.CreateObservableGauge("ifm.loop.compute.p99", () => Us(stats.Compute.Percentile(0.99)), "us", "99th percentile read→write time");
        _meter.CreateObservableGauge("ifm.loop.compute.max", () => Us(stats.Compute.Max), "us", "Largest read→write time");
        _meter.CreateObservableCounter("ifm.plasticity.learning_ticks", () => stats.LearningTicks, "{tick}", "Ticks in which a plasticity rule ran");
        _meter.CreateObservableGauge("ifm.plasticity.mean_abs_delta", () => (double)stats.LastMeanAbsDelta, null, "Mean |Δw| per plastic edge in the last learning tick");
        _meter.CreateObservableCounter("ifm.learning.rollbacks", () => stats.LearningRollbacks, "{rollback}", "Rollbacks of the learning watchdog to the last good snapshot");
        _meter.CreateObservableGauge("ifm.learning.frozen", () => stats.LearningFrozen, null, "1 while the learning watchdog keeps learning frozen");
        _meter.CreateObservableCounter("ifm.loop.checkpoints", () => stats.CheckpointsTaken, "{checkpoint}", "Periodic checkpoint snapshots");
    }

    private static double Us(long ns) => ns / 1000.0;

    public void Dispose() => _meter.Dispose();
}

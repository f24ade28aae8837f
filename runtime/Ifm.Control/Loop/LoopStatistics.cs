using Ifm.Control.Timing;

namespace Ifm.Control.Loop;

/// <summary>
/// Live counters and timing histograms of a loop, written by the loop thread only. Other threads (status line,
/// metrics) read them without locks: 64-bit fields are read atomically, histograms may be slightly stale.
/// </summary>
public sealed class LoopStatistics
{
    private long _periods, _overruns, _skipped, _learningTicks, _lastComputeNs, _checkpoints, _nonFinite, _resets;
    private float _lastMeanAbsDelta, _performance = float.NaN;
    private long _rollbacks, _frozen, _nonFiniteSignals;

    /// <summary>Time between consecutive period starts.</summary>
    public LatencyHistogram Period { get; } = new();

    /// <summary>|period − nominal period|: the period jitter.</summary>
    public LatencyHistogram Jitter { get; } = new();

    /// <summary>Start of a period minus its scheduled start (wake-up latency).</summary>
    public LatencyHistogram Lateness { get; } = new();

    /// <summary>read → encode → step → decode → write duration.</summary>
    public LatencyHistogram Compute { get; } = new();

    public long Periods => Volatile.Read(ref _periods);
    public long Overruns => Volatile.Read(ref _overruns);

    /// <summary>Grid slots dropped by <see cref="OverrunPolicy.Skip"/>.</summary>
    public long SkippedSlots => Volatile.Read(ref _skipped);

    public long LastComputeNanoseconds => Volatile.Read(ref _lastComputeNs);

    /// <summary>Ticks in which a plasticity rule ran (from the session).</summary>
    public long LearningTicks => Volatile.Read(ref _learningTicks);

    /// <summary>Mean |Δw| per plastic edge in the last learning tick.</summary>
    public float LastMeanAbsDelta => Volatile.Read(ref _lastMeanAbsDelta);

    /// <summary>Rollbacks of the learning watchdog (learned state restored to the last good snapshot).</summary>
    public long LearningRollbacks => Volatile.Read(ref _rollbacks);

    /// <summary>1 while the learning watchdog keeps learning frozen, else 0.</summary>
    public long LearningFrozen => Volatile.Read(ref _frozen);

    /// <summary>The learning-performance signal of the last period (NaN when none is bound).</summary>
    public float LearningPerformance => Volatile.Read(ref _performance);

    /// <summary>Learning-signal values that were NaN or infinite (fed as 0).</summary>
    public long NonFiniteLearningSignals => Volatile.Read(ref _nonFiniteSignals);

    /// <summary>Managed bytes the learning watchdog's snapshots allocated after the warm-up (not in <see cref="SteadyAllocatedBytes"/>).</summary>
    public long WatchdogSnapshotBytes { get; internal set; }

    public long CheckpointsTaken => Volatile.Read(ref _checkpoints);

    /// <summary>Periods whose outputs were NaN or infinite and were replaced by the last finite ones (<see cref="NonFinitePolicy"/>).</summary>
    public long NonFinitePeriods => Volatile.Read(ref _nonFinite);

    /// <summary>Times <see cref="NonFinitePolicy.Reset"/> restored the last finite state.</summary>
    public long StateResets => Volatile.Read(ref _resets);

    /// <summary>Managed bytes the loop thread allocated after the warm-up, outside checkpoint snapshots.</summary>
    public long SteadyAllocatedBytes { get; internal set; }

    /// <summary>Periods counted in <see cref="SteadyAllocatedBytes"/>.</summary>
    public long SteadyPeriods { get; internal set; }

    public double AllocatedBytesPerPeriod => SteadyPeriods == 0 ? 0 : (double)SteadyAllocatedBytes / SteadyPeriods;

    internal void PeriodDone(long computeNs)
    {
        Volatile.Write(ref _lastComputeNs, computeNs);
        Volatile.Write(ref _periods, _periods + 1);
    }

    internal void Overrun() => Volatile.Write(ref _overruns, _overruns + 1);

    internal void Skipped(long slots) => Volatile.Write(ref _skipped, _skipped + slots);

    internal void NonFinitePeriod() => Volatile.Write(ref _nonFinite, _nonFinite + 1);

    internal void StateReset() => Volatile.Write(ref _resets, _resets + 1);

    internal void Checkpointed() => Volatile.Write(ref _checkpoints, _checkpoints + 1);

    internal void Guard(long rollbacks, bool frozen, float performance, long nonFinite)
    {
        Volatile.Write(ref _rollbacks, rollbacks);
        Volatile.Write(ref _frozen, frozen ? 1 : 0);
        Volatile.Write(ref _performance, performance);
        Volatile.Write(ref _nonFiniteSignals, nonFinite);
    }

    internal void Learning(long ticks, float lastDelta)
    {
        Volatile.Write(ref _learningTicks, ticks);
        Volatile.Write(ref _lastMeanAbsDelta, lastDelta);
    }
}

using Ifm.Control.Timing;
using Ifm.Devices.Mapping;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Loop;

/// <summary>The network produced a NaN or infinite output: its state has diverged. The loop stops with a fault.</summary>
public sealed class NonFiniteOutputException(long period, long tick, int output, string name, float value, string? policyNote = null)
    : Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.NonFinite, string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"non-finite network output in period {period} (tick {tick}): output {output} '{name}' is {value}; the state has diverged, so no command was written{policyNote}"));

/// <summary>What a finished run reports.</summary>
public sealed record LoopResult(StopReason Reason, long Periods, Exception? Fault, string? OverrunDetail, int SafeStateFailures);

/// <summary>
/// The fixed-rate control loop, in ros2_control order: read sensors → encode into input neurons → step the network
/// k ticks → decode output neurons → write actuators, once per period, against CLOCK_MONOTONIC.
/// </summary>
/// <remarks>
/// <para>Period i is scheduled at t0 + i·T. The loop waits for that instant (<see cref="HybridWaiter"/>), does the
/// work, and counts an overrun when the work ends after t0 + (i+1)·T; <see cref="OverrunPolicy"/> says what
/// happens next.</para>
/// <para>Every exit — completed duration, cancellation, an exception in any stage, the safe-stop policy — drives
/// every actuator to its safe state before <see cref="Run"/> returns. Exceptions are reported in
/// <see cref="LoopResult.Fault"/>, not rethrown.</para>
/// <para>Steady state allocates no managed memory on the loop thread (measured after <see cref="LoopOptions.WarmupPeriods"/>
/// and reported in <see cref="LoopStatistics.SteadyAllocatedBytes"/>); periodic checkpoint snapshots are the
/// documented exception and are accounted separately.</para>
/// </remarks>
public sealed class ControlLoop
{
    private readonly INetworkSession _session;
    private readonly DeviceSet _devices;
    private readonly LoopOptions _options;
    private readonly float[] _inputs;
    private readonly float[] _outputs;
    private readonly float[] _lastFinite;
    private bool _haveFinite;
    private int _nonFiniteRun;
    private SessionState? _resetState;
    private readonly float[] _channels;

    public ControlLoop(INetworkSession session, DeviceSet devices, LoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (devices.InputCount != session.Model.InputCount || devices.OutputCount != session.Model.OutputCount)
        {
            throw new ArgumentException($"the devices are bound to {devices.InputCount} inputs and {devices.OutputCount} outputs, " +
                $"the model has {session.Model.InputCount} and {session.Model.OutputCount}");
        }

        _session = session;
        _devices = devices;
        _options = options;
        _inputs = new float[session.Model.InputCount];
        _outputs = new float[session.Model.OutputCount];
        _lastFinite = new float[session.Model.OutputCount];
        _channels = new float[options.Learning is null ? 0 : devices.SensorChannelCount];
    }

    public LoopStatistics Statistics { get; } = new();

    public LoopOptions Options => _options;

    /// <summary>Runs on the calling thread until the period limit, cancellation, a fault or a safe-stop overrun.</summary>
    public LoopResult Run(CancellationToken cancellation)
    {
        LoopOptions o = _options;
        long periodNs = o.PeriodNanoseconds;
        long maxPeriods = o.MaxPeriods ?? long.MaxValue;
        int ticks = o.TicksPerPeriod;
        var waiter = new HybridWaiter((long)(o.SpinWindow.TotalMicroseconds * 1000));
        HybridWaiter.MinimizeTimerSlack();
        var watchdog = o.Watchdog is { WatchdogIntervalNanoseconds: > 0 } w ? w : null;
        long watchdogInterval = watchdog?.WatchdogIntervalNanoseconds ?? 0;
        long checkpointInterval = o.CheckpointWriter is null || o.CheckpointInterval is null ? 0 : (long)(o.CheckpointInterval.Value.TotalMilliseconds * 1e6);
        var plasticity = _session.Plasticity;
        bool learning = plasticity.HasRules;
        var signals = o.Learning;
        long guardBytesStart = 0;
        LoopStatistics stats = Statistics;

        StopReason reason = StopReason.Completed;
        Exception? fault = null;
        string? overrunDetail = null;
        long period = 0;
        int failures = 0;
        long allocStart = 0, snapshotBytes = 0;
        long start = MonotonicClock.NowNanoseconds();
        long next = start, previousBegin = 0;
        long nextPing = start, nextCheckpoint = start + checkpointInterval;
        _haveFinite = false;
        _nonFiniteRun = 0;
        // The state a reset goes back to until the first periodic checkpoint snapshot replaces it.
        _resetState = o.NonFinitePolicy == NonFinitePolicy.Reset ? _session.Snapshot() : null;
        try
        {
            while (true)
            {
                if (period >= maxPeriods)
                {
                    break;
                }

                if (cancellation.IsCancellationRequested)
                {
                    reason = StopReason.Cancelled;
                    break;
                }

                if (period == o.WarmupPeriods)
                {
                    allocStart = GC.GetAllocatedBytesForCurrentThread();
                    guardBytesStart = signals?.SnapshotBytes ?? 0;
                }

                long begin = waiter.WaitUntil(next);
                stats.Lateness.Record(begin - next);
                if (period > 0)
                {
                    long interval = begin - previousBegin;
                    stats.Period.Record(interval);
                    stats.Jitter.Record(Math.Abs(interval - periodNs));
                }

                previousBegin = begin;
                o.Hook?.BeforePeriod(period);

                // read → encode → learning signals → step (k ticks) → decode → write
                _devices.ReadAndEncode(period, _inputs);
                if (signals is not null)
                {
                    // From this period's sensor samples and encoded inputs and the previous period's outputs; the
                    // watchdog may roll the learned state back here, before the step computes the next command.
                    _devices.CopySensorSamples(_channels);
                    signals.Update(_inputs, _outputs, _channels);
                    stats.Guard(signals.Rollbacks, signals.Frozen, signals.Performance, signals.NonFiniteSignals);
                }

                _session.SetInputs(_inputs);
                _session.Step(ticks);
                _session.ReadOutputs(_outputs);
                CheckFinite(period, stats);
                _devices.DecodeAndWrite(period, _outputs);

                if (o.StallFile is not null)
                {
                    StallWhileExists(o.StallFile, cancellation);
                }

                long end = MonotonicClock.NowNanoseconds();
                long compute = end - begin;
                stats.Compute.Record(compute);
                if (learning)
                {
                    var ps = plasticity.Statistics;
                    stats.Learning(ps.LearningTicks, ps.LastMeanAbsDelta);
                }

                stats.PeriodDone(compute);
                o.Recorder?.CapturePeriod(period, begin - start, compute, begin - next, signals?.Signal ?? o.LearningSignal?.Value ?? float.NaN,
                    learning ? stats.LastMeanAbsDelta : 0f, _inputs, _outputs, _devices);
                bool checkpointNow = false;
                if (o.Live is { } live)
                {
                    live.Publish(period, compute, _inputs, _outputs, _devices);
                    checkpointNow = live.ApplyRequests(_session) && o.CheckpointWriter is not null;
                }

                period++;

                // The watchdog is fed only here, after a completed period: a loop stuck in a stage stops the pings.
                if (watchdog is not null && end >= nextPing)
                {
                    watchdog.Watchdog();
                    nextPing = end + watchdogInterval;
                }

                if ((checkpointInterval > 0 && end >= nextCheckpoint) || checkpointNow)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    var snapshot = _session.Snapshot();
                    o.CheckpointWriter!.Offer(snapshot);
                    if (_resetState is not null) _resetState = snapshot;
                    snapshotBytes += GC.GetAllocatedBytesForCurrentThread() - before;
                    stats.Checkpointed();
                    if (checkpointNow) o.Live!.CheckpointOffered();
                    nextCheckpoint = end + checkpointInterval;
                }

                next += periodNs;
                long now = MonotonicClock.NowNanoseconds();
                if (now > next)
                {
                    stats.Overrun();
                    if (o.OverrunPolicy == OverrunPolicy.SafeStop)
                    {
                        reason = StopReason.Overrun;
                        o.Hook?.AfterPeriod(period - 1, begin - start, compute, _inputs, _outputs, _devices, _session, stats);
                        overrunDetail = $"deadline overrun in period {period - 1}: the period's work took {compute / 1000.0:0.0} µs " +
                            $"and ended {(now - next) / 1000.0:0.0} µs after the next period was due (period {periodNs / 1000.0:0.0} µs)";
                        break;
                    }

                    if (o.OverrunPolicy == OverrunPolicy.Skip)
                    {
                        long missed = ((now - next) / periodNs) + 1;
                        next += missed * periodNs;
                        stats.Skipped(missed);
                    }
                }

                o.Hook?.AfterPeriod(period - 1, begin - start, compute, _inputs, _outputs, _devices, _session, stats);
            }
        }
        catch (Exception e)
        {
            reason = StopReason.Fault;
            fault = e;
        }
        finally
        {
            // Safe state first, before any accounting or reporting.
            failures = _devices.EnterSafeState();
            if (period > o.WarmupPeriods)
            {
                long guardBytes = (signals?.SnapshotBytes ?? 0) - guardBytesStart;
                stats.WatchdogSnapshotBytes = guardBytes;
                stats.SteadyAllocatedBytes = Math.Max(0, GC.GetAllocatedBytesForCurrentThread() - allocStart - snapshotBytes - guardBytes);
                stats.SteadyPeriods = period - o.WarmupPeriods;
            }
        }

        return new LoopResult(reason, period, fault, overrunDetail, failures);
    }

    /// <summary>
    /// A NaN or infinite output is never a command: it would reach the decoders (which map NaN to some value) and
    /// means the network's state has diverged. Under <see cref="NonFinitePolicy.Fault"/> the loop ends with a fault
    /// and the actuators go safe; <see cref="NonFinitePolicy.Hold"/> and <see cref="NonFinitePolicy.Reset"/> write
    /// the last finite outputs instead (Reset also restores the last finite state) for up to
    /// <see cref="LoopOptions.NonFiniteLimit"/> periods in a row. Steady state (finite outputs) allocates nothing.
    /// </summary>
    private void CheckFinite(long period, LoopStatistics stats)
    {
        var outputs = _outputs;
        int bad = -1;
        for (int i = 0; i < outputs.Length; i++)
        {
            if (!float.IsFinite(outputs[i]))
            {
                bad = i;
                break;
            }
        }

        if (bad < 0)
        {
            outputs.CopyTo(_lastFinite, 0);
            _haveFinite = true;
            _nonFiniteRun = 0;
            return;
        }

        var policy = _options.NonFinitePolicy;
        if (policy == NonFinitePolicy.Fault) throw new NonFiniteOutputException(period, _session.Tick, bad, _session.Model.OutputNames[bad], outputs[bad]);
        _nonFiniteRun++;
        stats.NonFinitePeriod();
        string name = NonFinitePolicies.Name(policy);
        if (!_haveFinite)
        {
            throw new NonFiniteOutputException(period, _session.Tick, bad, _session.Model.OutputNames[bad], outputs[bad],
                $" (policy {name}: no finite output to hold yet)");
        }

        if (_nonFiniteRun > _options.NonFiniteLimit)
        {
            throw new NonFiniteOutputException(period, _session.Tick, bad, _session.Model.OutputNames[bad], outputs[bad],
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (policy {name}: {_nonFiniteRun} non-finite periods in a row, limit {_options.NonFiniteLimit})"));
        }

        _lastFinite.CopyTo(outputs, 0);
        if (policy == NonFinitePolicy.Reset && _resetState is { } state)
        {
            _session.Restore(state);
            stats.StateReset();
        }
    }

    private static void StallWhileExists(string path, CancellationToken cancellation)
    {
        while (File.Exists(path) && !cancellation.IsCancellationRequested)
        {
            Thread.Sleep(5);
        }
    }
}

using System.Globalization;
using System.Text;
using Ifm.Control.Loop;
using Ifm.Control.Timing;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Hosting;

/// <summary>The report printed when a run ends.</summary>
internal static class FinalReport
{
    public static void Write(Diagnostics.RunLog log, LoopResult r, LoopStatistics s, LoopOptions o, INetworkSession session,
        SimulatedHardware? sim, string? checkpoint, DeviceSet devices)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        string why = r.Reason switch
        {
            StopReason.Completed => "completed",
            StopReason.Cancelled => "stopped on request",
            StopReason.Overrun => "safe-stop on a deadline overrun",
            _ => "FAULT",
        };
        b.AppendLine(c, $"run {why} after {r.Periods} periods at {o.RateHz:0.###} Hz ({o.TicksPerPeriod} tick(s) per period)");
        if (r.Fault is { } f) b.AppendLine(c, $"  fault: {f.GetType().Name}: {f.Message}");
        if (r.OverrunDetail is { } d) b.AppendLine(c, $"  {d}");
        b.AppendLine(c, $"  actuators in safe state{(r.SafeStateFailures > 0 ? $": {r.SafeStateFailures} FAILED" : "")}");
        foreach (var (i, e) in devices.LastSafeStateErrors.Index())
        {
            if (e is not null) b.AppendLine(c, $"    actuator {i}: {e.Message}");
        }

        b.AppendLine(c, $"  overruns {s.Overruns} ({Pct(s.Overruns, r.Periods)}), skipped slots {s.SkippedSlots}, policy {OverrunPolicies.Name(o.OverrunPolicy)}");
        if (s.NonFinitePeriods > 0 || o.NonFinitePolicy != NonFinitePolicy.Fault)
        {
            b.AppendLine(c, $"  non-finite outputs: {s.NonFinitePeriods} period(s) held at the last finite outputs, {s.StateResets} state reset(s), policy {NonFinitePolicies.Name(o.NonFinitePolicy)}");
        }

        Row(b, "period", s.Period);
        Row(b, "period jitter", s.Jitter);
        Row(b, "wake-up lateness", s.Lateness);
        Row(b, "compute", s.Compute);
        b.AppendLine(c, $"  allocated on the loop thread: {s.SteadyAllocatedBytes} bytes in {s.SteadyPeriods} steady periods ({s.AllocatedBytesPerPeriod:0.###} bytes/period)");
        if (session.Plasticity.HasRules)
        {
            var ps = session.Plasticity.Statistics;
            string guard = session.Plasticity.GuardTripped ? $", GUARD: {session.Plasticity.GuardMessage}" : "";
            b.AppendLine(c, $"  plasticity {(session.Plasticity.Enabled ? "on" : "off")}: {ps.LearningTicks} learning ticks, total |Δw| {ps.TotalAbsDelta:0.###e+0}{guard}");
        }

        if (o.Learning is { } lc)
        {
            string perf = float.IsNaN(lc.Performance) ? "" : $", last performance {lc.Performance:G4}";
            string bad = lc.NonFiniteSignals > 0 ? $", {lc.NonFiniteSignals} non-finite signal values fed as 0" : "";
            b.AppendLine(c, $"  learning signals: {lc.Updates} updates{perf}{bad}");
            if (lc.Watchdog is { } wd)
            {
                b.AppendLine(c, $"  learning watchdog: {wd.Rollbacks} rollback(s), {wd.Snapshots} good snapshot(s){(wd.Frozen ? ", learning FROZEN" : "")}, moving performance {wd.MovingPerformance:G4} (snapshots allocated {s.WatchdogSnapshotBytes} bytes on the loop thread)");
                if (wd.LastMessage is { } m) b.AppendLine(c, $"    {m}");
            }
        }

        if (s.CheckpointsTaken > 0) b.AppendLine(c, $"  periodic checkpoint snapshots: {s.CheckpointsTaken}");
        // What a soak needs to tell garbage awaiting collection from a leak: allocation, collections, live heap, RSS.
        b.AppendLine(c, $"  managed memory: {GC.GetTotalAllocatedBytes() / 1048576.0:0.0} MB allocated, collections gen0 {GC.CollectionCount(0)}, " +
            $"gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:0.0} MB after the last one, " +
            $"RSS {Environment.WorkingSet / 1048576.0:0.0} MB");
        if (checkpoint is not null) b.AppendLine(c, $"  learned state saved to {checkpoint}");
        foreach (DeviceCounters dc in devices.Counters)
        {
            string stale = dc.StaleReads > 0 ? $", {dc.StaleReads} stale" + (dc.NonFiniteReads > 0 ? $" ({dc.NonFiniteReads} non-finite samples refused)" : "") : "";
            b.AppendLine(c, $"  device {dc.Name} ({dc.Type}): {dc.Accesses} {(dc.IsActuator ? "writes" : "reads")} every {dc.Divisor} period(s){stale}");
        }

        if (sim?.Pong is { } pong)
        {
            b.AppendLine(c, $"  pong: {pong.Ticks} game ticks, {pong.Hits} hits, {pong.Misses} misses ({Pct(pong.Hits, pong.Hits + pong.Misses)} hit rate)");
        }

        if (sim?.Servo is { } servo)
        {
            b.AppendLine(c, $"  servo: {servo.Steps} steps, RMS tracking error {servo.RmsError:0.0000} rad, final gain {servo.Gain:0.###}, friction {servo.Friction:0.###}, load {servo.Load:0.###}");
            string after = servo.RmsErrorAfterPerturbation is { } a ? $"first {ServoPlant.ReportWindow} steps after the last perturbation {a:0.0000} rad, " : "";
            b.AppendLine(c, $"  servo RMS tracking error: {after}last {Math.Min(servo.Steps, ServoPlant.ReportWindow)} steps {servo.RecentRmsError:0.0000} rad");
        }

        if (sim?.Pavlov is { } pavlov)
        {
            b.AppendLine("  pavlov trials (salivation periods during the stimulus / in the gap):");
            var trials = pavlov.Trials;
            for (int i = 0; i < trials.Length; i++)
            {
                PavlovTrial t = trials[i];
                b.AppendLine(c, $"    {i + 1,2} {t.Stage,-9} food {(t.Food ? 1 : 0)} bell {(t.Bell ? 1 : 0)}: {t.SalivationDuringStimulus}/{pavlov.Schedule.StimulusPeriods}, gap {t.SalivationDuringGap}");
            }
        }

        string text = b.ToString().TrimEnd();
        if (r.Reason is StopReason.Fault or StopReason.Overrun || r.SafeStateFailures > 0) log.Error(text);
        else log.Notice(text);
    }

    private static void Row(StringBuilder b, string name, LatencyHistogram h) =>
        b.AppendLine(CultureInfo.InvariantCulture,
            $"  {name,-17} p50 {h.Percentile(0.5) / 1000.0,9:0.0} µs  p99 {h.Percentile(0.99) / 1000.0,9:0.0} µs  max {h.Max / 1000.0,9:0.0} µs  mean {h.Mean / 1000.0,9:0.0} µs  ({h.Count} samples)");

    private static string Pct(long part, long whole) =>
        whole == 0 ? "0 %" : (100.0 * part / whole).ToString("0.###", CultureInfo.InvariantCulture) + " %";
}

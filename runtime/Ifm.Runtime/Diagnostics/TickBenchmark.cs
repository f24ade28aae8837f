using System.Diagnostics;

namespace Ifm.Runtime.Diagnostics;

/// <summary>What <see cref="TickBenchmark.Run"/> measured.</summary>
public sealed record TickBenchmarkResult(
    int TicksPerRepetition,
    int Repetitions,
    double MedianMicrosecondsPerTick,
    double MinMicrosecondsPerTick,
    double MaxMicrosecondsPerTick,
    long Synapses,
    double AllocatedBytesPerTick)
{
    public double TicksPerSecond => 1e6 / MedianMicrosecondsPerTick;

    public double SynapseUpdatesPerSecond => Synapses * TicksPerSecond;

    /// <summary>
    /// Median CPU time of the benchmark thread per tick (Linux; NaN elsewhere): close to the wall-clock time on an idle
    /// machine, and the steadier figure on a busy one, where the wall clock also counts waiting for a core.
    /// </summary>
    public double MedianCpuMicrosecondsPerTick { get; init; } = double.NaN;
}

/// <summary>
/// Times a session's tick: warm-up, then several repetitions of many ticks; reports the median per-tick time
/// (robust on a shared, noisy machine) and the managed bytes allocated per tick on this thread.
/// </summary>
public static class TickBenchmark
{
    /// <param name="afterRepetition">Called with the repetitions done (progress), outside the timed and allocation-counted window.</param>
    public static TickBenchmarkResult Run(Engine.INetworkSession session, int ticksPerRepetition, int repetitions, int warmupTicks, Action<int>? afterRepetition = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (ticksPerRepetition < 1 || repetitions < 1 || warmupTicks < 0) throw new ArgumentOutOfRangeException(nameof(ticksPerRepetition));
        var inputs = new float[session.Model.InputCount];
        var rng = new Random(7);
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)rng.NextDouble();
        session.SetInputs(inputs);
        session.Step(warmupTicks);
        ThreadCpuClock.NowMicroseconds(); // binds the native call outside the measured (and allocation-counted) window

        var perTick = new double[repetitions];
        var cpuPerTick = new double[repetitions];
        long allocated = 0;
        for (int r = 0; r < repetitions; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            double cpuStart = ThreadCpuClock.NowMicroseconds();
            long start = Stopwatch.GetTimestamp();
            session.Step(ticksPerRepetition);
            long end = Stopwatch.GetTimestamp();
            double cpuEnd = ThreadCpuClock.NowMicroseconds();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            perTick[r] = Stopwatch.GetElapsedTime(start, end).TotalMicroseconds / ticksPerRepetition;
            cpuPerTick[r] = (cpuEnd - cpuStart) / ticksPerRepetition;
            afterRepetition?.Invoke(r + 1);
        }

        Array.Sort(perTick);
        Array.Sort(cpuPerTick);
        return new TickBenchmarkResult(ticksPerRepetition, repetitions, perTick[repetitions / 2], perTick[0], perTick[^1],
            session.Model.EdgeCount, (double)allocated / ((long)ticksPerRepetition * repetitions))
        {
            MedianCpuMicrosecondsPerTick = cpuPerTick[repetitions / 2],
        };
    }

    /// <summary>
    /// Runs ticks for at least <paramref name="warmupMilliseconds"/> (so the JIT has produced optimised code and caches
    /// are warm), then chooses ticks per repetition so one repetition lasts about <paramref name="targetMilliseconds"/>.
    /// </summary>
    public static int CalibrateTicks(Engine.INetworkSession session, double targetMilliseconds, double warmupMilliseconds = 500)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < warmupMilliseconds) session.Step(1);

        int ticks = 1;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            session.Step(ticks);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (ms >= targetMilliseconds / 4 || ticks >= 1 << 24) return Math.Max(1, (int)(ticks * targetMilliseconds / Math.Max(ms, 1e-3)));
            ticks *= 4;
        }
    }
}

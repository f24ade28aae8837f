using System.Globalization;
using Ifm.Control.Loop;

namespace Ifm.Control.Hosting;

/// <summary>The live status line: achieved rate, overruns, jitter, compute time, plasticity activity.</summary>
internal sealed class StatusLine(LoopStatistics stats, double rateHz, bool learning)
{
    private long _lastPeriods;
    private long _lastTime = Timing.MonotonicClock.NowNanoseconds();
    private long _lastLearning;

    public string Format()
    {
        long now = Timing.MonotonicClock.NowNanoseconds();
        long periods = stats.Periods;
        double achieved = now > _lastTime ? (periods - _lastPeriods) * 1e9 / (now - _lastTime) : 0;
        long learningTicks = stats.LearningTicks;
        string plasticity = learning
            ? string.Create(CultureInfo.InvariantCulture, $" | learning {learningTicks - _lastLearning} ticks, |Δw| {stats.LastMeanAbsDelta:0.0e+0}")
            : "";
        _lastPeriods = periods;
        _lastTime = now;
        _lastLearning = learningTicks;
        return string.Create(CultureInfo.InvariantCulture,
            $"{achieved,8:0.0} Hz (target {rateHz:0.###}) | periods {periods} | overruns {stats.Overruns} | " +
            $"jitter p50 {Us(stats.Jitter.Percentile(0.5))} p99 {Us(stats.Jitter.Percentile(0.99))} max {Us(stats.Jitter.Max)} µs | " +
            $"compute p99 {Us(stats.Compute.Percentile(0.99))} µs{plasticity}");
    }

    private static string Us(long ns) => (ns / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
}

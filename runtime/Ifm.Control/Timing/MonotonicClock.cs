using Ifm.Control.Native;

namespace Ifm.Control.Timing;

/// <summary>
/// CLOCK_MONOTONIC in nanoseconds: the clock the loop schedules against and the clock <c>clock_nanosleep</c> sleeps
/// on, so deadlines need no conversion. Not affected by wall-clock changes (NTP steps, date).
/// </summary>
public static unsafe class MonotonicClock
{
    public static long NowNanoseconds()
    {
        Libc.Timespec ts;
        Libc.ClockGetTime(Libc.ClockMonotonic, &ts);
        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }
}

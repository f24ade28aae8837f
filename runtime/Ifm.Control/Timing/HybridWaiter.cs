using Ifm.Control.Native;

namespace Ifm.Control.Timing;

/// <summary>
/// Waits until an absolute CLOCK_MONOTONIC deadline: sleeps with <c>clock_nanosleep(TIMER_ABSTIME)</c> until
/// <see cref="SpinNanoseconds"/> before the deadline, then spins on the clock for the rest. Sleeping alone wakes
/// up late by the timer slack and the scheduler's wake-up latency (tens of µs, more on a loaded machine); spinning
/// alone burns a core. The spin window trades CPU for punctuality. Allocation-free.
/// </summary>
public sealed unsafe class HybridWaiter(long spinNanoseconds)
{
    /// <summary>How long before the deadline sleeping stops and spinning starts (0 = sleep only).</summary>
    public long SpinNanoseconds { get; } = Math.Max(0, spinNanoseconds);

    /// <summary>
    /// Sets the calling thread's timer slack to 1 ns (prctl PR_SET_TIMERSLACK): the kernel otherwise defers
    /// sleeping threads' wake-ups by up to 50 µs to batch timers. Returns false where the call is unavailable.
    /// </summary>
    public static bool MinimizeTimerSlack() => OperatingSystem.IsLinux() && Libc.Prctl(Libc.PrSetTimerSlack, 1, 0, 0, 0) == 0;

    /// <summary>Returns once <see cref="MonotonicClock.NowNanoseconds"/> ≥ <paramref name="deadline"/>; returns the time then.</summary>
    public long WaitUntil(long deadline)
    {
        long now = MonotonicClock.NowNanoseconds();
        long wake = deadline - SpinNanoseconds;
        if (now < wake)
        {
            Libc.Timespec ts;
            ts.Seconds = wake / 1_000_000_000L;
            ts.Nanoseconds = wake % 1_000_000_000L;
            // TIMER_ABSTIME: an interrupted sleep is simply repeated with the same deadline (no drift).
            while (Libc.ClockNanosleep(Libc.ClockMonotonic, Libc.TimerAbstime, &ts, null) == Libc.Eintr)
            {
            }

            now = MonotonicClock.NowNanoseconds();
        }

        while (now < deadline)
        {
            Thread.SpinWait(8);
            now = MonotonicClock.NowNanoseconds();
        }

        return now;
    }
}

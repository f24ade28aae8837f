using System.Diagnostics;

namespace Ifm.Devices;

/// <summary>
/// Monotonic time source used by drivers that measure pulse widths or debounce edges.
/// </summary>
/// <remarks>
/// Drivers take the clock in their constructor so that the simulated hardware can run on simulated time: the
/// tests never depend on the wall clock. <see cref="System"/> is backed by <see cref="Stopwatch"/>.
/// </remarks>
public abstract class DeviceClock
{
    /// <summary>The process-wide monotonic clock (<see cref="Stopwatch"/>).</summary>
    public static DeviceClock System { get; } = new StopwatchClock();

    /// <summary>Current time in nanoseconds from an arbitrary origin; never decreases.</summary>
    public abstract long Nanoseconds { get; }

    /// <summary>Busy-waits (spins) for at least <paramref name="nanoseconds"/>; used for trigger pulses of a few microseconds.</summary>
    public virtual void SpinFor(long nanoseconds)
    {
        long end = Nanoseconds + nanoseconds;
        while (Nanoseconds < end)
        {
            Thread.SpinWait(8);
        }
    }

    private sealed class StopwatchClock : DeviceClock
    {
        private static readonly double NanosPerTick = 1e9 / Stopwatch.Frequency;

        public override long Nanoseconds => (long)(Stopwatch.GetTimestamp() * NanosPerTick);
    }
}

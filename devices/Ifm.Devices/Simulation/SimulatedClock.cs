namespace Ifm.Devices.Simulation;

/// <summary>
/// Simulated time: advances only when told to, plus <see cref="StepPerReadNanoseconds"/> on every read of
/// <see cref="Nanoseconds"/>, so that a driver that busy-polls (HC-SR04 echo timing) sees time pass
/// deterministically, independent of the machine's speed or load.
/// </summary>
public sealed class SimulatedClock : DeviceClock
{
    private long _now;

    public SimulatedClock(long startNanoseconds = 0, long stepPerReadNanoseconds = 1_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepPerReadNanoseconds);
        _now = startNanoseconds;
        StepPerReadNanoseconds = stepPerReadNanoseconds;
    }

    /// <summary>Time added by every read of <see cref="Nanoseconds"/> (default 1 µs).</summary>
    public long StepPerReadNanoseconds { get; set; }

    /// <summary>Current time without advancing it.</summary>
    public long Peek => Interlocked.Read(ref _now);

    public override long Nanoseconds => Interlocked.Add(ref _now, StepPerReadNanoseconds) - StepPerReadNanoseconds;

    public void Advance(long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        Interlocked.Add(ref _now, nanoseconds);
    }

    public override void SpinFor(long nanoseconds) => Advance(Math.Max(0, nanoseconds));
}

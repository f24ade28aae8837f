using System.Device.Gpio;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// A finger on a push button: in every 6 s, short presses (0.15 s) at 0.5, 1.7 and 2.9 s and a long press (1.2 s)
/// at 4.1 s; the line is released when the simulation starts. Each press and release bounces: 5 edges 0.3, 0.6, 0.9 and 1.5 ms apart before the contact settles (a
/// tactile switch bounces for 1–5 ms); the simulated clock advances between the edges, so a driver sees them at their
/// times. <see cref="Presses"/> counts the true presses.
/// </summary>
public sealed class SimulatedButton(SimulatedGpioDriver driver, int pin, bool activeLow, SimulatedClock clock) : ISimulatedPlant
{
    public const long CycleNs = 6_000_000_000, ShortNs = 150_000_000, LongNs = 1_200_000_000;
    private static readonly long[] Starts = [500_000_000, 1_700_000_000, 2_900_000_000, 4_100_000_000];
    private static readonly long[] BounceGapsNs = [300_000, 600_000, 900_000, 1_500_000];
    private bool _pressed;

    public int Presses { get; private set; }

    /// <summary>Whether the finger presses at <paramref name="nowNanoseconds"/>.</summary>
    public static bool PressedAt(long nowNanoseconds)
    {
        long t = nowNanoseconds % CycleNs;
        for (int i = 0; i < Starts.Length; i++)
        {
            long length = i == Starts.Length - 1 ? LongNs : ShortNs;
            if (t >= Starts[i] && t < Starts[i] + length)
            {
                return true;
            }
        }

        return false;
    }

    public void Advance(long period, long nowNanoseconds)
    {
        if (period == 0)
        {
            Set(false);   // the line starts released
        }

        bool pressed = PressedAt(nowNanoseconds);
        if (pressed == _pressed)
        {
            return;
        }

        _pressed = pressed;
        Presses += pressed ? 1 : 0;
        for (int edge = 0; edge < 5; edge++)
        {
            if (edge > 0)
            {
                clock.Advance(BounceGapsNs[edge - 1]);
            }

            Set(edge % 2 == 0 ? pressed : !pressed);
        }
    }

    private void Set(bool pressed) => driver.SetInput(pin, pressed != activeLow ? PinValue.High : PinValue.Low);
}

using System.Device.Gpio;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// A 28BYJ-48 rotor behind a ULN2003: each period it reads the four coil lines (IN1..IN4 high = coil A..D energised)
/// and moves to the electrical position the pattern holds — the half-step index of the eight one- and two-coil
/// patterns. A move of one or two half-steps (a half or full step) is taken in the shorter direction; a jump of
/// more, or an impossible pattern (opposite coils together), is a missed step and leaves the rotor where it was.
/// All coils off: the rotor stays (the gearbox holds it). Works on a board's GPIO or on an expander's pins.
/// </summary>
public sealed class SimulatedStepperMotor(SimulatedGpioDriver driver, int[] pins) : ISimulatedPlant
{
    // Pattern (A B C D as bits 3..0) → half-step index, −1 = not a position.
    private static readonly int[] IndexOf = Build();

    private int _index = -1;

    /// <summary>The rotor's position in half-steps (+ = the IN1 → IN4 direction).</summary>
    public long HalfSteps { get; private set; }

    /// <summary>Patterns the rotor could not follow.</summary>
    public long MissedSteps { get; private set; }

    /// <summary>The coil pattern seen last (A..D as bits 3..0).</summary>
    public int Coils { get; private set; }

    public void Advance(long period, long nowNanoseconds)
    {
        int pattern = 0;
        for (int i = 0; i < 4; i++)
        {
            pattern |= driver.GetLevel(pins[i]) == PinValue.High ? 8 >> i : 0;
        }

        Coils = pattern;
        if (pattern == 0)
        {
            return;
        }

        int next = IndexOf[pattern];
        if (next < 0)
        {
            MissedSteps++;
            return;
        }

        if (_index < 0)
        {
            _index = next;   // first energised: the rotor snaps to the nearest position (not counted)
            return;
        }

        int delta = ((next - _index + 12) % 8) - 4;   // −4..3
        if (delta is < -2 or > 2)
        {
            MissedSteps++;
            return;
        }

        _index = next;
        HalfSteps += delta;
    }

    private static int[] Build()
    {
        int[] map = new int[16];
        Array.Fill(map, -1);
        int[] half = [0b1000, 0b1100, 0b0100, 0b0110, 0b0010, 0b0011, 0b0001, 0b1001];
        for (int i = 0; i < half.Length; i++)
        {
            map[half[i]] = i;
        }

        return map;
    }
}

using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The NXP PCA9685 register map (datasheet PCA9685 rev. 4, §7.3): a register pointer set by the first byte of a
/// write, auto-increment when MODE1.AI (bit 5) is set, MODE1 power-on value 0x11 (SLEEP | ALLCALL), MODE2 0x04
/// (OUTDRV), PRE_SCALE 0x1E (200 Hz) writable only while SLEEP is set, LEDn_ON/OFF at 0x06 + 4n (low byte first,
/// bit 4 of the high byte = full on / full off, every output full off at power-on), ALL_LED_ON/OFF at 0xFA..0xFD.
/// The outputs as a servo or motor would see them: <see cref="Duty"/>, <see cref="PulseMicroseconds"/>.
/// </summary>
public sealed class SimulatedPca9685 : SimulatedByteRegisters
{
    public const byte Mode1 = 0x00, Mode2 = 0x01, Led0OnL = 0x06, AllLedOnL = 0xFA, PreScale = 0xFE;
    public const double OscillatorHz = 25_000_000;

    public SimulatedPca9685(int busId = 1, int address = 0x40)
        : base("PCA9685", busId, address, 256)
    {
        Registers[Mode1] = 0x11;
        Registers[Mode2] = 0x04;
        Registers[PreScale] = 0x1E;
        for (int ch = 0; ch < 16; ch++)
        {
            Registers[Led0OnL + (4 * ch) + 3] = 0x10;
        }
    }

    public bool IsSleeping => (Registers[Mode1] & 0x10) != 0;

    /// <summary>Output frequency: 25 MHz / (4096 · (PRE_SCALE + 1)).</summary>
    public double FrequencyHz => OscillatorHz / (4096.0 * (Registers[PreScale] + 1));

    protected override bool AutoIncrement => (Registers[Mode1] & 0x20) != 0;

    /// <summary>Fraction of each period channel <paramref name="channel"/> is high (0 while sleeping; full off wins over full on).</summary>
    public double Duty(int channel)
    {
        int b = Led0OnL + (4 * channel);
        if (IsSleeping || (Registers[b + 3] & 0x10) != 0)
        {
            return 0;
        }

        if ((Registers[b + 1] & 0x10) != 0)
        {
            return 1;
        }

        int on = Registers[b] | ((Registers[b + 1] & 0x0F) << 8), off = Registers[b + 2] | ((Registers[b + 3] & 0x0F) << 8);
        return (((off - on) % 4096) + 4096) % 4096 / 4096.0;
    }

    /// <summary>High time of channel <paramref name="channel"/> per period, in µs (what a servo reads).</summary>
    public double PulseMicroseconds(int channel) => Duty(channel) / FrequencyHz * 1e6;

    protected override void Store(int register, byte value)
    {
        if (register == PreScale && !IsSleeping)
        {
            return; // §7.3.5: writes to PRE_SCALE are blocked when SLEEP is 0
        }

        if (register is >= AllLedOnL and <= AllLedOnL + 3)
        {
            for (int ch = 0; ch < 16; ch++)
            {
                Registers[Led0OnL + (4 * ch) + (register - AllLedOnL)] = value;
            }
        }

        Registers[register] = register == Mode1 ? (byte)(value & 0x7F) : value; // RESTART (bit 7) reads back 0 here
    }
}

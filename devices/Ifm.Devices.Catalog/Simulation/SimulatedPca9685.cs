using System.Device.I2c;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The NXP PCA9685 register map (datasheet PCA9685 rev. 4, §7.3): a register pointer set by the first byte of a
/// write, auto-increment when MODE1.AI (bit 5) is set, MODE1 power-on value 0x11 (SLEEP | ALLCALL), MODE2 0x04
/// (OUTDRV), PRE_SCALE 0x1E (200 Hz) writable only while SLEEP is set, LEDn_ON/OFF at 0x06 + 4n (low byte first,
/// bit 4 of the high byte = full on / full off, every output full off at power-on), ALL_LED_ON/OFF at 0xFA..0xFD.
/// The outputs as a servo or motor would see them: <see cref="Duty"/>, <see cref="PulseMicroseconds"/>.
/// </summary>
public sealed class SimulatedPca9685 : I2cDevice
{
    public const byte Mode1 = 0x00, Mode2 = 0x01, Led0OnL = 0x06, AllLedOnL = 0xFA, PreScale = 0xFE;
    public const double OscillatorHz = 25_000_000;

    private readonly byte[] _reg = new byte[256];
    private readonly I2cConnectionSettings _settings;
    private byte _pointer;

    public SimulatedPca9685(int busId = 1, int address = 0x40)
    {
        _settings = new I2cConnectionSettings(busId, address);
        _reg[Mode1] = 0x11;
        _reg[Mode2] = 0x04;
        _reg[PreScale] = 0x1E;
        for (int ch = 0; ch < 16; ch++)
        {
            _reg[Led0OnL + (4 * ch) + 3] = 0x10;
        }
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Transfers that fail with an <see cref="IOException"/> (a glitch on the bus), counted down.</summary>
    public int FailTransfers { get; set; }

    public long Transfers { get; private set; }

    public byte Peek(int register) => _reg[register];

    public bool IsSleeping => (_reg[Mode1] & 0x10) != 0;

    /// <summary>Output frequency: 25 MHz / (4096 · (PRE_SCALE + 1)).</summary>
    public double FrequencyHz => OscillatorHz / (4096.0 * (_reg[PreScale] + 1));

    /// <summary>Fraction of each period channel <paramref name="channel"/> is high (0 while sleeping; full off wins over full on).</summary>
    public double Duty(int channel)
    {
        int b = Led0OnL + (4 * channel);
        if (IsSleeping || (_reg[b + 3] & 0x10) != 0)
        {
            return 0;
        }

        if ((_reg[b + 1] & 0x10) != 0)
        {
            return 1;
        }

        int on = _reg[b] | ((_reg[b + 1] & 0x0F) << 8), off = _reg[b + 2] | ((_reg[b + 3] & 0x0F) << 8);
        return (((off - on) % 4096) + 4096) % 4096 / 4096.0;
    }

    /// <summary>High time of channel <paramref name="channel"/> per period, in µs (what a servo reads).</summary>
    public double PulseMicroseconds(int channel) => Duty(channel) / FrequencyHz * 1e6;

    public override byte ReadByte()
    {
        Transfer();
        byte v = _reg[_pointer];
        Advance();
        return v;
    }

    public override void Read(Span<byte> buffer)
    {
        Transfer();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = _reg[_pointer];
            Advance();
        }
    }

    public override void WriteByte(byte value)
    {
        Transfer();
        _pointer = value;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Transfer();
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = buffer[0];
        for (int i = 1; i < buffer.Length; i++)
        {
            Store(_pointer, buffer[i]);
            Advance();
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Store(byte register, byte value)
    {
        if (register == PreScale && !IsSleeping)
        {
            return; // §7.3.5: writes to PRE_SCALE are blocked when SLEEP is 0
        }

        if (register is >= AllLedOnL and <= AllLedOnL + 3)
        {
            for (int ch = 0; ch < 16; ch++)
            {
                _reg[Led0OnL + (4 * ch) + (register - AllLedOnL)] = value;
            }
        }

        _reg[register] = register == Mode1 ? (byte)(value & 0x7F) : value; // RESTART (bit 7) reads back 0 here
    }

    private void Advance()
    {
        if ((_reg[Mode1] & 0x20) != 0)
        {
            _pointer++;
        }
    }

    private void Transfer()
    {
        Transfers++;
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException("simulated I2C error (no ACK from the PCA9685)");
        }
    }
}

using System.Device.Gpio;
using System.Device.I2c;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The PCF8574 quasi-bidirectional port (TI datasheet SCPS068J §8.3–8.4): one latch byte, 0xFF at power-on. A write
/// (one byte; more bytes each replace the latch in turn) sets the latches; a read returns the pins: a pin latched 0
/// is driven low and reads 0 whatever is connected, a pin latched 1 is weakly pulled up and reads its line. The
/// eight pins are lines 0..7 of <paramref name="pins"/>: a pin whose latch changes drives its line (0 = low, 1 =
/// released high); plants drive inputs there.
/// </summary>
public sealed class SimulatedPcf8574(SimulatedGpioDriver pins, int busId = 1, int address = 0x20) : I2cDevice
{
    private readonly I2cConnectionSettings _settings = new(busId, address);

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>The latch byte.</summary>
    public byte Latch { get; private set; } = 0xFF;

    /// <summary>Transfers that fail with an <see cref="IOException"/> (a loose wire), counted down.</summary>
    public int FailTransfers { get; set; }

    /// <summary>Completed transfers.</summary>
    public long Transfers { get; private set; }

    public override byte ReadByte()
    {
        Fail();
        int value = 0;
        for (int pin = 0; pin < 8; pin++)
        {
            bool high = (Latch >> pin & 1) != 0 && pins.GetLevel(pin) == PinValue.High;
            value |= high ? 1 << pin : 0;
        }

        return (byte)value;
    }

    public override void Read(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadByte();
        }
    }

    public override void WriteByte(byte value)
    {
        Fail();
        byte changed = (byte)(value ^ Latch);
        Latch = value;
        for (int pin = 0; pin < 8; pin++)
        {
            if ((changed >> pin & 1) != 0)
            {
                pins.SetInput(pin, (value >> pin & 1) != 0 ? PinValue.High : PinValue.Low);
            }
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        foreach (byte b in buffer)
        {
            WriteByte(b);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Fail()
    {
        Transfers++;
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException($"PCF8574 at 0x{_settings.DeviceAddress:X2}: no acknowledge (simulated bus error)");
        }
    }
}

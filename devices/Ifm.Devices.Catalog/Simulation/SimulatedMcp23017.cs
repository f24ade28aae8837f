using System.Device.Gpio;
using System.Device.I2c;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The MCP23017 register map with IOCON.BANK = 0 (datasheet DS20001952C table 3-5): 22 registers in A/B pairs —
/// IODIR (0x00/01, reset 0xFF), IPOL (0x02/03), GPINTEN (0x04/05), DEFVAL (0x06/07), INTCON (0x08/09), IOCON
/// (0x0A and 0x0B, one register), GPPU (0x0C/0D), INTF (0x0E/0F, read-only), INTCAP (0x10/11, read-only), GPIO
/// (0x12/13) and OLAT (0x14/15). The first byte of a write sets the address pointer; with IOCON.SEQOP = 0 it
/// increments after each byte and wraps 0x15 → 0x00; with SEQOP = 1 it toggles within the A/B pair. Reading GPIO
/// returns each input pin's line level (XOR IPOL) and each output's
/// latch; writing GPIO writes OLAT. The 16 pins are the lines 0..15 of <paramref name="pins"/>: plants drive inputs
/// there and see outputs there (an output pin's line follows OLAT). IOCON.BANK = 1 is refused (not modelled).
/// </summary>
public sealed class SimulatedMcp23017(SimulatedGpioDriver pins, int busId = 1, int address = 0x20) : I2cDevice
{
    private const int IoDir = 0x00, IPol = 0x02, IoCon = 0x0A, GpPu = 0x0C, IntF = 0x0E, IntCap = 0x10, Gpio = 0x12, OLat = 0x14, Count = 0x16;
    private readonly I2cConnectionSettings _settings = new(busId, address);
    private readonly byte[] _reg = [0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private int _pointer;

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Transfers that fail with an <see cref="IOException"/> (a loose wire), counted down.</summary>
    public int FailTransfers { get; set; }

    /// <summary>Completed transfers (each read or write call).</summary>
    public long Transfers { get; private set; }

    /// <summary>IODIR B:A (bit = 1: input).</summary>
    public int Directions => _reg[IoDir] | (_reg[IoDir + 1] << 8);

    /// <summary>GPPU B:A.</summary>
    public int PullUps => _reg[GpPu] | (_reg[GpPu + 1] << 8);

    /// <summary>OLAT B:A.</summary>
    public int Latches => _reg[OLat] | (_reg[OLat + 1] << 8);

    /// <summary>The value of register <paramref name="register"/> (0x00..0x15).</summary>
    public byte Register(int register) => _reg[register == IoCon + 1 ? IoCon : register];

    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public override void Read(Span<byte> buffer)
    {
        Fail();
        ReadCore(buffer);
    }

    private void ReadCore(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = Get(_pointer);
            Advance();
        }
    }

    public override void WriteByte(byte value)
    {
        Span<byte> b = [value];
        Write(b);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Fail();
        WriteCore(buffer);
    }

    private void WriteCore(ReadOnlySpan<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        if (buffer[0] >= Count)
        {
            throw new IOException($"MCP23017 at 0x{_settings.DeviceAddress:X2}: register 0x{buffer[0]:X2} does not exist (NACK)");
        }

        _pointer = buffer[0];
        for (int i = 1; i < buffer.Length; i++)
        {
            Set(_pointer, buffer[i]);
            Advance();
        }

        DriveOutputs();
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Fail();
        WriteCore(writeBuffer);
        ReadCore(readBuffer);
    }

    private byte Get(int register)
    {
        if (register is not (Gpio or Gpio + 1))
        {
            return register == IoCon + 1 ? _reg[IoCon] : _reg[register];
        }

        int port = register - Gpio, value = 0;
        for (int bit = 0; bit < 8; bit++)
        {
            int pin = (port * 8) + bit;
            bool level;
            if ((_reg[IoDir + port] >> bit & 1) != 0)
            {
                level = pins.GetLevel(pin) == PinValue.High;
                level ^= (_reg[IPol + port] >> bit & 1) != 0;
            }
            else
            {
                level = (_reg[OLat + port] >> bit & 1) != 0;
            }

            value |= level ? 1 << bit : 0;
        }

        return (byte)value;
    }

    private void Set(int register, byte value)
    {
        switch (register)
        {
            case IntF or IntF + 1 or IntCap or IntCap + 1:
                return;   // read-only
            case IoCon or IoCon + 1:
                if ((value & 0x80) != 0)
                {
                    throw new NotSupportedException("the simulated MCP23017 models IOCON.BANK = 0 only");
                }

                _reg[IoCon] = value;
                return;
            case Gpio or Gpio + 1:
                _reg[OLat + register - Gpio] = value;   // a GPIO write goes to the output latch
                return;
            default:
                _reg[register] = value;
                return;
        }
    }

    private void Advance()
    {
        if ((_reg[IoCon] & 0x20) == 0)
        {
            _pointer = (_pointer + 1) % Count;   // SEQOP = 0: sequential
        }
        else
        {
            _pointer ^= 1;   // SEQOP = 1, BANK = 0: toggles within the A/B pair
        }
    }

    private void DriveOutputs()
    {
        int outputs = ~Directions & 0xFFFF, latch = Latches;
        for (int pin = 0; pin < 16; pin++)
        {
            if ((outputs >> pin & 1) != 0)
            {
                pins.SetInput(pin, (latch >> pin & 1) != 0 ? PinValue.High : PinValue.Low);
            }
        }
    }

    private void Fail()
    {
        Transfers++;
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException($"MCP23017 at 0x{_settings.DeviceAddress:X2}: no acknowledge (simulated bus error)");
        }
    }
}

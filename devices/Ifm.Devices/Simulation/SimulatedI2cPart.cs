using System.Device.I2c;

namespace Ifm.Devices.Simulation;

/// <summary>
/// The bus side every simulated I2C part shares: the first byte of a write sets the part's register pointer and the
/// bytes after it are stored from there; a read continues from the pointer. A write-then-read (<see cref="WriteRead"/>)
/// is one transfer, as the Linux i2c-dev combined transaction is. <see cref="FailTransfers"/> makes the next N
/// transfers fail with an <see cref="IOException"/>, as a missing ACK does on a real bus. How the pointer moves and
/// what a register holds is the part's: byte-register parts derive from <see cref="SimulatedByteRegisters"/>,
/// 16-bit register parts from <see cref="SimulatedWordRegisters"/>.
/// </summary>
public abstract class SimulatedI2cPart : I2cDevice
{
    private readonly I2cConnectionSettings _settings;
    private readonly string _part;

    /// <param name="part">The part's name, used in the fault message.</param>
    protected SimulatedI2cPart(string part, int busId, int address)
    {
        _part = part;
        _settings = new I2cConnectionSettings(busId, address);
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Number of upcoming transfers that fail with an I/O error (counted down).</summary>
    public int FailTransfers { get; set; }

    /// <summary>Transfers so far, failed ones included.</summary>
    public long Transfers { get; private set; }

    /// <summary>The register pointer.</summary>
    protected int Pointer { get; set; }

    /// <summary>Called once before the bytes of each read (refresh measurement registers from the physical state).</summary>
    protected virtual void BeginRead()
    {
    }

    /// <summary>The <paramref name="index"/>-th byte of a read, from the pointer; moves the pointer as the part does.</summary>
    protected abstract byte ReadNext(int index);

    /// <summary>Bytes of register index that open a write: 1, or 2 (big-endian) for parts with a 16-bit index (VL53L1X).</summary>
    protected virtual int IndexBytes => 1;

    /// <summary>Sets the pointer from the index that opens a write (a part may refuse a register with an <see cref="IOException"/>: a NACK).</summary>
    protected virtual void SelectRegister(int value) => Pointer = value;

    /// <summary>Stores the bytes that followed the pointer byte.</summary>
    protected abstract void WriteData(ReadOnlySpan<byte> data);

    public sealed override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public sealed override void Read(Span<byte> buffer)
    {
        BeginTransfer();
        ReadBytes(buffer);
    }

    public sealed override void WriteByte(byte value)
    {
        ReadOnlySpan<byte> b = [value];
        Write(b);
    }

    public sealed override void Write(ReadOnlySpan<byte> buffer)
    {
        BeginTransfer();
        WriteBytes(buffer);
    }

    public sealed override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        BeginTransfer();
        WriteBytes(writeBuffer);
        ReadBytes(readBuffer);
    }

    private void ReadBytes(Span<byte> buffer)
    {
        BeginRead();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadNext(i);
        }
    }

    private void WriteBytes(ReadOnlySpan<byte> buffer)
    {
        int n = IndexBytes;
        if (buffer.Length < n)
        {
            return;
        }

        SelectRegister(n == 1 ? buffer[0] : (buffer[0] << 8) | buffer[1]);
        if (buffer.Length > n)
        {
            WriteData(buffer[n..]);
        }
    }

    private void BeginTransfer()
    {
        Transfers++;
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException($"simulated I2C error (no ACK from the {_part} at 0x{_settings.DeviceAddress:X2})");
        }
    }
}

/// <summary>
/// A part with 8-bit registers (BNO055, MPU-6050, PCA9685, BME280, VL53L0X…): <see cref="Registers"/> of a power-of-two
/// size, the pointer wrapping within it and advancing after each byte read or written while <see cref="AutoIncrement"/>
/// holds; <see cref="Load"/> and <see cref="Store"/> give a register its behaviour (read-only ids, computed data,
/// writes allowed only in some modes).
/// </summary>
public abstract class SimulatedByteRegisters : SimulatedI2cPart
{
    private readonly int _mask;

    /// <param name="size">Register count: a power of two (the pointer wraps at it).</param>
    protected SimulatedByteRegisters(string part, int busId, int address, int size)
        : base(part, busId, address)
    {
        Registers = new byte[size];
        _mask = size - 1;
    }

    protected byte[] Registers { get; }

    /// <summary>Whether the pointer advances after each byte (the PCA9685 only with MODE1.AI set).</summary>
    protected virtual bool AutoIncrement => true;

    /// <summary>Reads a register without going through the bus (for tests).</summary>
    public byte Peek(int register) => Registers[register];

    /// <summary>What reading <paramref name="register"/> returns.</summary>
    protected virtual byte Load(int register) => Registers[register];

    /// <summary>What writing <paramref name="value"/> to <paramref name="register"/> does.</summary>
    protected virtual void Store(int register, byte value) => Registers[register] = value;

    /// <summary>Writes a little-endian (<paramref name="bigEndian"/> false) or big-endian int16 at <paramref name="register"/>, rounded and saturated.</summary>
    protected void PutInt16(int register, double value, bool bigEndian)
    {
        short v = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        Registers[register + (bigEndian ? 1 : 0)] = (byte)v;
        Registers[register + (bigEndian ? 0 : 1)] = (byte)(v >> 8);
    }

    protected sealed override void SelectRegister(int value) => Pointer = value & _mask;

    protected sealed override byte ReadNext(int index)
    {
        byte v = Load(Pointer);
        Advance();
        return v;
    }

    protected sealed override void WriteData(ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            Store(Pointer, b);
            Advance();
        }
    }

    private void Advance()
    {
        if (AutoIncrement)
        {
            Pointer = (Pointer + 1) & _mask;
        }
    }
}

/// <summary>
/// A part with 16-bit big-endian registers and no auto-increment (ADS1115, INA219): a read returns the register at
/// the pointer high byte first (<see cref="Load"/> is called once per word), a write of two bytes after the pointer
/// stores one word (<see cref="Store"/>).
/// </summary>
public abstract class SimulatedWordRegisters : SimulatedI2cPart
{
    private ushort _word;

    protected SimulatedWordRegisters(string part, int busId, int address, ushort[] resetValues)
        : base(part, busId, address)
    {
        Registers = resetValues;
    }

    protected ushort[] Registers { get; }

    protected virtual ushort Load(int register) => Registers[register];

    protected abstract void Store(int register, ushort value);

    protected sealed override byte ReadNext(int index)
    {
        if ((index & 1) == 0)
        {
            _word = Load(Pointer);
            return (byte)(_word >> 8);
        }

        return (byte)_word;
    }

    protected sealed override void WriteData(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 2)
        {
            Store(Pointer, (ushort)((data[0] << 8) | data[1]));
        }
    }
}

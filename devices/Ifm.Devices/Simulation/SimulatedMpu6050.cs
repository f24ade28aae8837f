using System.Buffers.Binary;
using System.Device.I2c;
using Ifm.Devices.Drivers;

namespace Ifm.Devices.Simulation;

/// <summary>
/// Register-level fake of an MPU-6050 on an I2C bus (register map RM-MPU-6000A-00 rev 4.2): a write sets the
/// register pointer and stores the following bytes with auto-increment; reads continue from the pointer.
/// The physical state (<see cref="AccelG"/>, <see cref="GyroDps"/>, <see cref="TemperatureC"/>) is converted to
/// raw counts with the full-scale ranges currently in GYRO_CONFIG / ACCEL_CONFIG, saturating at the int16 limits.
/// While PWR_MGMT_1.SLEEP is set (the power-on state, 0x40) the data registers read as zeros; DEVICE_RESET
/// restores the reset values. <see cref="FailTransfers"/> makes the next N transfers throw <see cref="IOException"/>.
/// </summary>
public sealed class SimulatedMpu6050 : I2cDevice
{
    private readonly byte[] _registers = new byte[128];
    private readonly I2cConnectionSettings _settings;
    private int _pointer;

    public SimulatedMpu6050(int busId = 1, int address = Mpu6050.DefaultAddress)
    {
        _settings = new I2cConnectionSettings(busId, address);
        ResetRegisters();
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Acceleration in g along x, y, z.</summary>
    public (double X, double Y, double Z) AccelG { get; set; } = (0, 0, 1);

    /// <summary>Angular rate in °/s about x, y, z.</summary>
    public (double X, double Y, double Z) GyroDps { get; set; }

    public double TemperatureC { get; set; } = 25;

    /// <summary>Number of upcoming transfers that fail with an I/O error.</summary>
    public int FailTransfers { get; set; }

    public long Transfers { get; private set; }

    /// <summary>Value WHO_AM_I returns (0x68 for a genuine part; set another to simulate a clone or a wrong chip).</summary>
    public byte WhoAmI
    {
        get => _registers[Mpu6050.RegWhoAmI];
        set => _registers[Mpu6050.RegWhoAmI] = value;
    }

    /// <summary>Reads a register without going through the bus (for tests).</summary>
    public byte Peek(int register) => _registers[register];

    public bool IsSleeping => (_registers[Mpu6050.RegPwrMgmt1] & 0x40) != 0;

    private void ResetRegisters()
    {
        byte who = _registers[Mpu6050.RegWhoAmI];
        Array.Clear(_registers);
        _registers[Mpu6050.RegPwrMgmt1] = 0x40;
        _registers[Mpu6050.RegWhoAmI] = who == 0 ? Mpu6050.WhoAmIValue : who;
    }

    private void BeginTransfer()
    {
        Transfers++;
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException($"simulated I2C error (no ACK) at address 0x{_settings.DeviceAddress:X2}");
        }
    }

    public override byte ReadByte()
    {
        Span<byte> b = stackalloc byte[1];
        Read(b);
        return b[0];
    }

    public override void Read(Span<byte> buffer)
    {
        BeginTransfer();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = RegisterValue(_pointer);
            _pointer = (_pointer + 1) & 0x7F;
        }
    }

    public override void WriteByte(byte value)
    {
        ReadOnlySpan<byte> b = [value];
        Write(b);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        BeginTransfer();
        if (buffer.Length == 0)
        {
            return;
        }

        _pointer = buffer[0] & 0x7F;
        for (int i = 1; i < buffer.Length; i++)
        {
            Store(_pointer, buffer[i]);
            _pointer = (_pointer + 1) & 0x7F;
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Transfers--; // one combined transaction
        Read(readBuffer);
    }

    private void Store(int register, byte value)
    {
        if (register == Mpu6050.RegWhoAmI)
        {
            return; // read-only
        }

        if (register == Mpu6050.RegPwrMgmt1 && (value & 0x80) != 0)
        {
            ResetRegisters(); // DEVICE_RESET: bit clears itself
            return;
        }

        _registers[register] = value;
    }

    private byte RegisterValue(int register)
    {
        if (register is < 0x3B or > 0x48)
        {
            return _registers[register];
        }

        if (IsSleeping)
        {
            return 0;
        }

        int index = (register - 0x3B) / 2;
        short raw = index switch
        {
            0 => Accel(AccelG.X),
            1 => Accel(AccelG.Y),
            2 => Accel(AccelG.Z),
            3 => Saturate((TemperatureC - 36.53) * 340.0),
            4 => Gyro(GyroDps.X),
            5 => Gyro(GyroDps.Y),
            _ => Gyro(GyroDps.Z),
        };
        Span<byte> be = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(be, raw);
        return be[(register - 0x3B) & 1];
    }

    private short Accel(double g) => Saturate(g * (16384 >> ((_registers[Mpu6050.RegAccelConfig] >> 3) & 3)));

    private short Gyro(double dps) => Saturate(dps * Mpu6050.GyroLsbPerDps((GyroRange)((_registers[Mpu6050.RegGyroConfig] >> 3) & 3)));

    private static short Saturate(double counts) => (short)Math.Clamp(Math.Round(counts), short.MinValue, short.MaxValue);
}

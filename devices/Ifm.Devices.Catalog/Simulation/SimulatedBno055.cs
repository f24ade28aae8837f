using System.Device.I2c;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Catalog.Simulation;

/// <summary>
/// The Bosch BNO055 page-0 register map (datasheet BST-BNO055-DS000 §4.2–4.3): CHIP_ID 0x00 = 0xA0, ACC_ID 0xFB,
/// MAG_ID 0x32, GYR_ID 0x0F, a register pointer with auto-increment for burst reads and writes, OPR_MODE 0x3D
/// (power-on CONFIGMODE), UNIT_SEL 0x3B, AXIS_MAP 0x41/0x42 and the offsets 0x55..0x6A writable only in CONFIGMODE
/// (§3.3), data little-endian int16: Euler 0x1A (16 LSB/° or 900 LSB/rad), gyroscope 0x14 (16 LSB/°/s or 900 LSB/rad/s),
/// linear acceleration 0x28 (100 LSB/m/s² or 1 LSB/mg), accelerometer 0x08, gravity 0x2E. Fusion outputs (Euler,
/// linear acceleration, gravity) are 0 outside the fusion modes (OPR_MODE ≥ 0x08).
/// </summary>
public sealed class SimulatedBno055 : I2cDevice
{
    public const byte ChipId = 0x00, AccelData = 0x08, GyroData = 0x14, EulerData = 0x1A, LinearData = 0x28, GravityData = 0x2E,
        UnitSel = 0x3B, OprMode = 0x3D, PwrMode = 0x3E, AxisMapConfig = 0x41;

    private readonly byte[] _reg = new byte[128];
    private readonly I2cConnectionSettings _settings;
    private byte _pointer;

    public SimulatedBno055(int busId = 1, int address = 0x28)
    {
        _settings = new I2cConnectionSettings(busId, address);
        _reg[0x00] = 0xA0;
        _reg[0x01] = 0xFB;
        _reg[0x02] = 0x32;
        _reg[0x03] = 0x0F;
        _reg[0x04] = 0x11;
        _reg[0x05] = 0x03;
        _reg[0x06] = 0x15;
        _reg[0x3B] = 0x80; // UNIT_SEL reset: Android orientation, m/s², °/s, °, °C
        _reg[AxisMapConfig] = 0x24;
    }

    public override I2cConnectionSettings ConnectionSettings => _settings;

    /// <summary>Euler angles in degrees (heading 0..360, roll ±90, pitch ±180).</summary>
    public (double Heading, double Roll, double Pitch) Euler { get; set; }

    public (double X, double Y, double Z) GyroDps { get; set; }

    public (double X, double Y, double Z) LinearAcceleration { get; set; }

    public int FailTransfers { get; set; }

    public byte Peek(int register) => _reg[register];

    public bool InFusionMode => (_reg[OprMode] & 0x0F) >= 0x08;

    public override byte ReadByte()
    {
        Fail();
        Update();
        return _reg[_pointer++ & 0x7F];
    }

    public override void Read(Span<byte> buffer)
    {
        Fail();
        Update();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = _reg[_pointer++ & 0x7F];
        }
    }

    public override void WriteByte(byte value)
    {
        Fail();
        _pointer = value;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Fail();
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = buffer[0];
        for (int i = 1; i < buffer.Length; i++)
        {
            Store(_pointer++ & 0x7F, buffer[i]);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Store(int register, byte value)
    {
        bool config = (_reg[OprMode] & 0x0F) == 0;
        bool configOnly = register is (>= 0x3B and <= 0x3C) or (>= 0x40 and <= 0x42) or (>= 0x55 and <= 0x6A);
        if (register < 0x07 || (configOnly && !config))
        {
            return; // read-only, or a configuration register outside CONFIGMODE (§3.3): ignored
        }

        _reg[register] = value;
    }

    private void Update()
    {
        byte units = _reg[UnitSel];
        double angle = (units & 0x04) != 0 ? 900 * Math.PI / 180 : 16, rate = (units & 0x02) != 0 ? 900 * Math.PI / 180 : 16;
        double accel = (units & 0x01) != 0 ? 1000 / 9.80665 : 100;
        bool fusion = InFusionMode;
        Put(GyroData, GyroDps.X * rate, GyroDps.Y * rate, GyroDps.Z * rate);
        Put(EulerData, fusion ? Euler.Heading * angle : 0, fusion ? Euler.Roll * angle : 0, fusion ? Euler.Pitch * angle : 0);
        Put(LinearData, fusion ? LinearAcceleration.X * accel : 0, fusion ? LinearAcceleration.Y * accel : 0, fusion ? LinearAcceleration.Z * accel : 0);
        Put(GravityData, 0, 0, fusion ? 9.80665 * accel : 0);
        Put(AccelData, LinearAcceleration.X * accel, LinearAcceleration.Y * accel, (LinearAcceleration.Z + 9.80665) * accel);
    }

    private void Put(int register, double x, double y, double z)
    {
        Word(register, x);
        Word(register + 2, y);
        Word(register + 4, z);
    }

    private void Word(int register, double value)
    {
        short v = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        _reg[register] = (byte)v;
        _reg[register + 1] = (byte)(v >> 8);
    }

    private void Fail()
    {
        if (FailTransfers > 0)
        {
            FailTransfers--;
            throw new IOException("simulated I2C error (no ACK from the BNO055)");
        }
    }
}

/// <summary>What <c>ifm run --simulate</c> gives a BNO055: a body turning 30 °/s and rocking ±10° in roll every 4 s.</summary>
public sealed class SimulatedTurningBody(SimulatedBno055 imu) : ISimulatedPlant
{
    public SimulatedBno055 Imu { get; } = imu;

    public void Advance(long period, long nowNanoseconds)
    {
        double t = nowNanoseconds / 1e9, w = 2 * Math.PI / 4;
        Imu.Euler = ((30 * t) % 360, 10 * Math.Sin(w * t), 0);
        Imu.GyroDps = (10 * w * Math.Cos(w * t), 0, 30); // d(roll)/dt in °/s, yaw rate
        Imu.LinearAcceleration = (0.2 * Math.Sin(w * t), 0, 0);
    }
}

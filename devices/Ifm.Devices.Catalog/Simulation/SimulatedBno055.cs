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
public sealed class SimulatedBno055 : SimulatedByteRegisters
{
    public const byte ChipId = 0x00, AccelData = 0x08, GyroData = 0x14, EulerData = 0x1A, LinearData = 0x28, GravityData = 0x2E,
        UnitSel = 0x3B, OprMode = 0x3D, PwrMode = 0x3E, AxisMapConfig = 0x41;

    public SimulatedBno055(int busId = 1, int address = 0x28)
        : base("BNO055", busId, address, 128)
    {
        Registers[0x00] = 0xA0;
        Registers[0x01] = 0xFB;
        Registers[0x02] = 0x32;
        Registers[0x03] = 0x0F;
        Registers[0x04] = 0x11;
        Registers[0x05] = 0x03;
        Registers[0x06] = 0x15;
        Registers[0x3B] = 0x80; // UNIT_SEL reset: Android orientation, m/s², °/s, °, °C
        Registers[AxisMapConfig] = 0x24;
    }

    /// <summary>Euler angles in degrees (heading 0..360, roll ±90, pitch ±180).</summary>
    public (double Heading, double Roll, double Pitch) Euler { get; set; }

    public (double X, double Y, double Z) GyroDps { get; set; }

    public (double X, double Y, double Z) LinearAcceleration { get; set; }

    public bool InFusionMode => (Registers[OprMode] & 0x0F) >= 0x08;

    protected override void BeginRead() => Update();

    protected override void Store(int register, byte value)
    {
        bool config = (Registers[OprMode] & 0x0F) == 0;
        bool configOnly = register is (>= 0x3B and <= 0x3C) or (>= 0x40 and <= 0x42) or (>= 0x55 and <= 0x6A);
        if (register < 0x07 || (configOnly && !config))
        {
            return; // read-only, or a configuration register outside CONFIGMODE (§3.3): ignored
        }

        Registers[register] = value;
    }

    private void Update()
    {
        byte units = Registers[UnitSel];
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
        PutInt16(register, x, false);
        PutInt16(register + 2, y, false);
        PutInt16(register + 4, z, false);
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

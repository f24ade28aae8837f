using System.Buffers.Binary;
using Ifm.Devices.Drivers;

namespace Ifm.Devices.Simulation;

/// <summary>
/// Register-level fake of an MPU-6050 on an I2C bus (register map RM-MPU-6000A-00 rev 4.2): a write sets the
/// register pointer and stores the following bytes with auto-increment; reads continue from the pointer.
/// The physical state (<see cref="AccelG"/>, <see cref="GyroDps"/>, <see cref="TemperatureC"/>) is converted to
/// raw counts with the full-scale ranges currently in GYRO_CONFIG / ACCEL_CONFIG, saturating at the int16 limits.
/// While PWR_MGMT_1.SLEEP is set (the power-on state, 0x40) the data registers read as zeros; DEVICE_RESET
/// restores the reset values. <see cref="SimulatedI2cPart.FailTransfers"/> makes the next N transfers throw <see cref="IOException"/>.
/// </summary>
public sealed class SimulatedMpu6050 : SimulatedByteRegisters
{
    public SimulatedMpu6050(int busId = 1, int address = Mpu6050.DefaultAddress)
        : base("MPU-6050", busId, address, 128)
    {
        ResetRegisters();
    }

    /// <summary>Acceleration in g along x, y, z.</summary>
    public (double X, double Y, double Z) AccelG { get; set; } = (0, 0, 1);

    /// <summary>Angular rate in °/s about x, y, z.</summary>
    public (double X, double Y, double Z) GyroDps { get; set; }

    public double TemperatureC { get; set; } = 25;

    /// <summary>Value WHO_AM_I returns (0x68 for a genuine part; set another to simulate a clone or a wrong chip).</summary>
    public byte WhoAmI
    {
        get => Registers[Mpu6050.RegWhoAmI];
        set => Registers[Mpu6050.RegWhoAmI] = value;
    }

    public bool IsSleeping => (Registers[Mpu6050.RegPwrMgmt1] & 0x40) != 0;

    private void ResetRegisters()
    {
        byte who = Registers[Mpu6050.RegWhoAmI];
        Array.Clear(Registers);
        Registers[Mpu6050.RegPwrMgmt1] = 0x40;
        Registers[Mpu6050.RegWhoAmI] = who == 0 ? Mpu6050.WhoAmIValue : who;
    }

    protected override void Store(int register, byte value)
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

        Registers[register] = value;
    }

    protected override byte Load(int register)
    {
        if (register is < 0x3B or > 0x48)
        {
            return Registers[register];
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

    private short Accel(double g) => Saturate(g * (16384 >> ((Registers[Mpu6050.RegAccelConfig] >> 3) & 3)));

    private short Gyro(double dps) => Saturate(dps * Mpu6050.GyroLsbPerDps((GyroRange)((Registers[Mpu6050.RegGyroConfig] >> 3) & 3)));

    private static short Saturate(double counts) => (short)Math.Clamp(Math.Round(counts), short.MinValue, short.MaxValue);
}

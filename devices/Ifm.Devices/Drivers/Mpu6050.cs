using System.Buffers.Binary;
using System.Device.I2c;

namespace Ifm.Devices.Drivers;

/// <summary>Accelerometer full-scale range (ACCEL_CONFIG.AFS_SEL).</summary>
public enum AccelRange
{
    G2 = 0,
    G4 = 1,
    G8 = 2,
    G16 = 3,
}

/// <summary>Gyroscope full-scale range (GYRO_CONFIG.FS_SEL).</summary>
public enum GyroRange
{
    Dps250 = 0,
    Dps500 = 1,
    Dps1000 = 2,
    Dps2000 = 3,
}

/// <summary>
/// InvenSense MPU-6050 6-axis IMU over I2C. Seven channels: <c>ax, ay, az</c> (m/s²), <c>gx, gy, gz</c> (°/s),
/// <c>temp</c> (°C).
/// </summary>
/// <remarks>
/// <para>Register numbers, bit fields and scale factors are from "MPU-6000 and MPU-6050 Register Map and
/// Descriptions", RM-MPU-6000A-00 revision 4.2: PWR_MGMT_1 0x6B (§4.28: bit 6 SLEEP, bit 7 DEVICE_RESET,
/// CLKSEL bits 2:0, reset value 0x40 = asleep), WHO_AM_I 0x75 (§4.32: 0x68), GYRO_CONFIG 0x1B (§4.4: FS_SEL bits
/// 4:3, 131/65.5/32.8/16.4 LSB per °/s), ACCEL_CONFIG 0x1C (§4.5: AFS_SEL bits 4:3, 16384/8192/4096/2048 LSB per
/// g), CONFIG 0x1A (DLPF_CFG), SMPLRT_DIV 0x19, sensor data 0x3B..0x48 (§4.17–4.19: ACCEL_XOUT_H … GYRO_ZOUT_L,
/// big-endian int16, temperature °C = raw/340 + 36.53).</para>
/// <para>Construction checks WHO_AM_I, wakes the chip (SLEEP = 0, clock from the X gyro PLL), writes the ranges and
/// reads them back. <see cref="Read"/> is one 14-byte burst read from ACCEL_XOUT_H (0x3B) into a stack buffer; an
/// I2C error returns <see langword="false"/> and is counted (a glitch on a long cable should not stop the robot).
/// Wiring: VCC 3.3 V, GND, SDA → GPIO2 (pin 3), SCL → GPIO3 (pin 5) on a Pi, bus 1; AD0 low → address 0x68,
/// high → 0x69.</para>
/// </remarks>
public sealed class Mpu6050 : ISensor
{
    public const int DefaultAddress = 0x68;
    public const byte RegSmplrtDiv = 0x19;
    public const byte RegConfig = 0x1A;
    public const byte RegGyroConfig = 0x1B;
    public const byte RegAccelConfig = 0x1C;
    public const byte RegAccelXoutH = 0x3B;
    public const byte RegPwrMgmt1 = 0x6B;
    public const byte RegWhoAmI = 0x75;
    public const byte WhoAmIValue = 0x68;
    public const double StandardGravity = 9.80665;

    public static readonly string[] Channels = ["ax", "ay", "az", "gx", "gy", "gz", "temp"];

    private readonly I2cDevice _i2c;
    private readonly double _accelScale; // m/s² per LSB
    private readonly double _gyroScale;  // °/s per LSB
    private bool _disposed;

    public Mpu6050(string name, I2cDevice i2c, AccelRange accelRange = AccelRange.G2, GyroRange gyroRange = GyroRange.Dps250,
        byte dlpfConfig = 3, byte sampleRateDivider = 0, bool ownsDevice = false)
    {
        ArgumentNullException.ThrowIfNull(i2c);
        if (dlpfConfig > 6)
        {
            throw new ArgumentOutOfRangeException(nameof(dlpfConfig), dlpfConfig, "DLPF_CFG must be 0..6");
        }

        Name = name;
        AccelRange = accelRange;
        GyroRange = gyroRange;
        OwnsDevice = ownsDevice;
        _i2c = i2c;

        byte who = ReadRegister(RegWhoAmI);
        if ((who & 0x7E) != WhoAmIValue)
        {
            throw new IOException(
                $"{name}: WHO_AM_I (0x75) at I2C address 0x{i2c.ConnectionSettings.DeviceAddress:X2} returned 0x{who:X2}, expected 0x68: not an MPU-6050 or wrong address");
        }

        WriteRegister(RegPwrMgmt1, 0x01); // SLEEP = 0, CLKSEL = 1 (PLL with X axis gyroscope reference)
        WriteRegister(RegSmplrtDiv, sampleRateDivider);
        WriteRegister(RegConfig, dlpfConfig);
        WriteRegister(RegGyroConfig, (byte)((int)gyroRange << 3));
        WriteRegister(RegAccelConfig, (byte)((int)accelRange << 3));

        byte power = ReadRegister(RegPwrMgmt1);
        byte gyro = ReadRegister(RegGyroConfig);
        byte accel = ReadRegister(RegAccelConfig);
        if ((power & 0x40) != 0 || ((gyro >> 3) & 3) != (int)gyroRange || ((accel >> 3) & 3) != (int)accelRange)
        {
            throw new IOException(
                $"{name}: configuration did not stick (PWR_MGMT_1=0x{power:X2}, GYRO_CONFIG=0x{gyro:X2}, ACCEL_CONFIG=0x{accel:X2})");
        }

        _accelScale = StandardGravity / (16384 >> (int)accelRange);
        _gyroScale = 1.0 / GyroLsbPerDps(gyroRange);
    }

    public string Name { get; }
    public AccelRange AccelRange { get; }
    public GyroRange GyroRange { get; }
    public bool OwnsDevice { get; }
    public int ChannelCount => 7;

    /// <summary>Reads that failed with an I2C error.</summary>
    public long BusErrors { get; private set; }

    /// <summary>Sensitivity from the register map: LSB per °/s.</summary>
    public static double GyroLsbPerDps(GyroRange range) => range switch
    {
        GyroRange.Dps250 => 131.0,
        GyroRange.Dps500 => 65.5,
        GyroRange.Dps1000 => 32.8,
        _ => 16.4,
    };

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Span<byte> raw = stackalloc byte[14];
        ReadOnlySpan<byte> address = [RegAccelXoutH];
        try
        {
            _i2c.WriteRead(address, raw);
        }
        catch (IOException)
        {
            BusErrors++;
            return false;
        }

        destination[0] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw) * _accelScale);
        destination[1] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw[2..]) * _accelScale);
        destination[2] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw[4..]) * _accelScale);
        destination[6] = (float)((BinaryPrimitives.ReadInt16BigEndian(raw[6..]) / 340.0) + 36.53);
        destination[3] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw[8..]) * _gyroScale);
        destination[4] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw[10..]) * _gyroScale);
        destination[5] = (float)(BinaryPrimitives.ReadInt16BigEndian(raw[12..]) * _gyroScale);
        return true;
    }

    private byte ReadRegister(byte register)
    {
        ReadOnlySpan<byte> address = [register];
        Span<byte> value = stackalloc byte[1];
        _i2c.WriteRead(address, value);
        return value[0];
    }

    private void WriteRegister(byte register, byte value)
    {
        ReadOnlySpan<byte> data = [register, value];
        _i2c.Write(data);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            WriteRegister(RegPwrMgmt1, 0x41); // back to sleep
        }
        catch (IOException)
        {
            // Bus gone: nothing to do.
        }

        if (OwnsDevice)
        {
            _i2c.Dispose();
        }
    }
}

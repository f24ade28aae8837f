using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>mpu6050</c>: the InvenSense MPU-6050 accelerometer/gyroscope on I2C.</summary>
internal static class Mpu6050Type
{
    public const int DefaultBus = 1;

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Mpu6050,
        Role = DeviceRole.Sensor,
        Summary = "MPU-6050 IMU (I2C): acceleration m/s², rate °/s, temperature °C; one 14-byte burst per read",
        Channels = Mpu6050.Channels,
        Fields =
        [
            new("i2cBus", "int", "1", "I2C bus (/dev/i2c-N)"),
            new("address", "int", "104", "104 (0x68, AD0 low) or 105 (0x69, AD0 high)"),
            new("accelRangeG", "int", "2", "2 | 4 | 8 | 16"),
            new("gyroRangeDps", "int", "250", "250 | 500 | 1000 | 2000"),
        ],
        Validate = c =>
        {
            c.I2c([0x68, 0x69], "MPU-6050 answers at 104 (0x68, AD0 low) or 105 (0x69, AD0 high)");
            c.OneOf(c.Spec.AccelRangeG, "accelRangeG", 2, 4, 8, 16);
            c.OneOf(c.Spec.GyroRangeDps, "gyroRangeDps", 250, 500, 1000, 2000);
        },
        CreateSensor = c => new Mpu6050(c.Name, c.Hardware.OpenI2c(c.Spec.I2cBus ?? DefaultBus, c.Spec.Address ?? Mpu6050.DefaultAddress),
            (AccelRange)(c.Spec.AccelRangeG switch { 4 => 1, 8 => 2, 16 => 3, _ => 0 }),
            (GyroRange)(c.Spec.GyroRangeDps switch { 500 => 1, 1000 => 2, 2000 => 3, _ => 0 })),
        Simulate = (c, hw) =>
        {
            SimulatedMpu6050 imu = hw.Imu(c.Spec.I2cBus ?? DefaultBus, c.Spec.Address ?? Mpu6050.DefaultAddress);
            hw.AddPlant(new SimulatedTilt(imu, hw));
        },
        Example = """{ "name": "imu", "type": "mpu6050", "accelRangeG": 4, "gyroRangeDps": 500, "channels": [ { "channel": "ay", "neurons": ["tilt0..tilt7"], "encoder": { "type": "population", "count": 8, "min": -9.81, "max": 9.81 } }, { "channel": "gx", "neurons": ["rate"], "encoder": { "type": "linear", "inMin": -250, "inMax": 250 } } ] }""",
        Simulator = "MPU-6050 register map (WHO_AM_I, SLEEP, ranges, burst) on a board tilting ±20° every 5 s",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
#pragma warning restore CA2255
}

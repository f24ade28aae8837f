using System.Runtime.CompilerServices;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Types;

/// <summary><c>mpu6050</c>: the InvenSense MPU-6050 accelerometer/gyroscope on I2C.</summary>
internal static class Mpu6050Type
{
    private static readonly IntField AccelRange = new("accelRangeG", 2, "2 | 4 | 8 | 16") { Values = [2, 4, 8, 16] };
    private static readonly IntField GyroRange = new("gyroRangeDps", 250, "250 | 500 | 1000 | 2000") { Values = [250, 500, 1000, 2000] };

    public static readonly DeviceType Descriptor = new()
    {
        Name = DeviceTypes.Mpu6050,
        Role = DeviceRole.Sensor,
        Summary = "MPU-6050 IMU (I2C): acceleration m/s², rate °/s, temperature °C; one 14-byte burst per read",
        Channels = Mpu6050.Channels,
        Fields = DeviceFields.I2c(DeviceFields.I2cAddress("MPU-6050", Mpu6050.DefaultAddress, [0x68, 0x69], "104 (0x68, AD0 low) or 105 (0x69, AD0 high)"),
            AccelRange, GyroRange),
        CreateSensor = c => new Mpu6050(c.Name, c.OpenI2c(), (AccelRange)Array.IndexOf(AccelRange.Values!, c.Get(AccelRange)),
            (GyroRange)Array.IndexOf(GyroRange.Values!, c.Get(GyroRange))),
        Simulate = (c, hw) => hw.AddPlant(new SimulatedTilt(hw.Imu(c.I2cBus, c.I2cAddress), hw)),
        Example = """{ "name": "imu", "type": "mpu6050", "accelRangeG": 4, "gyroRangeDps": 500, "channels": [ { "channel": "ay", "neurons": ["tilt0..tilt7"], "encoder": { "type": "population", "count": 8, "min": -9.81, "max": 9.81 } }, { "channel": "gx", "neurons": ["rate"], "encoder": { "type": "linear", "inMin": -250, "inMax": 250 } } ] }""",
        Simulator = "MPU-6050 register map (WHO_AM_I, SLEEP, ranges, burst) on a board tilting ±20° every 5 s",
    };

    [ModuleInitializer]
    internal static void Register() => DeviceTypes.Register(Descriptor);
}

using System.Device.I2c;
using System.Numerics;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Iot.Device.Bno055;

namespace Ifm.Devices.Catalog;

/// <summary>Device type <c>bno055</c>: the Bosch BNO055 9-axis absolute orientation sensor through Iot.Device.Bindings' <see cref="Bno055Sensor"/>.</summary>
public static class Bno055Type
{
    public static readonly DeviceType Descriptor = new()
    {
        Name = "bno055",
        Role = DeviceRole.Sensor,
        Summary = "BNO055 9-axis IMU with on-chip fusion (I2C, NDOF): orientation °, rate °/s, linear acceleration m/s²; sampled on a background thread",
        Channels = Bno055Adapter.Channels,
        Fields = DeviceFields.I2c(DeviceFields.I2cAddress("a BNO055", 0x28, [0x28, 0x29], "40 (0x28, COM3 low) or 41 (0x29, COM3 high)")),
        CreateSensor = c => new Bno055Adapter(c.Name, c.OpenI2c(), c.PeriodSeconds),
        Simulate = static (c, hw) =>
        {
            var imu = new SimulatedBno055(c.I2cBus, c.I2cAddress);
            hw.AttachI2c(c.I2cBus, c.I2cAddress, imu);
            hw.AddPlant(new SimulatedTurningBody(imu));
        },
        Simulator = "BNO055 register map (CHIP_ID 0xA0, OPR_MODE, UNIT_SEL scaling, config-mode-only registers, fusion outputs) on a body turning 30°/s and rocking ±10°",
        Example = """{ "name": "imu", "type": "bno055", "channels": [ { "channel": "heading", "neurons": ["h0..h7"], "encoder": { "type": "population", "count": 8, "min": 0, "max": 360 } }, { "channel": "roll", "neurons": ["roll"], "encoder": { "type": "linear", "inMin": -90, "inMax": 90 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The BNO055 as a sensor: NDOF fusion mode, three 6-byte bursts per sample through the binding's <see cref="Vector3"/>
/// members (Euler angles, gyroscope, linear acceleration; no UnitsNet member is touched). The binding's
/// <c>Orientation</c> allocates 48 bytes per call (measured, Iot.Device.Bindings 4.2.0, JIT and steady state), so
/// the part is sampled on a background thread at the device's rate (<see cref="BackgroundSensor"/>).
/// </summary>
public sealed class Bno055Adapter : BackgroundSensor
{
    public static readonly string[] Channels = ["heading", "roll", "pitch", "gx", "gy", "gz", "lax", "lay", "laz"];

    private readonly Bno055Sensor _imu;

    /// <param name="bus">Owned by the hardware factory: the binding is told not to dispose it.</param>
    public Bno055Adapter(string name, I2cDevice bus, double periodSeconds)
        : base(name, 9)
    {
        _imu = new Bno055Sensor(bus, OperationMode.AccelerometerMagnetometerGyroscopeRelativeOrientation, false);
        Start(periodSeconds);
    }

    protected override void Sample(Span<float> destination)
    {
        Vector3 euler = _imu.Orientation;   // X heading, Y roll, Z pitch (°)
        Vector3 gyro = _imu.Gyroscope;
        Vector3 linear = _imu.LinearAcceleration;
        destination[0] = euler.X;
        destination[1] = euler.Y;
        destination[2] = euler.Z;
        destination[3] = gyro.X;
        destination[4] = gyro.Y;
        destination[5] = gyro.Z;
        destination[6] = linear.X;
        destination[7] = linear.Y;
        destination[8] = linear.Z;
    }
}

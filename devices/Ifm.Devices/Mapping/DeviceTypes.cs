using Ifm.Devices.Drivers;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Mapping;

/// <summary>The device types a map may name, whether each is a sensor or an actuator, and its channel names.</summary>
public static class DeviceTypes
{
    public const string DigitalInput = "digital_input";
    public const string DigitalOutput = "digital_output";
    public const string Servo = "servo";
    public const string HBridgeMotor = "hbridge_motor";
    public const string Hcsr04 = "hcsr04";
    public const string Mpu6050 = "mpu6050";
    public const string QuadratureEncoder = "quadrature_encoder";
    public const string SerialLine = "serial_line";
    public const string PongSensor = "pong_sensor";
    public const string PongPaddle = "pong_paddle";
    public const string ServoSensor = "servo_sensor";
    public const string ServoMotor = "servo_motor";

    /// <summary>Sensor channels of a microcontroller behind the firmware bridge (created by its <see cref="IDeviceProvider"/>).</summary>
    public const string BridgeSensor = "bridge_sensor";

    /// <summary>Actuator channels of a microcontroller behind the firmware bridge (created by its <see cref="IDeviceProvider"/>).</summary>
    public const string BridgeActuator = "bridge_actuator";

    /// <summary>Sensor or actuator channels one firmware-bridge device may name (the protocol's limit per MCU).</summary>
    public const int MaxBridgeChannels = 8;

    public static readonly string[] All =
        [DigitalInput, DigitalOutput, Servo, HBridgeMotor, Hcsr04, Mpu6050, QuadratureEncoder, SerialLine, PongSensor, PongPaddle,
         ServoSensor, ServoMotor, BridgeSensor, BridgeActuator];

    public static bool IsKnown(string type) => Array.IndexOf(All, type) >= 0;

    public static bool IsActuator(string type) => type is DigitalOutput or Servo or HBridgeMotor or PongPaddle or ServoMotor or BridgeActuator;

    /// <summary>
    /// Channel names of <paramref name="device"/> (serial_line: field0..field{fields−1}; bridge_sensor and
    /// bridge_actuator: ch0..ch{n−1}, one per entry of <c>mcuChannels</c>).
    /// </summary>
    public static string[] ChannelsOf(DeviceSpec device) => device.Type switch
    {
        DigitalInput => Drivers.DigitalInput.Channels,
        DigitalOutput => ["value"],
        Servo => ["angle"],
        HBridgeMotor => ["speed"],
        Hcsr04 => ["distance"],
        Mpu6050 => Drivers.Mpu6050.Channels,
        QuadratureEncoder => Drivers.QuadratureEncoder.Channels,
        SerialLine => Enumerable.Range(0, Math.Clamp(device.Fields ?? 0, 0, 64)).Select(i => $"field{i}").ToArray(),
        PongSensor => Simulation.PongSensor.Channels,
        PongPaddle => Simulation.PongPaddle.Channels,
        ServoSensor => Simulation.ServoSensor.Channels,
        ServoMotor => Simulation.ServoMotor.Channels,
        BridgeSensor or BridgeActuator =>
            Enumerable.Range(0, Math.Clamp(device.McuChannels?.Count ?? 0, 0, MaxBridgeChannels)).Select(i => $"ch{i}").ToArray(),
        _ => [],
    };
}

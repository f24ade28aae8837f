using System.Runtime.CompilerServices;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Simulation;

/// <summary>
/// The map types of the simulated joint servo (<see cref="ServoPlant"/>): <c>servo_sensor</c> (target, position,
/// velocity, tracking error) and <c>servo_motor</c> (the motor command). Both exist only in
/// <see cref="SimulatedHardware"/>, which creates them on the plant it owns.
/// </summary>
internal static class ServoDevices
{
    public static readonly DeviceType Sensor = new()
    {
        Name = DeviceTypes.ServoSensor,
        Role = DeviceRole.Sensor,
        Summary = "simulated DC-motor joint tracking a moving target: target, position (rad), velocity (rad/s), error (rad)",
        Channels = ServoSensor.Channels,
        Fields = [],
        Example = """{ "name": "servo", "type": "servo_sensor", "channels": [ { "channel": "error", "neurons": ["in0"], "encoder": { "type": "linear", "inMin": -1, "inMax": 1, "outMin": -1, "outMax": 1 } } ] }""",
        Simulate = static (_, _) => { },
        Simulator = "the plant itself (SimulatedHardware creates it)",
        MissingCreatorMessage = "servo_sensor is the simulated servo plant: run with --sim servo (or --simulate)",
    };

    public static readonly DeviceType Motor = new()
    {
        Name = DeviceTypes.ServoMotor,
        Role = DeviceRole.Actuator,
        Summary = "simulated servo motor command in −1..1 (0: no torque)",
        Channels = ServoMotor.Channels,
        Fields = [new("safeState", "object", "{ value: 0 }", "a command value in −1..1 (0: no torque)")],
        Validate = static c =>
        {
            if (c.Spec.SafeState is { } s && (s.Mode is not null || s.Value is < -1 or > 1))
            {
                c.Add("safeState", "the servo motor's safe state is a command value in −1..1 (0: no torque)");
            }
        },
        Example = """{ "name": "motor", "type": "servo_motor", "safeState": { "value": 0 }, "channels": [ { "channel": "command", "neurons": ["out0"], "decoder": { "type": "linear", "inMin": -1, "inMax": 1, "outMin": -1, "outMax": 1 } } ] }""",
        Simulate = static (_, _) => { },
        Simulator = "the plant itself (SimulatedHardware creates it)",
        MissingCreatorMessage = "servo_motor is the simulated servo plant: run with --sim servo (or --simulate)",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register()
    {
        DeviceTypes.Register(Sensor);
        DeviceTypes.Register(Motor);
    }
#pragma warning restore CA2255
}

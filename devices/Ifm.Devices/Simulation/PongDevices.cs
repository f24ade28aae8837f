using System.Runtime.CompilerServices;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Simulation;

/// <summary>
/// The map types of the simulated Pong plant: <c>pong_sensor</c> (the game's state) and <c>pong_paddle</c> (the key).
/// Both exist only in <see cref="SimulatedHardware"/>, which creates them on the game it owns.
/// </summary>
internal static class PongDevices
{
    private static readonly DeviceField Seed = new("seed", "int", "1", "seed of the ball restarts (SplitMix64)");

    public static readonly DeviceType Sensor = new()
    {
        Name = DeviceTypes.PongSensor,
        Role = DeviceRole.Sensor,
        Summary = "simulated Pong game (the recordings' program): ball and paddle positions in pixels",
        Channels = PongSensor.Channels,
        Fields = [Seed],
        Example = """{ "name": "pong", "type": "pong_sensor", "seed": 1, "channels": [ { "channel": "ball_x", "neurons": ["in0..in7"], "encoder": { "type": "binary", "bits": 8, "offset": 2 } } ] }""",
        Simulate = static (_, _) => { },
        Simulator = "the game itself (SimulatedHardware creates it)",
    };

    public static readonly DeviceType Paddle = new()
    {
        Name = DeviceTypes.PongPaddle,
        Role = DeviceRole.Actuator,
        Summary = "simulated Pong paddle key: > 0.5 right, < −0.5 left, else none",
        Channels = PongPaddle.Channels,
        Fields = [Seed, new("safeState", "object", "{ value: 0 }", "only value 0 (no key)")],
        Validate = static c =>
        {
            if (c.Spec.SafeState is { } s && (s.Mode is not null || s.Value is not (null or 0)))
            {
                c.Add("safeState", "the Pong paddle's only safe state is value 0 (no key)");
            }
        },
        Example = """{ "name": "paddle", "type": "pong_paddle", "safeState": { "value": 0 }, "channels": [ { "channel": "move", "neurons": ["out0..out2"], "decoder": { "type": "argmax", "values": [1, -1, 0] } } ] }""",
        Simulate = static (_, _) => { },
        Simulator = "the game itself (SimulatedHardware creates it)",
    };

#pragma warning disable CA2255 // A module initializer is how a type registers itself: adding a type is one file.
    [ModuleInitializer]
    internal static void Register()
    {
        DeviceTypes.Register(Sensor);
        DeviceTypes.Register(Paddle);
    }
#pragma warning restore CA2255
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Devices.Simulation;
using Ifm.Hil.Running;

namespace Ifm.Hil.Steps;

/// <summary>
/// <c>perturb</c>: the plant changes from <c>at</c> on, through the plants' own perturbation API (scheduled before the
/// run: the simulated plants' <c>Perturb</c>, the virtual MCU's <c>--perturb</c>). Pong: <c>paddleSensorOffset</c> px and
/// <c>paddleSpeed</c> px per tick; servo: <c>gain</c>, <c>friction</c>, <c>load</c>.
/// </summary>
internal sealed class PerturbStep : ScenarioStep
{
    public PongPerturbation? Pong { get; init; }
    public ServoPerturbation? Servo { get; init; }

    public override StepThread Thread => StepThread.Setup;

    public override IReadOnlyList<string> Targets => [HilTargets.Sim, HilTargets.VirtualMcu];

    public override string Describe() => Pong is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"perturb pong: paddle sensor offset {p.PaddleSensorOffset} px, paddle speed {p.PaddleSpeed} px")
        : string.Create(CultureInfo.InvariantCulture, $"perturb servo: gain {Servo!.Value.Gain}, friction {Servo.Value.Friction}, load {Servo.Value.Load}");

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "perturb",
        Summary = "the plant changes (pong: paddleSensorOffset, paddleSpeed; servo: gain, friction, load) from \"at\" on",
        Fields = ["plant: pong or servo", "pong: paddleSensorOffset (px, ±200), paddleSpeed (px/tick, 1..50)", "servo: gain (0..10], friction 0..10, load -1..1"],
        Read = (f, _) =>
        {
            string? plant = f.OneOf("plant", ["pong", "servo"], required: true);
            if (plant == "pong")
            {
                int offset = (int)(f.Integer("paddleSensorOffset", min: -200, max: 200) ?? 0);
                int speed = (int)(f.Integer("paddleSpeed", min: 1, max: 50) ?? PongGame.PaddleSpeed);
                return new PerturbStep { Pong = new PongPerturbation(0, offset, speed) };
            }

            if (plant == "servo")
            {
                float gain = (float)(f.Number("gain", min: 1e-6, max: 10) ?? ServoPlant.NominalGain);
                float friction = (float)(f.Number("friction", min: 0, max: 10) ?? ServoPlant.NominalFriction);
                float load = (float)(f.Number("load", min: -1, max: 1) ?? 0);
                return new PerturbStep { Servo = new ServoPerturbation(0, gain, friction, load) };
            }

            return null;
        },
    });
}

using Ifm.Devices.Simulation;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Training;

namespace Ifm.Evaluation.Pong;

/// <summary>A key press of the Pong player; the order is the output channel order of the c*.txt recordings.</summary>
public enum PongAction
{
    Right,
    Left,
    None,
}

/// <summary>Chooses the key press of the next tick from the game's current state.</summary>
public interface IPongPolicy
{
    PongAction Act(PongGame game);
}

/// <summary>Conversions between <see cref="PongAction"/> and the plant's key (+1 right, −1 left, 0 none).</summary>
public static class PongActions
{
    public static int ToKey(this PongAction action) => action switch { PongAction.Right => 1, PongAction.Left => -1, _ => 0 };

    public static PongAction FromKey(int key) => key switch { > 0 => PongAction.Right, < 0 => PongAction.Left, _ => PongAction.None };
}

/// <summary>
/// A trained model in the loop: observation → input neurons, <c>ticksPerPeriod</c> network ticks (the runtime's
/// ticksPerPeriod; the model's training used as many ticks per recorded row), argmax of the outputs (right, left, none).
/// </summary>
public sealed class ModelPolicy : IPongPolicy, IDisposable
{
    private readonly CpuSession _session;
    private readonly int _ticksPerPeriod;
    private readonly float[] _inputs = new float[PongObservation.Width];
    private readonly float[] _outputs = new float[3];

    public ModelPolicy(IfmModel model, int ticksPerPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerPeriod, 1);
        _ticksPerPeriod = ticksPerPeriod;
        if (model.InputCount != PongObservation.Width || model.OutputCount != 3)
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"a Pong model has 24 inputs and 3 outputs (right, left, none); this one has {model.InputCount} and {model.OutputCount}");
        _session = new CpuSession(model);
    }

    /// <summary>The session the model runs in (its learned state, its plasticity switch).</summary>
    public CpuSession Session => _session;

    public PongAction Act(PongGame game)
    {
        PongObservation.Encode(game, _inputs);
        _session.SetInputs(_inputs);
        for (int k = 0; k < _ticksPerPeriod; k++) _session.Step();
        _session.ReadOutputs(_outputs);
        return (PongAction)Losses.ArgMax(_outputs);
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Presses a uniformly random key every tick.</summary>
public sealed class RandomPolicy(int seed) : IPongPolicy
{
    private readonly Random _rng = new(seed);

    public PongAction Act(PongGame game) => (PongAction)_rng.Next(3);
}

/// <summary>Never presses a key.</summary>
public sealed class NeverMovePolicy : IPongPolicy
{
    public PongAction Act(PongGame game) => PongAction.None;
}

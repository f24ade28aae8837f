using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Training.Pong;

/// <summary>Chooses the key press of the next tick from the game's current state.</summary>
public interface IPongPolicy
{
    PongAction Act(PongGame game);
}

/// <summary>
/// A trained model in the loop: observation → input neurons, <c>ticksPerPeriod</c> network ticks (the runtime's
/// ticksPerPeriod; the model's training used as many ticks per recorded row), argmax of the outputs (right, left, none).
/// </summary>
public sealed class ModelPolicy : IPongPolicy, IDisposable
{
    private readonly CpuSession _session;
    private readonly int _ticksPerPeriod;
    private readonly float[] _inputs = new float[24];
    private readonly float[] _outputs = new float[3];

    public ModelPolicy(IfmModel model, int ticksPerPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerPeriod, 1);
        _ticksPerPeriod = ticksPerPeriod;
        if (model.InputCount != 24 || model.OutputCount != 3)
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"a Pong model has 24 inputs and 3 outputs (right, left, none); this one has {model.InputCount} and {model.OutputCount}");
        _session = new CpuSession(model);
    }

    public PongAction Act(PongGame game)
    {
        game.Encode(_inputs);
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

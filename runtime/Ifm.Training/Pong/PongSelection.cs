using Ifm.Model;

namespace Ifm.Training.Pong;

/// <summary>
/// The closed-loop score used to choose among a training run's epochs (<c>ifm train --select pong</c>). Its game seed
/// differs from the ones <c>ifm eval pong</c> reports on, so the reported hit rate is not the one that chose the epoch.
/// </summary>
public static class PongSelection
{
    public const int Ticks = 10_000;

    public const int Seed = 1000;

    /// <summary>Hit rate of <paramref name="model"/> over <see cref="Ticks"/> ticks of the game seeded <see cref="Seed"/> (0 without a hit or miss).</summary>
    public static double HitRate(IfmModel model, int ticksPerPeriod = 1)
    {
        using var policy = new ModelPolicy(model, ticksPerPeriod);
        var score = PongEvaluation.Play(policy, Ticks, Seed);
        return double.IsNaN(score.HitRate) ? 0 : score.HitRate;
    }
}

using Ifm.Runtime.Model;

namespace Ifm.Evaluation.Pong;

/// <summary>
/// The closed-loop score used to choose among a training run's epochs (<c>ifm train --select pong</c>). Its game seed
/// differs from the ones <c>ifm eval pong</c> reports on, so the reported hit rate is not the one that chose the epoch.
/// </summary>
public static class PongSelection
{
    public const int Games = 5;

    public const int TicksPerGame = 4_000;

    public const int FirstSeed = 1000;

    /// <summary>Hit rate of <paramref name="model"/> over <see cref="Games"/> games of <see cref="TicksPerGame"/> ticks seeded from <see cref="FirstSeed"/> (0 without a hit or miss).</summary>
    public static double HitRate(IfmModel model, int ticksPerPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        var score = PongEvaluation.PlayGames(_ => new ModelPolicy(model, ticksPerPeriod), TicksPerGame, FirstSeed, Games);
        return double.IsNaN(score.HitRate) ? 0 : score.HitRate;
    }
}

using Ifm.Devices.Simulation;
using Ifm.Runtime.Model;
using Ifm.Evaluation.Pong;

namespace Ifm.Evaluation.Adaptation;

/// <summary>Hits and misses in one window of a perturbation timeline.</summary>
public readonly record struct WindowScore(long StartTick, long EndTick, int Hits, int Misses)
{
    public double HitRate => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);
}

/// <summary>One model's run through a perturbation timeline.</summary>
/// <param name="Windows">Per-window hits and misses.</param>
/// <param name="RecoveryTicks">
/// Ticks from the first perturbation until the hit rate over the last <see cref="PongAdaptation.RecoveryBalls"/> balls
/// is back to ≥ <see cref="PongAdaptation.RecoveryRate"/> (and stays there for the rest of the timeline); null when it
/// never is, 0 when it never fell.
/// </param>
/// <param name="Final">Hits and misses over the final stretch.</param>
/// <param name="Adaptive">Whether the model has plasticity rules (it kept learning during the run).</param>
public sealed record AdaptationRun(string Name, IReadOnlyList<WindowScore> Windows, long? RecoveryTicks, WindowScore Final, bool Adaptive);

/// <summary>
/// <c>ifm eval adapt</c> on Pong: static and adaptive models play the same perturbed game (same seed, same
/// perturbation timeline). An adaptive model (plastic edge groups) keeps learning while it plays; the external
/// modulator M(t) of its neuromodulated rules is the game's reward signal: +1 on the tick of a hit, −1 on a miss,
/// decaying by <see cref="RewardDecay"/> per tick in between.
/// </summary>
public static class PongAdaptation
{
    public const int RecoveryBalls = 10;
    public const double RecoveryRate = 0.9;
    public const float RewardDecay = 0.9f;

    public static AdaptationRun Run(string name, IfmModel model, int seed, long ticks, long window, long finalTicks,
        IReadOnlyList<PongPerturbation> perturbations, int ticksPerPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(perturbations);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(finalTicks, 1);
        var game = PongEvaluation.NewGame(seed);
        game.Perturb([.. perturbations]);
        using var policy = new ModelPolicy(model, ticksPerPeriod);
        var plasticity = policy.Session.Plasticity;
        bool adaptive = plasticity.HasRules;
        long switchTick = perturbations.Count == 0 ? long.MaxValue : perturbations.Min(p => p.AtTick);

        var windows = new List<WindowScore>();
        int wHits = 0, wMisses = 0, fHits = 0, fMisses = 0;
        long wStart = 0;
        var recent = new Queue<bool>(RecoveryBalls);
        long? lastBelow = null;
        bool fell = false;
        float reward = 0;
        for (long t = 0; t < ticks; t++)
        {
            if (adaptive) plasticity.SetModulator(reward);
            int result = game.Tick(policy.Act(game).ToKey());
            reward *= RewardDecay;
            if (result != 0)
            {
                bool hit = result > 0;
                reward = hit ? 1f : -1f;
                if (hit) wHits++; else wMisses++;
                if (t >= ticks - finalTicks)
                {
                    if (hit) fHits++; else fMisses++;
                }

                if (recent.Count == RecoveryBalls) recent.Dequeue();
                recent.Enqueue(hit);
                if (t >= switchTick && recent.Count == RecoveryBalls && recent.Count(h => h) < RecoveryRate * RecoveryBalls)
                {
                    fell = true;
                    lastBelow = t;
                }
            }

            if ((t + 1) % window == 0 || t + 1 == ticks)
            {
                windows.Add(new WindowScore(wStart, t + 1, wHits, wMisses));
                (wHits, wMisses, wStart) = (0, 0, t + 1);
            }
        }

        long? recovery = switchTick == long.MaxValue ? null
            : !fell ? 0
            : lastBelow is long lb && recent.Count(h => h) >= RecoveryRate * RecoveryBalls ? lb - switchTick : null;
        return new AdaptationRun(name, windows, recovery, new WindowScore(ticks - finalTicks, ticks, fHits, fMisses), adaptive);
    }
}

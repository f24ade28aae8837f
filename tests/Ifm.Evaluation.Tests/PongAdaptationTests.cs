using Ifm.Devices.Simulation;
using Ifm.Evaluation.Adaptation;
using Ifm.Runtime.Format;

namespace Ifm.Evaluation.Tests;

/// <summary><c>ifm eval adapt</c> on Pong: the perturbation timeline reaches the player, windows and final scores add up.</summary>
public sealed class PongAdaptationTests
{
    private static readonly Ifm.Runtime.Model.IfmModel Pong = IfmFile.Read(Path.Combine(PongEvaluationTests.RepoRoot(), "runtime", "models", "pong.ifm"));

    [Fact]
    public void Without_a_perturbation_the_static_player_keeps_its_hit_rate_and_the_windows_sum_to_the_game()
    {
        var run = PongAdaptation.Run("pong.ifm", Pong, seed: 101, ticks: 6000, window: 2000, finalTicks: 3000, []);
        Assert.False(run.Adaptive);
        Assert.Equal(3, run.Windows.Count);
        Assert.Equal((0L, 6000L), (run.Windows[0].StartTick, run.Windows[^1].EndTick));
        var whole = Ifm.Evaluation.Pong.PongEvaluation.Play(new Ifm.Evaluation.Pong.ModelPolicy(Pong), 6000, 101);
        Assert.Equal((whole.Hits, whole.Misses), (run.Windows.Sum(w => w.Hits), run.Windows.Sum(w => w.Misses)));
        Assert.Null(run.RecoveryTicks); // no switch, nothing to recover from
    }

    [Fact]
    public void A_sensor_offset_switched_on_mid_game_takes_the_static_players_hit_rate_down_from_the_switch()
    {
        var nominal = PongAdaptation.Run("pong.ifm", Pong, seed: 101, ticks: 8000, window: 2000, finalTicks: 4000, []);
        var run = PongAdaptation.Run("pong.ifm", Pong, seed: 101, ticks: 8000, window: 2000, finalTicks: 4000, [new PongPerturbation(2000, PaddleSensorOffset: 30)]);
        Assert.Equal(nominal.Windows[0], run.Windows[0]);          // the same game until the switch
        Assert.True(nominal.Final.HitRate >= 0.95, $"nominal final {nominal.Final}");
        Assert.True(run.Final.HitRate < nominal.Final.HitRate - 0.2, $"perturbed final {run.Final}, nominal {nominal.Final}");
        Assert.Null(run.RecoveryTicks);                             // a static player does not recover
    }
}

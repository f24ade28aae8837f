using Ifm.Devices.Simulation;
using Ifm.Evaluation.Adaptation;
using Ifm.Runtime.Format;

namespace Ifm.Evaluation.Tests;

/// <summary>
/// The adaptive Pong player (runtime/models/pong-adaptive.ifm: PES on bias edges, error from the bat line's contact
/// sensor) against the static players on short fixed-seed games: the mechanism, with a margin (not a timing).
/// </summary>
public sealed class PongAdaptivePlayerTests
{
    private static readonly Ifm.Runtime.Model.IfmModel Pong = IfmFile.Read(ModelPath("pong.ifm"));

    private static string ModelPath(string name) => Path.Combine(PongEvaluationTests.RepoRoot(), "runtime", "models", name);

    [Fact]
    public void After_a_30_px_paddle_sensor_offset_the_adaptive_player_recovers_and_the_static_players_do_not()
    {
        PongPerturbation[] offset = [new PongPerturbation(1000, PaddleSensorOffset: 30)];
        var adaptive = PongAdaptation.Run("pong-adaptive", PongAdaptation.Player(0.05f), seed: 7, ticks: 12000, window: 2000, finalTicks: 6000, offset);
        var tracker = PongAdaptation.Run("pong-tracker", PongAdaptation.Player(), seed: 7, ticks: 12000, window: 2000, finalTicks: 6000, offset);
        var pong = PongAdaptation.Run("pong.ifm", Pong, seed: 7, ticks: 12000, window: 2000, finalTicks: 6000, offset);
        Assert.True(adaptive.Adaptive);
        Assert.False(tracker.Adaptive);
        Assert.True(adaptive.Final.HitRate >= 0.9, $"adaptive final {adaptive.Final}");
        // The same weights without learning (the tracker) and the trained static player stay far below.
        Assert.True(tracker.Final.HitRate <= adaptive.Final.HitRate - 0.3, $"tracker {tracker.Final}, adaptive {adaptive.Final}");
        Assert.True(pong.Final.HitRate <= adaptive.Final.HitRate - 0.3, $"pong.ifm {pong.Final}, adaptive {adaptive.Final}");
        Assert.NotNull(adaptive.RecoveryTicks);
        Assert.Null(tracker.RecoveryTicks);
    }

    [Fact]
    public void On_the_nominal_plant_and_after_the_sensor_is_repaired_learning_does_not_make_it_play_worse()
    {
        var adaptive = PongAdaptation.Run("pong-adaptive", PongAdaptation.Player(0.05f), seed: 7, ticks: 8000, window: 2000, finalTicks: 4000, []);
        var tracker = PongAdaptation.Run("pong-tracker", PongAdaptation.Player(), seed: 7, ticks: 8000, window: 2000, finalTicks: 4000, []);
        Assert.True(adaptive.Final.HitRate >= 0.95, $"adaptive nominal {adaptive.Final}");
        Assert.True(adaptive.Final.HitRate >= tracker.Final.HitRate, $"adaptive {adaptive.Final}, tracker {tracker.Final}");

        // The sensor is knocked at tick 1,000 and repaired at 7,000: the learned correction is unlearned again.
        PongPerturbation[] knockedAndRepaired = [new PongPerturbation(1000, PaddleSensorOffset: 30), new PongPerturbation(7000)];
        var repaired = PongAdaptation.Run("pong-adaptive", PongAdaptation.Player(0.05f), seed: 7, ticks: 16000, window: 2000, finalTicks: 5000, knockedAndRepaired);
        Assert.True(repaired.Final.HitRate >= 0.95, $"adaptive after the repair {repaired.Final}");
    }

    [Fact]
    public void A_slower_paddle_does_not_throw_the_adaptive_player_off()
    {
        PongPerturbation[] slow = [new PongPerturbation(1000, PaddleSpeed: 4)];
        var adaptive = PongAdaptation.Run("pong-adaptive", PongAdaptation.Player(0.05f), seed: 7, ticks: 12000, window: 2000, finalTicks: 6000, slow);
        var pong = PongAdaptation.Run("pong.ifm", Pong, seed: 7, ticks: 12000, window: 2000, finalTicks: 6000, slow);
        Assert.True(adaptive.Final.HitRate >= 0.9, $"adaptive final {adaptive.Final}");
        Assert.True(pong.Final.HitRate <= adaptive.Final.HitRate - 0.2, $"pong.ifm {pong.Final}, adaptive {adaptive.Final}");
    }

    [Fact]
    public void The_shipped_models_are_what_ifm_data_pong_player_writes()
    {
        Assert.Equal(IfmFile.ToBytes(PongAdaptation.Player(0.05f)), File.ReadAllBytes(ModelPath("pong-adaptive.ifm")));
        Assert.Equal(IfmFile.ToBytes(PongAdaptation.Player()), File.ReadAllBytes(ModelPath("pong-tracker.ifm")));
    }
}

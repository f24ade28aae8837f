using Ifm.Devices.Simulation;
using Ifm.Evaluation.Adaptation;

namespace Ifm.Evaluation.Tests;

/// <summary>The servo's static and PES controllers through a load change: the mechanism, with a margin (not a timing).</summary>
public sealed class ServoAdaptationTests
{
    [Fact]
    public void Pes_on_the_output_edge_cancels_a_load_the_static_controller_cannot()
    {
        ServoPerturbation[] load = [new ServoPerturbation(AtStep: 1000, Load: 0.4f)];
        var fixedRun = ServoAdaptation.Run("servo", ServoAdaptation.Controller(), 4000, 100, 1000, load);
        var adaptive = ServoAdaptation.Run("servo-pes", ServoAdaptation.Controller(0.2f), 4000, 100, 1000, load);
        Assert.False(fixedRun.Adaptive);
        Assert.True(adaptive.Adaptive);
        // After the load the static controller keeps a steady error; the adaptive one learns it away.
        Assert.True(adaptive.FinalRmsError < 0.5 * fixedRun.FinalRmsError, $"adaptive {adaptive.FinalRmsError}, static {fixedRun.FinalRmsError}");
        Assert.True(fixedRun.FinalRmsError > fixedRun.Windows[5].RmsError * 1.2, $"the load should hurt the static controller: {fixedRun.FinalRmsError} after, {fixedRun.Windows[5].RmsError} before");
        Assert.Equal(0, adaptive.BadSteps);
    }

    [Fact]
    public void On_the_nominal_plant_learning_does_not_make_tracking_worse()
    {
        var fixedRun = ServoAdaptation.Run("servo", ServoAdaptation.Controller(), 4000, 100, 2000, []);
        var adaptive = ServoAdaptation.Run("servo-pes", ServoAdaptation.Controller(0.2f), 4000, 100, 2000, []);
        Assert.True(adaptive.FinalRmsError <= fixedRun.FinalRmsError * 1.1, $"adaptive {adaptive.FinalRmsError}, static {fixedRun.FinalRmsError}");
    }

    [Fact]
    public void A_model_of_the_wrong_shape_is_refused_naming_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => ServoAdaptation.Run("pong", Ifm.Runtime.Format.IfmFile.Read(Path.Combine(PongEvaluationTests.RepoRoot(), "runtime", "models", "pong.ifm")), 10, 10, 10, []));
        Assert.Contains("a servo controller has 2 inputs", ex.Message);
    }
}

/// <summary>Guarded learning: a destabilising learning rate is caught and rolled back.</summary>
public sealed class LearningWatchdogTests
{

    [Fact]
    public void A_destabilising_learning_rate_is_rolled_back_before_the_servo_sees_bad_commands_for_long()
    {
        const int window = 20;
        var unguarded = ServoAdaptation.Run("servo-pes", ServoAdaptation.Controller(1f), 3000, 100, 1000, []);
        var lines = new List<string>();
        var guarded = ServoAdaptation.Run("servo-pes", ServoAdaptation.Controller(1f), 3000, 100, 1000, [],
            guard: new Ifm.Runtime.Engine.Plasticity.LearningWatchdogOptions { Floor = -(0.2f * 0.2f), Window = window, SnapshotEvery = 50 }, log: lines.Add);
        Assert.True(unguarded.BadSteps > 500, $"κ 1 should destabilise the servo; {unguarded.BadSteps} bad steps");
        Assert.True(guarded.Rollbacks >= 1, "the watchdog never rolled back");
        Assert.True(guarded.BadSteps <= 2 * window, $"{guarded.BadSteps} steps with an error over {ServoAdaptation.BadError} rad under the watchdog");
        Assert.Contains(lines, l => l.StartsWith("learning frozen and rolled back to the snapshot of tick", StringComparison.Ordinal) && l.Contains("below the floor", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rollback_restores_the_snapshot_bit_for_bit_and_freezes_learning()
    {
        var model = ServoAdaptation.Controller(0.5f);
        using var session = new Ifm.Runtime.Engine.CpuSession(model);
        string dir = Directory.CreateTempSubdirectory("ifm-watchdog").FullName;
        try
        {
            string path = Path.Combine(dir, "good.ckpt");
            var dog = new Ifm.Runtime.Engine.Plasticity.LearningWatchdog(session, new() { Floor = -4f, Window = 4, SnapshotEvery = 4, CheckpointPath = path });
            var x = new float[] { 0.5f, 0f };
            session.Plasticity.SetErrors([-0.5f]);
            for (int i = 0; i < 8; i++)
            {
                session.SetInputs(x);
                session.Step();
                Assert.False(dog.Observe(0f));
            }

            float[] good = session.Weights.ToArray();
            Assert.Equal(3, dog.Snapshots);
            Assert.True(File.Exists(path));
            var onDisk = Ifm.Runtime.Persistence.Checkpoint.Read(path);
            Assert.Equal(good, onDisk.Floats["weight"]);

            for (int i = 0; i < 3; i++)
            {
                session.SetInputs(x);
                session.Step();
                dog.Observe(-5f); // the window still holds good periods: means -1.25, -2.5, -3.75 ≥ -4; the fourth (-5) trips
            }

            Assert.NotEqual(good, session.Weights.ToArray());
            session.SetInputs(x);
            session.Step();
            Assert.True(dog.Observe(-5f));
            Assert.Equal(good, session.Weights.ToArray());
            Assert.False(session.Plasticity.Enabled);
            Assert.True(dog.Frozen);
            Assert.Equal(1, dog.Rollbacks);
            session.SetInputs(x);
            session.Step();
            Assert.Equal(good, session.Weights.ToArray()); // frozen: no more learning
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

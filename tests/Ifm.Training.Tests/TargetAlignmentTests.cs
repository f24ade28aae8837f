using Ifm.Runtime.Format;
using Ifm.Training.Data;
using Ifm.Training.Network;

namespace Ifm.Training.Tests;

/// <summary><see cref="TrainOptions.PredictAhead"/>: the output at tick t learns the target recorded k ticks later.</summary>
public sealed class TargetAlignmentTests
{
    [Fact]
    public void Shifting_pairs_the_inputs_of_tick_t_with_the_targets_of_tick_t_plus_k()
    {
        var s = new TickSequence("s", 2, [0, 1, 10, 11, 20, 21, 30, 31], 1, [100, 101, 102, 103]);
        var shifted = s.ShiftTargets(1);
        Assert.Equal(3, shifted.Ticks);
        Assert.Equal(new float[] { 0, 1, 10, 11, 20, 21 }, shifted.Inputs);
        Assert.Equal(new float[] { 101, 102, 103 }, shifted.Targets);
        Assert.Equal(new float[] { 103 }, s.ShiftTargets(3).Targets);
        Assert.Equal(new float[] { 0, 1 }, s.ShiftTargets(3).Inputs);
        Assert.Same(s, s.ShiftTargets(0));
        var e = Assert.Throws<Ifm.Runtime.Data.DataFormatException>(() => s.ShiftTargets(4));
        Assert.Contains("s: 4 ticks, too few to predict 4 ticks ahead", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ShiftTargets(-1));
    }

    [Fact]
    public void A_negative_shift_is_rejected_by_the_options()
    {
        var e = Assert.Throws<Ifm.Core.IfmException>(() => new TrainOptions { PredictAhead = -1 }.Validate());
        Assert.Contains("predict-ahead", e.Message);
    }

    [Fact]
    public void Evaluation_with_a_shift_scores_against_the_later_targets()
    {
        var net = new TrainableNetwork(TestNetworks.Create(Ifm.Runtime.Model.NeuronKind.Ifm, 10, 2, 1, 0.5, plastic: false, seed: 3));
        var data = TestNetworks.RandomSequence(120, 2, 1, seed: 4);
        var o = new TrainOptions { Window = 10 };
        var (shifted, _) = Trainer.Evaluate(net, [data], o with { PredictAhead = 2 }, 10);
        var (manual, _) = Trainer.Evaluate(net, [data.ShiftTargets(2)], o, 10);
        var (unshifted, _) = Trainer.Evaluate(net, [data], o, 10);
        Assert.Equal(manual, shifted, 12);
        Assert.NotEqual(unshifted, shifted);
    }

    /// <summary>
    /// y(t) = 0.8·x(t − 3). The output sees an input two ticks after it arrives (input → hidden → output), so with
    /// predict-ahead 1 the output at t must produce y(t + 1) = 0.8·x(t − 2): exactly as far back as it can see.
    /// The exported model, run by the runtime, must answer the next tick's target at every tick.
    /// </summary>
    [Fact]
    public void Learns_to_predict_the_next_target_and_the_runtime_reproduces_it()
    {
        var rng = new Random(1);
        int ticks = 400;
        var x = new float[ticks];
        var y = new float[ticks];
        float level = 0;
        for (int t = 0; t < ticks; t++)
        {
            if (t % 4 == 0) level = rng.Next(2) == 0 ? -0.8f : 0.8f;
            x[t] = level;
        }

        for (int t = 3; t < ticks; t++) y[t] = 0.8f * x[t - 3];
        var data = new TickSequence("delay3", 1, x, 1, y);
        var model = Network.NetworkFactory.Create(new NetworkSpec { Neurons = 12, Connectivity = 0.5, Seed = 5, InputNames = ["x"], OutputNames = ["y"] });
        var net = new TrainableNetwork(model);
        var o = new TrainOptions { Window = 10, Batch = 4, Epochs = 40, LearningRate = 1e-2, ValidationFraction = 0, PredictAhead = 1 };
        var (before, _) = Trainer.Evaluate(net, [data], o, 10);
        new Trainer(net, o).Train([data]);
        var (after, _) = Trainer.Evaluate(net, [data], o, 10);
        Assert.True(before > 0.1, $"initial loss {before}");
        Assert.True(after < 0.02, $"loss after training {after} (started at {before})");

        using var session = new Ifm.Runtime.Engine.CpuSession(IfmFile.Read(IfmFile.ToBytes(net.ToModel())));
        var output = new float[1];
        double mse = 0;
        for (int t = 0; t + 1 < ticks; t++)
        {
            session.SetInputs(data.InputRows(t, 1));
            session.Step();
            session.ReadOutputs(output);
            mse += (output[0] - y[t + 1]) * (output[0] - y[t + 1]);
        }

        Assert.True(mse / (ticks - 1) < 0.02, $"runtime MSE against the next tick's target: {mse / (ticks - 1)}");
    }

    [Fact]
    public void Averaging_turns_one_hot_keys_into_their_share_over_the_coming_ticks()
    {
        // Keys: a, a, b, c, c (one-hot over 3 classes).
        var s = new TickSequence("keys", 1, [0, 1, 2, 3, 4], 3, [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1]);
        var avg = s.AverageTargets(2);
        Assert.Equal(4, avg.Ticks);
        Assert.Equal(new float[] { 0, 1, 2, 3 }, avg.Inputs);
        Assert.Equal(new float[] { 1, 0, 0, 0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0, 1 }, avg.Targets);
        Assert.Same(s, s.AverageTargets(1));
        Assert.Contains("too few to average targets over 6", Assert.Throws<Ifm.Runtime.Data.DataFormatException>(() => s.AverageTargets(6)).Message);

        // With predict-ahead 1 and a span of 3, tick 0 learns the share of keys in ticks 1–3: a, b, c.
        var o = new TrainOptions { PredictAhead = 1, TargetSpan = 3 };
        var net = new TrainableNetwork(TestNetworks.Create(Ifm.Runtime.Model.NeuronKind.Ifm, 8, 1, 3, 0.5, plastic: false, seed: 1));
        var (aligned, _) = Trainer.Evaluate(net, [s], o with { Window = 2 }, 2);
        var (manual, _) = Trainer.Evaluate(net, [s.ShiftTargets(1).AverageTargets(3)], new TrainOptions { Window = 2 }, 2);
        Assert.Equal(manual, aligned, 12);
        Assert.Contains("target span", Assert.Throws<Ifm.Core.IfmException>(() => new TrainOptions { TargetSpan = 0 }.Validate()).Message);
    }
}

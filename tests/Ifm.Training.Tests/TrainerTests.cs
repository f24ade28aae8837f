using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Training.Data;
using Ifm.Training.Network;

namespace Ifm.Training.Tests;

public sealed class TrainerTests
{
    /// <summary>Output = the input of two ticks earlier (a delay line through the hidden layer), one input, one output.</summary>
    private static TickSequence DelayTask(int ticks, int seed)
    {
        var rng = new Random(seed);
        var x = new float[ticks];
        var y = new float[ticks];
        float level = 0;
        for (int t = 0; t < ticks; t++)
        {
            if (t % 4 == 0) level = rng.Next(2) == 0 ? -0.8f : 0.8f;
            x[t] = level;
        }

        for (int t = 2; t < ticks; t++) y[t] = 0.8f * x[t - 2];
        return new TickSequence("delay", 1, x, 1, y);
    }

    private static IfmModel SmallNetwork(int seed, bool plastic = false) => NetworkFactory.Create(new NetworkSpec
    {
        Neurons = 12,
        Connectivity = 0.5,
        Seed = seed,
        Plastic = plastic,
        InputNames = ["x"],
        OutputNames = ["y"],
    });

    private static readonly TrainOptions Tiny = new() { Window = 10, Batch = 4, Epochs = 40, LearningRate = 1e-2, ValidationFraction = 0, Seed = 1 };

    [Fact]
    public void Learns_a_delay_line_to_low_loss_in_a_fixed_number_of_steps()
    {
        var net = new TrainableNetwork(SmallNetwork(5));
        var data = new[] { DelayTask(400, 1) };
        var (before, _) = Trainer.Evaluate(net, data, Tiny, 10);
        var result = new Trainer(net, Tiny).Train(data);
        var (after, accuracy) = Trainer.Evaluate(net, data, Tiny, 10);
        Assert.True(before > 0.1, $"initial loss {before} is already low: the task is too easy to tell anything");
        Assert.True(after < 0.02, $"loss after {result.Steps} steps is {after} (started at {before})");

        // The exported model, run by the runtime, reproduces the trained behaviour.
        var model = IfmFile.Read(IfmFile.ToBytes(net.ToModel()));
        using var session = new Ifm.Runtime.Engine.CpuSession(model);
        double mse = 0;
        var y = new float[1];
        var seq = data[0];
        for (int t = 0; t < seq.Ticks; t++)
        {
            session.SetInputs(seq.InputRows(t, 1));
            session.Step();
            session.ReadOutputs(y);
            mse += (y[0] - seq.TargetRow(t)[0]) * (y[0] - seq.TargetRow(t)[0]);
        }

        Assert.True(mse / seq.Ticks < 0.02, $"runtime MSE {mse / seq.Ticks} of the exported model");
    }

    [Fact]
    public void Same_seed_gives_the_same_model_and_another_seed_another()
    {
        byte[] Train(int seed)
        {
            var net = new TrainableNetwork(SmallNetwork(seed, plastic: true));
            new Trainer(net, Tiny with { Epochs = 3, Seed = seed, ValidationFraction = 0.2, Patience = 2 }).Train([DelayTask(300, 2), DelayTask(200, 3)]);
            return IfmFile.ToBytes(net.ToModel());
        }

        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Plastic_training_learns_alpha_and_eta_and_exports_them()
    {
        var template = SmallNetwork(5, plastic: true);
        var net = new TrainableNetwork(template);
        new Trainer(net, Tiny with { Epochs = 5 }).Train([DelayTask(200, 1)]);
        var model = IfmFile.Read(IfmFile.ToBytes(net.ToModel()));
        var rule = Assert.IsType<Ifm.Runtime.Plasticity.HebbianTraceRule>(model.EdgeGroups[0].Rule);
        Assert.NotEqual(0.1f, rule.Eta);
        Assert.Contains(model.Alpha.ToArray(), a => a != 0);
    }

    [Fact]
    public void Early_stopping_keeps_the_best_epoch()
    {
        var net = new TrainableNetwork(SmallNetwork(5));
        // A validation part that has nothing to do with the training part: validation loss stops improving quickly.
        var train = DelayTask(400, 1);
        var noise = TestNetworks.RandomSequence(400, 1, 1, seed: 9);
        var joined = new TickSequence("mixed", 1, [.. train.Inputs, .. noise.Inputs], 1, [.. train.Targets, .. noise.Targets]);
        var result = new Trainer(net, Tiny with { Epochs = 60, ValidationFraction = 0.5, Patience = 3 }).Train([joined]);
        Assert.True(result.StoppedEarly, $"ran all {result.EpochsRun} epochs");
        Assert.Equal(result.BestEpoch + 3, result.EpochsRun);
        var (loss, _) = Trainer.Evaluate(net, [joined.Slice(400, 400)], Tiny, 10);
        Assert.Equal(result.ValidationLoss!.Value, loss, 6);
    }

    [Fact]
    public void Data_of_the_wrong_width_is_rejected_with_the_file_name()
    {
        var net = new TrainableNetwork(SmallNetwork(5));
        var wrong = TestNetworks.RandomSequence(50, 2, 1, seed: 1);
        var e = Assert.Throws<Ifm.Runtime.Data.DataFormatException>(() => new Trainer(net, Tiny).Train([wrong]));
        Assert.Contains("random: 2 input values per tick, the model has 1 input channels", e.Message);
    }

    [Fact]
    public void A_selection_score_chooses_the_epoch_and_drives_patience()
    {
        var net = new TrainableNetwork(SmallNetwork(5));
        double[] scores = [0.1, 0.5, 0.3, 0.5, 0.2, 0.9];
        var snapshots = new List<float[]>();
        var progressScores = new List<double?>();
        double Score(TrainableNetwork n)
        {
            snapshots.Add((float[])n.Parameters.Clone());
            return scores[snapshots.Count - 1];
        }

        var result = new Trainer(net, Tiny with { Epochs = 6, Patience = 3, ValidationFraction = 0.2 })
            .Train([DelayTask(400, 1)], p => { if (p.EpochEnd) progressScores.Add(p.SelectionScore); }, default, Score);

        // Epoch 2 scores best (a later tie does not replace it); three epochs without a better score stop training.
        Assert.Equal(2, result.BestEpoch);
        Assert.Equal(5, result.EpochsRun);
        Assert.True(result.StoppedEarly);
        Assert.Equal(0.5, result.SelectionScore);
        Assert.Equal(snapshots[1], net.Parameters);
        Assert.Equal(new double?[] { 0.1, 0.5, 0.3, 0.5, 0.2 }, progressScores);
    }
}

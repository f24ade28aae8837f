using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Training.Data;
using Ifm.Training.Network;

namespace Ifm.Training.Tests;

/// <summary><see cref="ClassWeights"/>: per-class loss weights for one-hot targets.</summary>
public sealed class ClassWeightTests
{
    /// <summary>One-hot targets of the given classes, random inputs.</summary>
    private static TickSequence Labelled(int[] classes, int width, int inputs, int seed)
    {
        var rng = new Random(seed);
        var x = new float[classes.Length * inputs];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(2);
        var y = new float[classes.Length * width];
        for (int t = 0; t < classes.Length; t++) y[t * width + classes[t]] = 1;
        return new TickSequence("labelled", inputs, x, width, y);
    }

    [Fact]
    public void Parses_none_balanced_and_numbers_and_rejects_the_rest()
    {
        Assert.True(ClassWeights.Parse("none").IsNone);
        Assert.True(ClassWeights.Parse(" Balanced ").IsBalanced);
        Assert.Equal("1,0.5,2", ClassWeights.Parse("1, 0.5,2").ToString());
        Assert.Contains("'x' is not a number", Assert.Throws<Ifm.Core.IfmException>(() => ClassWeights.Parse("1,x")).Message);
        Assert.Contains("≥ 0", Assert.Throws<Ifm.Core.IfmException>(() => ClassWeights.Parse("1,-1")).Message);
        Assert.Contains("at least one must be positive", Assert.Throws<Ifm.Core.IfmException>(() => ClassWeights.Parse("0,0")).Message);
        var data = Labelled([0, 1], 3, 1, 1);
        Assert.Contains("2 class weights for 3 output channels", Assert.Throws<Ifm.Core.IfmException>(() => ClassWeights.Parse("1,2").Resolve([data], 3)).Message);
    }

    [Fact]
    public void Balanced_weights_are_the_inverse_class_frequencies()
    {
        // 6 × class 0, 3 × class 1, 1 × class 2 over two sequences; 10 ticks, 3 classes.
        var a = Labelled([0, 0, 1, 0, 2], 3, 1, 1);
        var b = Labelled([0, 1, 0, 1, 0], 3, 1, 2);
        var w = ClassWeights.Balanced.Resolve([a, b], 3)!;
        Assert.Equal(10.0 / 18, w[0], 12);
        Assert.Equal(10.0 / 9, w[1], 12);
        Assert.Equal(10.0 / 3, w[2], 12);
        // A class that never occurs weighs 0; the one that does: 6 / (2 · 6).
        Assert.Equal(new[] { 0.0, 0.5 }, ClassWeights.Balanced.Resolve([Labelled([1, 1, 1, 1, 1, 1], 2, 1, 1)], 2));
        Assert.Null(ClassWeights.None.Resolve([a], 3));
    }

    [Fact]
    public void The_weighted_loss_is_the_weighted_mean_of_the_runtime_losses()
    {
        var model = TestNetworks.Create(NeuronKind.Ifm, 12, 3, 2, 0.5, plastic: false, seed: 2);
        var net = new TrainableNetwork(model);
        var rng = new Random(3);
        var classes = Enumerable.Range(0, 90).Select(_ => rng.Next(4) == 0 ? 1 : 0).ToArray();
        var data = Labelled(classes, 2, 3, 4);
        var o = new TrainOptions { Loss = LossKind.CrossEntropy, Window = 15 };

        using var session = new Ifm.Runtime.Engine.CpuSession(IfmFile.Read(IfmFile.ToBytes(net.ToModel())));
        var y = new float[2];
        var scratch = new double[2];
        double sum0 = 0, sum1 = 0;
        for (int t = 0; t < data.Ticks; t++)
        {
            session.SetInputs(data.InputRows(t, 1));
            session.Step();
            session.ReadOutputs(y);
            double l = Losses.Tick(LossKind.CrossEntropy, y, data.TargetRow(t), 0, scratch);
            if (classes[t] == 0) sum0 += l;
            else sum1 += l;
        }

        int n1 = classes.Sum(), n0 = classes.Length - n1;
        Assert.Equal(sum0 / n0, Trainer.Evaluate(net, [data], o, 15, [1, 0]).Loss, 5);
        Assert.Equal(sum1 / n1, Trainer.Evaluate(net, [data], o, 15, [0, 3]).Loss, 5);
        Assert.Equal((2 * sum0 + sum1) / (2 * n0 + n1), Trainer.Evaluate(net, [data], o, 15, [2, 1]).Loss, 5);
        Assert.Equal((sum0 + sum1) / classes.Length, Trainer.Evaluate(net, [data], o, 15).Loss, 5);
    }

    /// <summary>
    /// Class 1 is rare (1 tick in 8) and is announced by input 0 two ticks earlier only half of the time, so a
    /// network that minimises the plain loss says "class 0" almost everywhere; balanced weights make it answer
    /// class 1 far more often when the cue is present.
    /// </summary>
    [Fact]
    public void Balanced_weights_raise_the_recall_of_a_rare_class()
    {
        var rng = new Random(11);
        int ticks = 1600;
        var x = new float[ticks * 2];
        var y = new float[ticks * 2];
        for (int t = 0; t < ticks; t++)
        {
            bool rare = t >= 2 && rng.Next(8) == 0;
            y[t * 2 + (rare ? 1 : 0)] = 1;
            if (t >= 2) x[(t - 2) * 2] = rare ? (rng.Next(2) == 0 ? 1 : 0) : (rng.Next(8) == 0 ? 1 : 0);
            x[t * 2 + 1] = rng.Next(2);
        }

        var data = new TickSequence("rare", 2, x, 2, y);
        double Recall(ClassWeights weights)
        {
            var net = new TrainableNetwork(NetworkFactory.Create(new NetworkSpec { Neurons = 16, Connectivity = 0.5, Seed = 4, InputNames = ["cue", "noise"], OutputNames = ["common", "rare"] }));
            new Trainer(net, new TrainOptions { Loss = LossKind.CrossEntropy, Window = 20, Batch = 8, Epochs = 15, LearningRate = 1e-2, ValidationFraction = 0, ClassWeights = weights }).Train([data]);
            using var session = new Ifm.Runtime.Engine.CpuSession(net.ToModel());
            var output = new float[2];
            int rare = 0, found = 0;
            for (int t = 0; t < ticks; t++)
            {
                session.SetInputs(data.InputRows(t, 1));
                session.Step();
                session.ReadOutputs(output);
                if (y[t * 2 + 1] == 0) continue;
                rare++;
                if (output[1] > output[0]) found++;
            }

            return (double)found / rare;
        }

        double plain = Recall(ClassWeights.None), balanced = Recall(ClassWeights.Balanced);
        Assert.True(balanced > plain + 0.2, $"recall of the rare class: plain {plain:0.00}, balanced {balanced:0.00}");
    }

    [Fact]
    public void Training_with_weights_a_shift_a_span_and_held_rows_is_deterministic()
    {
        var rng = new Random(5);
        var data = Labelled([.. Enumerable.Range(0, 200).Select(_ => rng.Next(3))], 3, 4, 6);
        byte[] Train(int seed)
        {
            var net = new TrainableNetwork(NetworkFactory.Create(new NetworkSpec { Neurons = 14, Connectivity = 0.4, Seed = seed, InputNames = ["a", "b", "c", "d"], OutputNames = ["r", "l", "n"] }));
            new Trainer(net, new TrainOptions { Loss = LossKind.CrossEntropy, Window = 10, Batch = 4, Epochs = 3, Seed = seed, PredictAhead = 1, TargetSpan = 3, TicksPerRow = 2, ClassWeights = ClassWeights.Balanced, ValidationFraction = 0.2, Patience = 2 }).Train([data]);
            return IfmFile.ToBytes(net.ToModel());
        }

        Assert.Equal(Train(7), Train(7));
        Assert.NotEqual(Train(7), Train(8));
    }

    [Fact]
    public void Weighted_cross_entropy_of_a_share_target_weighs_every_class_by_its_share()
    {
        double[] w = [2, 1, 0.5];
        float[] y = [0.3f, -0.2f, 0.1f];
        float[] share = [0.5f, 0, 0.5f];
        var weighted = new float[3];
        double weight = ClassWeights.Weigh(LossKind.CrossEntropy, w, share, weighted);
        var g = new double[3];
        double loss = weight * Losses.Tick(LossKind.CrossEntropy, y, weighted, weight, g);

        // Σ_c w_c·t_c·(−log p_c) and its gradient, computed directly.
        var logits = y.Select(v => Losses.LogitGain * v).ToArray();
        double logZ = Math.Log(logits.Sum(Math.Exp));
        double expected = 0;
        var eg = new double[3];
        double wt = 0;
        for (int c = 0; c < 3; c++)
        {
            expected -= w[c] * share[c] * (logits[c] - logZ);
            wt += w[c] * share[c];
        }

        for (int i = 0; i < 3; i++) eg[i] = Losses.LogitGain * (Math.Exp(logits[i] - logZ) * wt - w[i] * share[i]);
        Assert.Equal(expected, loss, 1e-5);
        for (int i = 0; i < 3; i++) Assert.Equal(eg[i], g[i], 1e-5);

        // One-hot: the class's weight and the target itself; MSE: the argmax class's weight.
        Assert.Equal(0.5, ClassWeights.Weigh(LossKind.CrossEntropy, w, [0, 0, 1], weighted));
        Assert.Equal(new float[] { 0, 0, 1 }, weighted);
        Assert.Equal(2, ClassWeights.Weigh(LossKind.Mse, w, [0.6f, 0, 0.4f], weighted));
        Assert.Equal(new float[] { 0.6f, 0, 0.4f }, weighted);
        Assert.Equal(1, ClassWeights.Weigh(LossKind.CrossEntropy, null, share, weighted));
    }
}

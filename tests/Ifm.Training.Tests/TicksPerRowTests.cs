using Ifm.Runtime.Format;
using Ifm.Training.Data;
using Ifm.Training.Network;

namespace Ifm.Training.Tests;

/// <summary><see cref="TrainOptions.TicksPerRow"/>: every recorded row held for several network ticks, loss on the last.</summary>
public sealed class TicksPerRowTests
{
    [Fact]
    public void Repeating_rows_holds_inputs_and_targets()
    {
        var s = new TickSequence("s", 2, [1, 2, 3, 4], 1, [10, 20]);
        var r = s.RepeatRows(3);
        Assert.Equal(6, r.Ticks);
        Assert.Equal(new float[] { 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4 }, r.Inputs);
        Assert.Equal(new float[] { 10, 10, 10, 20, 20, 20 }, r.Targets);
        Assert.Same(s, s.RepeatRows(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.RepeatRows(0));
        Assert.Contains("ticks per row", Assert.Throws<Ifm.Core.IfmException>(() => new TrainOptions { TicksPerRow = 0 }.Validate()).Message);
    }

    /// <summary>
    /// Target = 0.8 × the same row's input: out of reach at one tick per row (the output at tick t answers the input
    /// set at t − 2), learnt at three (input set at the row's first tick, answered at its last).
    /// </summary>
    [Fact]
    public void Three_ticks_per_row_let_the_output_answer_its_own_row()
    {
        var rng = new Random(2);
        int rows = 300;
        var x = new float[rows];
        var y = new float[rows];
        for (int t = 0; t < rows; t++)
        {
            x[t] = rng.Next(2) == 0 ? -0.8f : 0.8f;
            y[t] = 0.8f * x[t];
        }

        var data = new TickSequence("same-row", 1, x, 1, y);
        double Loss(int ticksPerRow, out TrainableNetwork net)
        {
            net = new TrainableNetwork(NetworkFactory.Create(new NetworkSpec { Neurons = 12, Connectivity = 0.5, Seed = 5, InputNames = ["x"], OutputNames = ["y"] }));
            var o = new TrainOptions { Window = 10 * ticksPerRow, Batch = 4, Epochs = 40, LearningRate = 1e-2, ValidationFraction = 0, TicksPerRow = ticksPerRow };
            new Trainer(net, o).Train([data]);
            return Trainer.Evaluate(net, [data], o, o.Window).Loss;
        }

        double one = Loss(1, out _), three = Loss(3, out var trained);
        Assert.True(one > 0.1, $"one tick per row reached loss {one}: the task does not need the extra ticks");
        Assert.True(three < 0.02, $"three ticks per row: loss {three}");

        // The runtime, stepping three times per row, answers every row.
        using var session = new Ifm.Runtime.Engine.CpuSession(IfmFile.Read(IfmFile.ToBytes(trained.ToModel())));
        var output = new float[1];
        int right = 0;
        for (int t = 0; t < rows; t++)
        {
            session.SetInputs(data.InputRows(t, 1));
            for (int k = 0; k < 3; k++) session.Step();
            session.ReadOutputs(output);
            if (Math.Sign(output[0]) == Math.Sign(y[t])) right++;
        }

        Assert.True(right >= rows - 2, $"{right} of {rows} rows answered with the right sign");
    }

    [Fact]
    public void Validation_loss_counts_only_the_last_tick_of_every_row()
    {
        var net = new TrainableNetwork(TestNetworks.Create(Ifm.Runtime.Model.NeuronKind.Ifm, 10, 2, 1, 0.5, plastic: false, seed: 3));
        var data = TestNetworks.RandomSequence(60, 2, 1, seed: 4);
        var o = new TrainOptions { Window = 12, TicksPerRow = 3 };
        var (loss, _) = Trainer.Evaluate(net, [data], o, 12);

        using var session = new Ifm.Runtime.Engine.CpuSession(net.ToModel());
        var y = new float[1];
        var scratch = new double[1];
        double sum = 0;
        for (int t = 0; t < data.Ticks; t++)
        {
            session.SetInputs(data.InputRows(t, 1));
            for (int k = 0; k < 3; k++) session.Step();
            session.ReadOutputs(y);
            sum += Losses.Tick(LossKind.Mse, y, data.TargetRow(t), 0, scratch);
        }

        Assert.Equal(sum / data.Ticks, loss, 5);
    }
}

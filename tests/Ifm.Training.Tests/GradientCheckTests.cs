using Ifm.Runtime.Model;
using Ifm.Training.Data;
using Ifm.Training.Network;

namespace Ifm.Training.Tests;

/// <summary>The backward pass against central finite differences of the forward pass, for every neuron kind and the plastic trace.</summary>
public sealed class GradientCheckTests
{
    [Theory]
    [InlineData(NeuronKind.Ifm, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Ifm, true, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Leaky, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Leaky, false, Activation.Sigmoid, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Leaky, true, Activation.Identity, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Lif, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Lif, false, Activation.Tanh, LifResetMode.SubtractThreshold)]
    [InlineData(NeuronKind.Lif, true, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.CubaLif, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.CubaLif, false, Activation.Tanh, LifResetMode.SubtractThreshold)]
    [InlineData(NeuronKind.CubaLif, true, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Li, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Li, true, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.If, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.If, false, Activation.Tanh, LifResetMode.SubtractThreshold)]
    [InlineData(NeuronKind.Integrator, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.Integrator, true, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.CubaLi, false, Activation.Tanh, LifResetMode.ToReset)]
    [InlineData(NeuronKind.CubaLi, true, Activation.Tanh, LifResetMode.ToReset)]
    public void Backward_matches_finite_differences(NeuronKind kind, bool plastic, Activation activation, LifResetMode reset) =>
        Check(kind, plastic, activation, reset, TickTiming.Synchronous);

    /// <summary>Same-tick feed-forward edges (NIR timing): the backward pass runs the neurons in reverse order.</summary>
    [Theory]
    [InlineData(NeuronKind.Ifm, false)]
    [InlineData(NeuronKind.Ifm, true)]
    [InlineData(NeuronKind.Leaky, false)]
    [InlineData(NeuronKind.Lif, false)]
    [InlineData(NeuronKind.CubaLif, true)]
    [InlineData(NeuronKind.Li, false)]
    [InlineData(NeuronKind.If, false)]
    [InlineData(NeuronKind.Integrator, false)]
    [InlineData(NeuronKind.CubaLi, false)]
    public void Backward_with_feed_forward_timing_matches_finite_differences(NeuronKind kind, bool plastic) =>
        Check(kind, plastic, Activation.Tanh, LifResetMode.ToReset, TickTiming.FeedForward);

    /// <summary>
    /// Every kind of the registry is covered by the finite-difference checks above (a new kind must add its case).
    /// </summary>
    [Fact]
    public void Every_kind_has_a_gradient_check()
    {
        var covered = typeof(GradientCheckTests).GetMethod(nameof(Backward_matches_finite_differences))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (NeuronKind)a.GetData(null!).First()[0]).ToHashSet();
        Assert.Equal(NeuronModels.All.Select(m => m.Kind).Order(), covered.Order());
    }

    /// <summary>
    /// With hard spikes and refractory ticks (the runtime's forward), the backward pass runs every kind and gives a
    /// finite gradient that reaches most neurons through their spikes (the surrogate; a resting neuron passes nothing back).
    /// </summary>
    [Theory]
    [InlineData(NeuronKind.Lif)]
    [InlineData(NeuronKind.CubaLif)]
    [InlineData(NeuronKind.If)]
    public void Hard_spikes_get_the_surrogate_gradient(NeuronKind kind)
    {
        var model = TestNetworks.Create(kind, neurons: 12, inputs: 2, outputs: 2, p: 0.5, plastic: false, seed: 5, refractoryTicks: 2);
        var net = new TrainableNetwork(model);
        var data = TestNetworks.RandomSequence(ticks: 80, 2, 2, seed: 6, inputScale: 8f);
        var unroller = new Unroller(net, 80);
        var grad = new double[net.ParameterCount];
        var outGrad = new double[80 * 2];
        Loss(unroller, data, outGrad);
        int spikes = 0;
        for (int t = 1; t <= 80; t++)
        {
            foreach (var y in unroller.Outputs(t)) spikes += y == 1f ? 1 : 0;
        }

        unroller.Backward(outGrad, grad);
        Assert.True(spikes > 10, $"only {spikes} spikes: the case checks nothing");
        Assert.All(grad, g => Assert.True(double.IsFinite(g)));
        int n = net.N, inputs = model.InputCount;
        int reached = Enumerable.Range(inputs, n - inputs).Count(i => grad[net.BiasOffset + i] != 0);
        Assert.True(reached > (n - inputs) / 2, $"the surrogate reached the biases of only {reached} of {n - inputs} neurons");
    }

    /// <summary>
    /// Every kind trains with the runtime's forward (hard spikes, surrogate gradient): 80 Adam steps on one window
    /// lower the loss by a fifth at least.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Every_kind_learns_through_its_derivative(NeuronKind kind)
    {
        bool spiking = TestNetworks.Spiking(kind);
        var model = TestNetworks.Create(kind, neurons: 14, inputs: 2, outputs: 2, p: 0.5, plastic: false, seed: 7);
        var net = new TrainableNetwork(model);
        var data = TestNetworks.RandomSequence(ticks: 30, 2, 2, seed: 8, inputScale: spiking ? 3f : 1f);
        if (spiking)
        {
            // Random targets in ±0.8 are best met by silence; a spiking output must learn to fire (output 0) and stay
            // silent (output 1), which only the surrogate gradient can teach it.
            var targets = new float[30 * 2];
            for (int t = 0; t < 30; t++) targets[2 * t] = 1f;
            data = new TickSequence("fire", 2, data.Inputs, 2, targets);
        }

        var unroller = new Unroller(net, 30);
        var adam = new Ifm.Training.Optim.Adam(net.ParameterCount, 2e-2);
        double first = 0, last = 0;
        for (int step = 0; step < 80; step++)
        {
            var grad = new double[net.ParameterCount];
            var outGrad = new double[30 * 2];
            last = Loss(unroller, data, outGrad);
            if (step == 0) first = last;
            unroller.Backward(outGrad, grad);
            Ifm.Training.Optim.Adam.ClipGlobalNorm(grad, net.Trainable, 1.0);
            adam.Update(net.Parameters, grad, net.Trainable);
            net.Project();
        }

        Assert.True(last < 0.8 * first, $"{kind}: loss {first:G4} -> {last:G4} after 80 steps");
    }

    public static TheoryData<NeuronKind> AllKinds() => [.. NeuronModels.All.Select(m => m.Kind)];

    private static void Check(NeuronKind kind, bool plastic, Activation activation, LifResetMode reset, TickTiming timing)
    {
        var model = TestNetworks.Create(kind, neurons: 9, inputs: 2, outputs: 2, p: 0.5, plastic, seed: 3, activation, reset, timing);
        var net = new TrainableNetwork(model);
        bool spiking = TestNetworks.Spiking(kind);
        var data = TestNetworks.RandomSequence(ticks: 8, 2, 2, seed: 4, inputScale: spiking ? 3f : 1f);
        var unroller = new Unroller(net, 8) { SmoothSpikes = spiking };

        var analytic = new double[net.ParameterCount];
        var outGrad = new double[8 * 2];
        Loss(unroller, data, outGrad);
        unroller.Backward(outGrad, analytic);

        int checkedCount = 0;
        double worst = 0;
        for (int i = 0; i < net.ParameterCount; i++)
        {
            if (!net.Trainable[i]) continue;
            double fd = FiniteDifference(unroller, data, net, i, 3e-3f);
            double err = Math.Abs(fd - analytic[i]) / (Math.Abs(analytic[i]) + 2e-3);
            if (err >= 1e-2)
            {
                // A leaky-ReLU kink or float32 rounding inside the step: confirm with a smaller and a larger step.
                double fd2 = FiniteDifference(unroller, data, net, i, 1e-3f);
                double fd3 = FiniteDifference(unroller, data, net, i, 1e-2f);
                err = Math.Min(err, Math.Min(Math.Abs(fd2 - analytic[i]), Math.Abs(fd3 - analytic[i])) / (Math.Abs(analytic[i]) + 2e-3));
                fd = fd2;
            }

            worst = Math.Max(worst, err);
            Assert.True(err < 1e-2, $"parameter {i}: finite difference {fd:G6}, backward {analytic[i]:G6}");
            checkedCount++;
        }

        Assert.True(checkedCount > 30, $"only {checkedCount} parameters checked");
        int above = Enumerable.Range(0, net.ParameterCount).Count(i => net.Trainable[i] && Math.Abs(analytic[i]) > 2e-3);
        Assert.True(above >= 5, $"{above} of {checkedCount} gradients above the check's floor (2e-3): the case checks little");
        if (plastic) Assert.NotEqual(0, analytic[net.EtaOffset]);
    }

    private static double FiniteDifference(Unroller u, TickSequence data, TrainableNetwork net, int i, float h)
    {
        float keep = net.Parameters[i];
        net.Parameters[i] = keep + h;
        float up = net.Parameters[i];
        double lp = Loss(u, data, null);
        net.Parameters[i] = keep - h;
        float down = net.Parameters[i];
        double lm = Loss(u, data, null);
        net.Parameters[i] = keep;
        return (lp - lm) / ((double)up - down);
    }

    /// <summary>MSE over every tick from a fresh state; fills ∂L/∂y when asked.</summary>
    private static double Loss(Unroller u, TickSequence data, double[]? outGrad)
    {
        var state = new StreamState(u.Network);
        u.Forward(state, data.InputRows(0, data.Ticks), data.Ticks);
        var outputs = u.Network.Template.OutputNeurons;
        var y = new float[outputs.Length];
        var scratch = new double[outputs.Length];
        double loss = 0;
        for (int t = 1; t <= data.Ticks; t++)
        {
            for (int c = 0; c < outputs.Length; c++) y[c] = u.Outputs(t)[outputs[c]];
            Span<double> g = outGrad is null ? scratch : outGrad.AsSpan((t - 1) * outputs.Length, outputs.Length);
            loss += Losses.Tick(LossKind.Mse, y, data.TargetRow(t - 1), 1.0, g);
        }

        return loss;
    }
}

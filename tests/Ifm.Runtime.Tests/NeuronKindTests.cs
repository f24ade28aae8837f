using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Tests;

/// <summary>Each neuron kind against values worked out by hand from the equations in the design brief.</summary>
public class NeuronKindTests
{
    private const float Tol = 1e-6f;

    [Fact]
    public void Ifm_input_hidden_output_chain_matches_hand_computed_ticks()
    {
        // x → in (input) → h (hidden, self-loop) → out (output); a = 0.5 for h and out.
        var b = new ModelBuilder();
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        int h = b.AddPopulation("h", NeuronKind.Ifm, NeuronRole.Hidden, 1);
        int o = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1);
        b.SetBias(i, 0.1f);
        b.SetBias(h, -0.2f);
        b.AddEdge(i, h, 0.8f);
        b.AddEdge(h, h, 0.5f);
        b.AddEdge(h, o, 1.5f);
        using var s = new CpuSession(b.Build());
        s.SetInputs([1.0f]);

        // Tick 1: everything reads y(0) = 0, s(0) = 0.
        // in: u = 1 + 0.1 = 1.1 → y = tanh 1.1 = 0.80049902, s = 1.1
        // h:  u = 0 − 0.2 + tanh(0.5·0) = −0.2 → y = tanh(−0.2) = −0.19737532, s = −0.002
        // out: u = 0 + 0 + 0 = 0 → y = 0, s = 0
        s.Step();
        AssertOutputs(s, (i, 0.80049902f), (h, -0.19737532f), (o, 0f));
        Assert.Equal(-0.002f, s.NeuronStates[h], Tol);

        // Tick 2: h: u = 0.8·0.80049902 + 0.5·(−0.19737532) − 0.2 + tanh(0.5·−0.002)
        //           = 0.64039922 − 0.09868766 − 0.2 − 0.00099999967 = 0.34071156 → y = 0.32811250
        //     out: u = 1.5·(−0.19737532) + tanh(0) = −0.29606298 → y = −0.28770558, s = −0.0029606298
        s.Step();
        AssertOutputs(s, (i, 0.80049902f), (h, 0.32811250f), (o, -0.28770558f));
        Assert.Equal(0.34071156f, s.NeuronStates[h], Tol);
        Assert.Equal(-0.0029606298f, s.NeuronStates[o], Tol);

        // Tick 3: out: u = 1.5·0.32811250 + tanh(0.5·−0.0029606298) = 0.49216875 − 0.0014803138 = 0.49068843 → y = 0.45476266
        s.Step();
        Assert.Equal(0.45476266f, s.NeuronOutputs[o], Tol);
        Span<float> outputs = stackalloc float[1];
        s.ReadOutputs(outputs);
        Assert.Equal(0.45476266f, outputs[0], Tol);
    }

    [Fact]
    public void Leaky_integrator_follows_euler_steps()
    {
        // dt = 1 ms, τ = 4 ms → k = 0.25. Input neuron (identity) driven by x = 2, feeding a tanh neuron with w = 1.
        var b = new ModelBuilder { Dt = 0.001f };
        int i = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([0.004f], Activation.Identity));
        int o = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 1, NeuronParameters.ForLeaky([0.004f], Activation.Tanh));
        b.SetBias(o, 0.5f);
        b.AddEdge(i, o, 1f);
        using var s = new CpuSession(b.Build());
        s.SetInputs([2f]);

        // Tick 1: in: s = 0.75·0 + 0.25·2 = 0.5, y = 0.5; out: s = 0.25·(0 + 0.5) = 0.125, y = tanh 0.125 = 0.12435300
        s.Step();
        AssertOutputs(s, (i, 0.5f), (o, 0.124353f));
        // Tick 2: in: s = 0.75·0.5 + 0.5 = 0.875; out: s = 0.75·0.125 + 0.25·(0.5 + 0.5) = 0.34375, y = 0.33082112
        s.Step();
        AssertOutputs(s, (i, 0.875f), (o, 0.33082112f));
    }

    [Theory]
    [InlineData(Activation.Sigmoid, 0.53120937f)]
    [InlineData(Activation.Relu, 0.125f)]
    [InlineData(Activation.Identity, 0.125f)]
    [InlineData(Activation.Step, 1f)]
    public void Leaky_activations(Activation f, float expected)
    {
        var b = new ModelBuilder { Dt = 0.001f };
        b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([0.004f], f));
        using var s = new CpuSession(b.Build());
        s.SetInputs([0.5f]);
        s.Step();
        Assert.Equal(expected, s.NeuronOutputs[0], Tol);
    }

    [Fact]
    public void Lif_integrates_spikes_resets_and_rests()
    {
        // dt/τ = 0.5, R = 1, v_leak = 0, v_th = 1, v_reset = 0, 1 refractory tick; constant input I = 1.5.
        var b = new ModelBuilder { Dt = 0.001f };
        b.AddPopulation("n", NeuronKind.Lif, NeuronRole.Input, 1,
            NeuronParameters.ForLif([0.002f], [1f], [0f], [0f], [1f], LifResetMode.ToReset, refractoryTicks: 1));
        using var s = new CpuSession(b.Build());
        s.SetInputs([1.5f]);
        // v: 0 → 0 + 0.5(0 − 0 + 1.5) = 0.75 (no spike) → 0.75 + 0.5(−0.75 + 1.5) = 1.125 > 1: spike, v = 0
        // → refractory tick: v held at 0, no spike → 0.75 → 1.125 spike ...
        float[] expectedY = [0, 1, 0, 0, 1, 0];
        float[] expectedV = [0.75f, 0, 0, 0.75f, 0, 0];
        for (int t = 0; t < expectedY.Length; t++)
        {
            s.Step();
            Assert.Equal(expectedY[t], s.NeuronOutputs[0]);
            Assert.Equal(expectedV[t], s.NeuronStates[0], Tol);
        }
    }

    [Fact]
    public void Lif_subtract_reset_keeps_the_overshoot()
    {
        var b = new ModelBuilder { Dt = 0.001f };
        b.AddPopulation("n", NeuronKind.Lif, NeuronRole.Input, 1,
            NeuronParameters.ForLif([0.002f], [1f], [0f], [0f], [1f], LifResetMode.SubtractThreshold, refractoryTicks: 0));
        using var s = new CpuSession(b.Build());
        s.SetInputs([1.5f]);
        s.Step(); // v = 0.75
        s.Step(); // v = 1.125 → spike, v = 0.125
        Assert.Equal(1f, s.NeuronOutputs[0]);
        Assert.Equal(0.125f, s.NeuronStates[0], Tol);
        s.Step(); // v = 0.125 + 0.5(−0.125 + 1.5) = 0.8125
        Assert.Equal(0f, s.NeuronOutputs[0]);
        Assert.Equal(0.8125f, s.NeuronStates[0], Tol);
    }

    [Fact]
    public void Signals_need_one_tick_per_edge()
    {
        // A chain of 4 IFM neurons: the input neuron responds at tick 1, and each of the 3 edges
        // (input → h1 → h2 → out) costs one more tick, so the output first moves at tick 4.
        var b = new ModelBuilder();
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        int h = b.AddPopulation("h", NeuronKind.Ifm, NeuronRole.Hidden, 2);
        int o = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1);
        b.AddEdge(i, h, 1f);
        b.AddEdge(h, h + 1, 1f);
        b.AddEdge(h + 1, o, 1f);
        using var s = new CpuSession(b.Build());
        s.SetInputs([1f]);
        s.Step(3);
        Assert.Equal(0f, s.NeuronOutputs[o]);
        s.Step();
        Assert.NotEqual(0f, s.NeuronOutputs[o]);
    }

    private static void AssertOutputs(CpuSession s, params (int Neuron, float Y)[] expected)
    {
        foreach (var (n, y) in expected) Assert.Equal(y, s.NeuronOutputs[n], Tol);
    }
}

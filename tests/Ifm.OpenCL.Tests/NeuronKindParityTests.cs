using Ifm.Runtime.Model;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// 1,000 ticks of a 300-neuron random network (20 % connectivity) per neuron kind: the OpenCL backend's outputs (every
/// tick) and final states equal the CPU engine's within 1e-5 relative; spikes are identical.
/// </summary>
/// <remarks>
/// The IFM network runs with its reference weights × 0.5: at the reference gain the dynamics are chaotic and a 1-ulp
/// difference (tanh implementations, summation order) grows ~e-fold every 20 ticks, so no two float implementations
/// agree beyond 40–80 ticks there. LIF networks use weights
/// rounded to multiples of 1/1024 and inputs that are multiples of 1/64: every synaptic sum of 0/1 spikes is then exact
/// in any order, the membrane update runs the same float operations on both sides, and no threshold can flip.
/// </remarks>
public sealed class NeuronKindParityTests
{
    private static IfmModel Random(NeuronKind kind, int seed = 3) =>
        RandomNetwork.Create(new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2, Kind = kind, Seed = seed });

    [Fact]
    public void Ifm_state_neurons_match_the_cpu_engine_for_1000_ticks()
    {
        var m = TestNetworks.Derive(Random(NeuronKind.Ifm), weightScale: 0.5f, bias: i => (i % 7 - 3) * 0.05f);
        Parity.Run(m, 1000);
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Step)]
    public void Leaky_integrators_match_the_cpu_engine_for_1000_ticks(Activation f)
    {
        var m = TestNetworks.Derive(Random(NeuronKind.Leaky), weightScale: f is Activation.Relu or Activation.Identity ? 0.5f : 1f,
            parameters: p => NeuronParameters.ForLeaky([.. Enumerable.Range(0, p.Count).Select(i => 0.005f + 0.001f * (i % 20))], f),
            bias: i => (i % 5 - 2) * 0.1f);
        Parity.Run(m, 1000);
    }

    [Theory]
    [InlineData(LifResetMode.ToReset, 2)]
    [InlineData(LifResetMode.SubtractThreshold, 0)]
    public void Lif_neurons_spike_identically_to_the_cpu_engine_for_1000_ticks(LifResetMode reset, int refractory)
    {
        var m = TestNetworks.Derive(Random(NeuronKind.Lif), dyadic: true,
            parameters: p => NeuronParameters.ForLif(
                [.. Enumerable.Range(0, p.Count).Select(i => 0.004f + 0.001f * (i % 10))],
                TestNetworks.Filled(p.Count, 1f), TestNetworks.Filled(p.Count, 0f), TestNetworks.Filled(p.Count, -0.125f),
                TestNetworks.Filled(p.Count, 4f), reset, refractory),
            bias: i => 0.25f + (i % 4) * 0.0625f);
        long spikes = Parity.Run(m, 1000, dyadicInputs: true, compareOutputs: (cpu, gpu, t) => Assert.Equal(cpu, gpu), exactNeurons: true);
        Assert.True(spikes > 10_000, $"the network spiked only {spikes} times in 1,000 ticks: too quiet to compare spikes");
    }
}

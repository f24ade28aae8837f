using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// 1,000 ticks of a random network per plasticity rule: outputs every tick, final weights and traces of the OpenCL
/// backend equal the CPU engine's within 1e-5 relative (spikes identical for STDP). Rate networks run at half the
/// reference gain (see <see cref="NeuronKindParityTests"/> for why). The neuromodulated rule's H integrates M·E without
/// decay and feeds back through w + α·H, so at that gain the last-bit differences of E (tanh, summation order) grow
/// (1e-5 after a few hundred ticks with a neuron as modulator); its tests run at a quarter of the reference gain with
/// α = 0.01, where the largest difference after 1,000 ticks is about 3e-6 (in H).
/// </summary>
public sealed class PlasticityParityTests
{
    private static IfmModel Rate(PlasticityRule? rule, float scale = 0.5f, float alpha = 0.1f, int seed = 3) => TestNetworks.Derive(
        RandomNetwork.Create(new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2, Kind = NeuronKind.Ifm, Seed = seed, Rule = rule, Alpha = alpha }),
        weightScale: scale, bias: i => (i % 7 - 3) * 0.05f);

    [Fact]
    public void Hebbian_trace_matches_the_cpu_engine()
    {
        Parity.Run(Rate(new HebbianTraceRule(0.05f, clip: true, wMin: -2f, wMax: 2f)), 1000);
    }

    [Fact]
    public void Hebbian_trace_with_two_groups_matches_the_cpu_engine()
    {
        // Two groups: the CPU engine cannot use its fused kernel and runs the learner after each tick.
        var m = TestNetworks.WithGroups(Rate(null), [new EdgeGroup("static"), new EdgeGroup("plastic", new HebbianTraceRule(0.1f, clip: false))],
            (pre, post) => (pre + post) % 3 == 0 ? 0 : 1, alpha: 0.1f);
        Parity.Run(m, 1000);
    }

    [Fact]
    public void Neuromodulated_rule_with_an_application_modulator_matches_the_cpu_engine()
    {
        var m = Rate(new NeuromodulatedRule(0.02f, new ModulatorSource(ModulatorKind.External), -2f, 2f), scale: 0.25f, alpha: 0.01f);
        Parity.Run(m, 1000, beforeTick: (s, t) => s.Plasticity.SetModulator(((t / 5 * 7919) % 201 - 100) / 100f));
    }

    [Fact]
    public void Neuromodulated_rule_with_an_input_channel_modulator_matches_the_cpu_engine()
    {
        Parity.Run(Rate(new NeuromodulatedRule(0.02f, new ModulatorSource(ModulatorKind.Input, "in3")), scale: 0.25f, alpha: 0.01f, seed: 5), 1000);
    }

    [Fact]
    public void Neuromodulated_rule_with_a_neuron_modulator_matches_the_cpu_engine()
    {
        Parity.Run(Rate(new NeuromodulatedRule(0.02f, new ModulatorSource(ModulatorKind.Neuron, "out0")), scale: 0.25f, alpha: 0.01f), 1000);
    }

    [Fact]
    public void Oja_rule_matches_the_cpu_engine()
    {
        Parity.Run(Rate(new OjaRule(0.01f, -1.5f, 1.5f)), 1000);
    }

    [Fact]
    public void Pes_rule_with_run_time_errors_matches_the_cpu_engine()
    {
        var baseModel = Rate(null);
        var outputs0 = baseModel.FindPopulation("out")!;
        var m = TestNetworks.WithGroups(baseModel, [new EdgeGroup("static"), new EdgeGroup("readout", new PesRule(0.02f, -2f, 2f))],
            (pre, post) => post >= outputs0.Start && post < outputs0.End ? 1 : 0, alpha: 0f);
        var outputs = new float[m.OutputCount];
        var errors = new float[m.OutputCount];
        Parity.Run(m, 1000, beforeTick: (s, t) =>
        {
            s.ReadOutputs(outputs);
            for (int c = 0; c < errors.Length; c++) errors[c] = outputs[c] - 0.5f * MathF.Sin(t * 0.02f + c);
            s.Plasticity.SetErrors(errors);
        });
    }

    [Fact]
    public void Stdp_on_spiking_neurons_matches_the_cpu_engine_spike_for_spike()
    {
        var rule = new StdpRule(tauPlus: 0.02f, tauMinus: 0.02f, aPlus: 1f / 256, aMinus: 1f / 256, wMin: -1f, wMax: 1f);
        var m = TestNetworks.Derive(
            RandomNetwork.Create(new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2, Kind = NeuronKind.Lif, Seed = 4, Rule = rule }),
            dyadic: true,
            parameters: p => NeuronParameters.ForLif([.. Enumerable.Range(0, p.Count).Select(i => 0.004f + 0.001f * (i % 10))],
                TestNetworks.Filled(p.Count, 1f), TestNetworks.Filled(p.Count, 0f), TestNetworks.Filled(p.Count, -0.125f),
                TestNetworks.Filled(p.Count, 4f), LifResetMode.ToReset, 1),
            bias: i => 0.25f + (i % 4) * 0.0625f);
        long spikes = Parity.Run(m, 1000, dyadicInputs: true, compareOutputs: (cpu, gpu, t) => Assert.Equal(cpu, gpu), exactNeurons: true);
        Assert.True(spikes > 10_000, $"only {spikes} spikes: too quiet for STDP to act");
    }

    [Fact]
    public void Frozen_groups_and_learning_rate_scale_match_the_cpu_engine()
    {
        var m = Rate(new OjaRule(0.02f));
        Parity.Run(m, 600, beforeTick: (s, t) =>
        {
            if (t == 100) s.Plasticity.LearningRateScale = 0.5f;
            if (t == 200) s.Plasticity.SetGroupEnabled(0, false);
            if (t == 300) s.Plasticity.SetGroupEnabled(0, true);
            if (t == 400) s.Plasticity.Enabled = false;
            if (t == 500) s.Plasticity.Enabled = true;
        });
    }

    [Fact]
    public void A_per_group_rate_scale_schedule_reaches_the_device_and_matches_the_cpu_engine()
    {
        var m = Rate(new OjaRule(0.02f));
        string group = m.EdgeGroups.First(g => g.IsPlastic).Name;
        var spec = Ifm.Runtime.Learning.LearningSpec.Parse(
            "{\"groups\": {\"" + group + "\": {\"rateScale\": 2, \"schedule\": [[100, 1], [200, 0.25], [300, 0], [400, 1]]}}}", "t");
        var controllers = new Dictionary<INetworkSession, Ifm.Runtime.Learning.LearningController>();
        float[] x = new float[m.InputCount], y = new float[m.OutputCount];
        var expected = new Dictionary<int, float> { [50] = 2f, [150] = 1.25f, [200] = 0.5f, [300] = 0f, [350] = 1f, [500] = 2f };
        Parity.Run(m, 600, beforeTick: (s, t) =>
        {
            if (!controllers.TryGetValue(s, out var c)) controllers[s] = c = Ifm.Runtime.Learning.LearningController.Create(spec, s);
            c.Update(x, y, []);
            int g = s.Plasticity.FindGroup(group);
            if (expected.TryGetValue(t, out float e)) Assert.Equal(e, s.Plasticity.GetGroupRateScale(g), 5);
        });
        Assert.Equal(2, controllers.Count);
    }
}

using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

/// <summary>
/// The CPU engine's tick under feed-forward timing (FORMAT.md §5: populations in file order, same-tick edges read this
/// tick's outputs) allocates no managed memory in steady state, with and without plasticity.
/// </summary>
public sealed class FeedForwardTickTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_feed_forward_tick_allocates_no_managed_memory(bool plastic)
    {
        var m = Model(plastic ? new StdpRule(0.02f, 0.02f, 0.01f, 0.012f, -1f, 1f) : null);
        Assert.NotNull(m.SameTickEdges);
        using var s = new CpuSession(m);
        var inputs = new float[m.InputCount];
        var outputs = new float[m.OutputCount];
        s.Step(100); // warm-up: JIT tiering, static constructors
        SteadyStateAllocation.AssertZero(t =>
        {
            inputs[t % inputs.Length] = (t & 3) == 0 ? 1f : 0f;
            s.SetInputs(inputs);
            s.Step();
            s.ReadOutputs(outputs);
        });
        Assert.True(s.Tick > 10_000);
    }

    /// <summary>Input (identity) → cuba_lif with recurrent edges → li → output (identity): the shape of an imported NIR graph.</summary>
    private static IfmModel Model(PlasticityRule? rule)
    {
        const float dt = 1e-3f;
        var b = new ModelBuilder { Name = "ff", Dt = dt, Timing = TickTiming.FeedForward };
        int g = rule is null ? 0 : b.AddEdgeGroup("plastic", rule);
        var rng = new Random(7);
        float[] F(int n, float v) => Enumerable.Repeat(v, n).ToArray();
        int input = b.AddPopulation("input", NeuronKind.Leaky, NeuronRole.Input, 8, NeuronParameters.ForLeaky(F(8, dt), Activation.Identity));
        int hidden = b.AddPopulation("cuba", NeuronKind.CubaLif, NeuronRole.Hidden, 60, NeuronParameters.Create(new Dictionary<string, float[]>
        {
            ["tau"] = F(60, 0.01f), ["tau_syn"] = F(60, 0.005f), ["v_threshold"] = F(60, 0.5f), ["v_reset"] = F(60, 0f),
            ["v_leak"] = F(60, 0f), ["resistance"] = F(60, 1f), ["w_in"] = F(60, 2f),
        }));
        int li = b.AddPopulation("li", NeuronKind.Li, NeuronRole.Hidden, 4, NeuronParameters.Create(new Dictionary<string, float[]>
        {
            ["tau"] = F(4, 0.02f), ["v_leak"] = F(4, 0f), ["resistance"] = F(4, 1f),
        }));
        int output = b.AddPopulation("output", NeuronKind.Leaky, NeuronRole.Output, 4, NeuronParameters.ForLeaky(F(4, dt), Activation.Identity));
        for (int i = 0; i < 60; i++)
        {
            for (int j = 0; j < 8; j++) b.AddEdge(input + j, hidden + i, (float)rng.NextDouble() * 3f);
            for (int j = 0; j < 60; j++)
            {
                if (rng.NextDouble() < 0.1) b.AddEdge(hidden + j, hidden + i, (float)(rng.NextDouble() - 0.5), g);
            }
        }

        for (int o = 0; o < 4; o++)
        {
            for (int j = 0; j < 60; j++) b.AddEdge(hidden + j, li + o, (float)(rng.NextDouble() - 0.5));
            b.AddEdge(li + o, output + o, 1f);
        }

        return b.Build();
    }
}

using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;
using Ifm.Training.Data;

namespace Ifm.Training.Tests;

/// <summary>Small random networks and data for the tests.</summary>
internal static class TestNetworks
{
    /// <summary>
    /// A random network of one kind (inputs, hidden, outputs) with uniform wiring, random non-zero biases and, when
    /// <paramref name="plastic"/>, a Hebbian trace on every edge with random α.
    /// </summary>
    public static IfmModel Create(NeuronKind kind, int neurons, int inputs, int outputs, double p, bool plastic, int seed,
        Activation activation = Activation.Tanh, LifResetMode reset = LifResetMode.ToReset, TickTiming timing = TickTiming.Synchronous,
        int refractoryTicks = 0)
    {
        var rng = new Random(seed);
        var b = new ModelBuilder { Name = "test", Dt = 0.001f, Timing = timing };
        NeuronParameters Params(int count) => kind switch
        {
            NeuronKind.Ifm => NeuronParameters.ForIfm(Fill(count, () => 0.2f + 0.6f * (float)rng.NextDouble())),
            NeuronKind.Leaky => NeuronParameters.ForLeaky(Fill(count, () => 0.002f + 0.01f * (float)rng.NextDouble()), activation),
            NeuronKind.Lif => NeuronParameters.ForLif(Fill(count, () => 0.002f + 0.004f * (float)rng.NextDouble()), Fill(count, () => 1f), Fill(count, () => 0f),
                Fill(count, () => 0f), Fill(count, () => 1f), reset, refractoryTicks),
            _ => NirParameters(kind, count, rng, reset, refractoryTicks),
        };
        int hidden = neurons - inputs - outputs;
        b.AddPopulation("in", kind, NeuronRole.Input, inputs, Params(inputs), Names("x", inputs));
        b.AddPopulation("hidden", kind, NeuronRole.Hidden, hidden, Params(hidden));
        b.AddPopulation("out", kind, NeuronRole.Output, outputs, Params(outputs), Names("y", outputs));
        int g = plastic ? b.AddEdgeGroup("plastic", new HebbianTraceRule(0.2f, clip: true)) : b.AddEdgeGroup("static");
        for (int n = 0; n < neurons; n++) b.SetBias(n, (float)(rng.NextDouble() - 0.5) * (Spiking(kind) ? 1f : 0.4f));
        for (int post = inputs; post < neurons; post++)
        {
            for (int pre = 0; pre < neurons; pre++)
            {
                if (rng.NextDouble() >= p) continue;
                float w = (float)(rng.NextDouble() * 2 - 1) * (Spiking(kind) ? 1.5f : 0.9f);
                float alpha = plastic ? (float)(rng.NextDouble() * 2 - 1) * 0.5f : 0f;
                b.AddEdge(pre, post, w, g, alpha);
            }
        }

        return b.Build();
    }

    /// <summary>True for the spiking kinds (their tests drive them harder so that they fire).</summary>
    public static bool Spiking(NeuronKind kind) => NeuronModels.Of(kind).Spiking;

    /// <summary>
    /// Random parameters of a NIR kind from its specs: time constants 2–6 ms, threshold 1, reset 0, a small leak
    /// potential, and a resistance that makes a unit current move v by a few percent per tick (kinds without leak:
    /// R = 100–200, so dt·R is 0.1–0.2).
    /// </summary>
    private static NeuronParameters NirParameters(NeuronKind kind, int count, Random rng, LifResetMode reset, int refractoryTicks)
    {
        var model = NeuronModels.Of(kind);
        bool leak = model.ParameterSpecs.Any(s => s.Name == "tau");
        var arrays = new Dictionary<string, float[]>();
        foreach (var spec in model.ParameterSpecs)
        {
            arrays[spec.Name] = spec.Name switch
            {
                "tau" or "tau_syn" => Fill(count, () => 0.002f + 0.004f * (float)rng.NextDouble()),
                "v_threshold" => Fill(count, () => 1f),
                "v_reset" => Fill(count, () => 0f),
                "v_leak" => Fill(count, () => 0.1f * (float)rng.NextDouble() - 0.05f),
                "resistance" => Fill(count, () => (leak ? 1f : 100f) * (1f + (float)rng.NextDouble())),
                "w_in" => Fill(count, () => 0.5f + (float)rng.NextDouble()),
                _ => throw new ArgumentException($"no test values for parameter {spec.Name}"),
            };
        }

        return NeuronParameters.Create(arrays, Activation.Tanh, reset, model.Spiking ? refractoryTicks : 0);
    }

    public static TickSequence RandomSequence(int ticks, int inputs, int outputs, int seed, float inputScale = 1f)
    {
        var rng = new Random(seed);
        var x = new float[ticks * inputs];
        var y = new float[ticks * outputs];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) * inputScale;
        for (int i = 0; i < y.Length; i++) y[i] = (float)(rng.NextDouble() * 2 - 1) * 0.8f;
        return new TickSequence("random", inputs, x, outputs, y);
    }

    private static float[] Fill(int n, Func<float> f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = f();
        return a;
    }

    private static string[] Names(string prefix, int n) => [.. Enumerable.Range(0, n).Select(i => prefix + i)];
}

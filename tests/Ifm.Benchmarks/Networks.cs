using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Benchmarks;

/// <summary>
/// The two network shapes every benchmark (and the C baseline in tests/bench) uses, built in memory with the
/// reference wiring: a small dense one (300 neurons, p = 0.2: ≈16 k synapses, dense layout) and a large sparse one
/// (10 000 neurons, p = 0.01: ≈1 M synapses, CSR layout).
/// </summary>
public static class Networks
{
    public const string Small = "300/20%";
    public const string Large = "10k/1M";

    public static IfmModel Static(string size) => RandomNetwork.Create(Options(size));

    /// <summary>The same network with every edge in one hebbian_trace group (η 0.05, α 0.1), as <c>ifm new --rule hebbian_trace</c> makes it.</summary>
    public static IfmModel Plastic(string size) => RandomNetwork.Create(Options(size) with { Rule = new HebbianTraceRule(eta: 0.05f) });

    /// <summary>Fixed pseudo-random inputs in [0, 1) so the network is active while it is timed.</summary>
    public static float[] Inputs(IfmModel model)
    {
        var rng = new Random(7);
        var x = new float[model.InputCount];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        return x;
    }

    private static RandomNetworkOptions Options(string size) => size switch
    {
        Small => new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2 },
        Large => new RandomNetworkOptions { Neurons = 10_000, Connectivity = 0.01 },
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "unknown network size"),
    };
}

using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Training.Network;

/// <summary>How edges are drawn for a new network.</summary>
public enum Wiring
{
    /// <summary>The paper's reference wiring: inputs receive nothing; outputs only from hidden; hidden from any neuron but outputs and themselves.</summary>
    Reference,

    /// <summary>Every non-input neuron receives from every neuron (self-loops included) with probability p.</summary>
    Uniform,
}

/// <summary>Shape of a network to train from scratch.</summary>
public sealed record NetworkSpec
{
    public int Neurons { get; init; } = 300;

    public double Connectivity { get; init; } = 0.2;

    public Wiring Wiring { get; init; } = Wiring.Reference;

    public NeuronKind Kind { get; init; } = NeuronKind.Ifm;

    /// <summary>Put every edge under a differentiable Hebbian trace (α and η learned).</summary>
    public bool Plastic { get; init; }

    /// <summary>Initial trace rate η of a plastic network.</summary>
    public float Eta { get; init; } = 0.1f;

    public float Dt { get; init; } = 0.001f;

    public int Seed { get; init; } = 1;

    public string Name { get; init; } = "trained";

    public required IReadOnlyList<string> InputNames { get; init; }

    public required IReadOnlyList<string> OutputNames { get; init; }
}

/// <summary>Builds the untrained starting model with the reference initialisation (design brief §1).</summary>
public static class NetworkFactory
{
    public static IfmModel Create(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int inputs = spec.InputNames.Count, outputs = spec.OutputNames.Count;
        var random = RandomNetwork.Create(new RandomNetworkOptions
        {
            Neurons = spec.Neurons,
            Inputs = inputs,
            Outputs = outputs,
            Connectivity = spec.Connectivity,
            Kind = spec.Kind,
            Seed = spec.Seed,
            Dt = spec.Dt,
            Name = spec.Name,
        });

        var b = new ModelBuilder { Name = spec.Name, Dt = spec.Dt };
        foreach (var p in random.Populations)
        {
            var labels = p.Role switch { NeuronRole.Input => spec.InputNames, NeuronRole.Output => spec.OutputNames, _ => p.Labels };
            b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, p.Parameters, labels);
        }

        int group = spec.Plastic ? b.AddEdgeGroup("plastic", new HebbianTraceRule(spec.Eta, clip: true)) : b.AddEdgeGroup("static");
        if (spec.Wiring == Wiring.Reference)
        {
            for (int k = 0; k < random.EdgeCount; k++) b.AddEdge(random.Pre[k], random.Post[k], random.Weight[k], group);
        }
        else
        {
            var rng = new Random(spec.Seed);
            var pres = new List<int>();
            for (int i = inputs; i < spec.Neurons; i++)
            {
                pres.Clear();
                for (int j = 0; j < spec.Neurons; j++)
                {
                    if (rng.NextDouble() < spec.Connectivity) pres.Add(j);
                }

                float bound = MathF.Sqrt(6f / (pres.Count + 1));
                foreach (int j in pres) b.AddEdge(j, i, (float)(rng.NextDouble() * 2 - 1) * bound, group);
            }
        }

        return b.Build();
    }
}

namespace Ifm.Runtime.Model;

/// <summary>Options for <see cref="RandomNetwork.Create"/>.</summary>
public sealed record RandomNetworkOptions
{
    /// <summary>Total neurons, inputs and outputs included.</summary>
    public int Neurons { get; init; } = 300;

    public int Inputs { get; init; } = 24;

    public int Outputs { get; init; } = 3;

    /// <summary>Probability p of each allowed edge.</summary>
    public double Connectivity { get; init; } = 0.2;

    public NeuronKind Kind { get; init; } = NeuronKind.Ifm;

    public int Seed { get; init; } = 1;

    public float Dt { get; init; } = 0.001f;

    public string Name { get; init; } = "random";

    /// <summary>When set, every edge joins one plastic group "plastic" with this rule.</summary>
    public Plasticity.PlasticityRule? Rule { get; init; }

    /// <summary>α of every edge when <see cref="Rule"/> uses it.</summary>
    public float Alpha { get; init; } = 0.1f;
}

/// <summary>
/// Random networks with the paper's reference wiring and initialisation (design brief §1): inputs receive nothing;
/// outputs receive only from hidden neurons; hidden neurons receive from any neuron except outputs and themselves;
/// each allowed edge is present with probability p; incoming weights of neuron i are uniform in ±√(6/(fan_in+1));
/// biases 0; IFM a = 0.5. Same options and seed, same network.
/// </summary>
public static class RandomNetwork
{
    public static IfmModel Create(RandomNetworkOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Inputs < 1 || o.Outputs < 1) throw new ModelValidationException("a network needs at least one input and one output neuron");
        int hidden = o.Neurons - o.Inputs - o.Outputs;
        if (hidden < 1) throw new ModelValidationException($"{o.Neurons} neurons leave no hidden neuron after {o.Inputs} inputs and {o.Outputs} outputs");
        if (!(o.Connectivity > 0 && o.Connectivity <= 1)) throw new ModelValidationException($"connectivity must be in (0, 1], got {o.Connectivity}");

        var b = new ModelBuilder { Name = o.Name, Dt = o.Dt };
        int inStart = b.AddPopulation("in", o.Kind, NeuronRole.Input, o.Inputs, labels: Labels("in", o.Inputs));
        int hidStart = b.AddPopulation("hidden", o.Kind, NeuronRole.Hidden, hidden);
        int outStart = b.AddPopulation("out", o.Kind, NeuronRole.Output, o.Outputs, labels: Labels("out", o.Outputs));
        if (o.Rule is not null) b.AddEdgeGroup("plastic", o.Rule);
        var rng = new Random(o.Seed);
        var pres = new List<int>();

        // Hidden neuron i: from inputs and other hidden neurons.
        for (int i = hidStart; i < outStart; i++)
        {
            pres.Clear();
            for (int j = inStart; j < outStart; j++)
            {
                if (j != i && rng.NextDouble() < o.Connectivity) pres.Add(j);
            }

            AddIncoming(b, rng, i, pres, o);
        }

        // Output neuron i: from hidden neurons only.
        for (int i = outStart; i < outStart + o.Outputs; i++)
        {
            pres.Clear();
            for (int j = hidStart; j < outStart; j++)
            {
                if (rng.NextDouble() < o.Connectivity) pres.Add(j);
            }

            AddIncoming(b, rng, i, pres, o);
        }

        return b.Build();
    }

    private static void AddIncoming(ModelBuilder b, Random rng, int post, List<int> pres, RandomNetworkOptions o)
    {
        float bound = MathF.Sqrt(6f / (pres.Count + 1));
        float alpha = o.Rule?.UsesAlpha == true ? o.Alpha : 0f;
        foreach (int pre in pres) b.AddEdge(pre, post, (float)(rng.NextDouble() * 2 - 1) * bound, 0, alpha);
    }

    private static string[] Labels(string prefix, int count)
    {
        var l = new string[count];
        for (int i = 0; i < count; i++) l[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return l;
    }
}

using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Import.Nir;

/// <summary>
/// Turns an .ifm model built from NIR-expressible parts back into a NIR graph (<c>ifm export --format nir</c>), so a
/// model adapted on the device can return to the training framework. The inverse of <see cref="NirImporter"/>:
/// <list type="bullet">
/// <item>populations of the NIR kinds (lif, cuba_lif, li, cuba_li, if, integrator; reset to v_reset, no refractory
/// ticks) become LIF, CubaLIF, LI, CubaLI, IF and I nodes with NIR's parameter names;</item>
/// <item>identity populations (leaky, τ = dt, identity activation: y = Σw·y + b + x) become Input nodes (input role),
/// Output nodes (output role) and, when hidden, Affine nodes carrying the weights of their one source and their bias —
/// or a Delay node of dt when the population updates before its one source and copies it (it holds the previous tick);</item>
/// <item>step populations (leaky, τ = dt, step activation) become Threshold nodes, the threshold the bias's negative;</item>
/// <item>the edges from one population to another are a direct NIR edge when they are one-to-one with weight 1,
/// otherwise a Linear node (an Affine one when it also carries the bias of a neuron population) between the two.</item>
/// </list>
/// Every node carries <c>metadata/ifm_update_order</c>, its place in the tick's update order: the importer follows
/// it, so the edges that read the previous tick (those that close a cycle) stay the same through a round trip and the
/// re-imported model computes exactly what this one does. Other NIR readers ignore it. The model must use
/// feed-forward timing (under synchronous timing every edge delays one tick, which NIR does not express).
/// </summary>
public static class NirExporter
{
    /// <summary>Metadata entry holding a node's update order.</summary>
    public const string UpdateOrderKey = "ifm_update_order";

    /// <param name="model">The model.</param>
    /// <param name="weights">Weights to export in CSR edge order (a checkpoint's learned weights); default the model's.</param>
    public static NirGraph ToGraph(IfmModel model, float[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        string src = string.IsNullOrEmpty(model.Name) ? "model" : model.Name;
        if (model.Timing != TickTiming.FeedForward)
        {
            throw new IfmFormatException($"{src}: uses synchronous timing (every edge delays one tick), which NIR cannot express; " +
                "only models with feed-forward timing (imported NIR graphs) export to NIR");
        }

        var w = weights ?? model.Weight.ToArray();
        if (w.Length != model.EdgeCount) throw new ArgumentException($"{w.Length} weights for {model.EdgeCount} edges", nameof(weights));
        var pops = model.Populations;
        var populationOf = new int[model.NeuronCount];
        for (int p = 0; p < pops.Count; p++) Array.Fill(populationOf, p, pops[p].Start, pops[p].Count);

        // The edges between each ordered pair of populations, as dense [post, pre] matrices.
        var blocks = new SortedDictionary<(int Dst, int Src), float[]>();
        var pre = model.Pre;
        var post = model.Post;
        for (int k = 0; k < w.Length; k++)
        {
            int sp = populationOf[pre[k]], dp = populationOf[post[k]];
            if (!blocks.TryGetValue((dp, sp), out var m)) blocks[(dp, sp)] = m = new float[pops[dp].Count * pops[sp].Count];
            m[(post[k] - pops[dp].Start) * pops[sp].Count + (pre[k] - pops[sp].Start)] = w[k];
        }

        var names = new HashSet<string>(pops.Select(p => p.Name), StringComparer.Ordinal);
        var nodes = new List<NirNode>();
        var edges = new List<(string, string)>();
        long order = 0;
        var bias = model.Bias;
        for (int d = 0; d < pops.Count; d++)
        {
            var p = pops[d];
            var pb = bias.Slice(p.Start, p.Count).ToArray();
            bool hasBias = pb.Any(x => x != 0);
            var incoming = blocks.Where(kv => kv.Key.Dst == d).Select(kv => (Src: kv.Key.Src, W: kv.Value)).ToList();
            bool identity = IsIdentity(p, model.Dt, Activation.Identity);
            bool step = IsIdentity(p, model.Dt, Activation.Step);
            if (!identity && !step && !NirKinds.ContainsKey(p.Kind))
            {
                throw new IfmFormatException($"{src}: population '{p.Name}' is of kind {NeuronModels.Of(p.Kind).Name}, which NIR cannot express " +
                    "(exportable: identity and step populations and lif, cuba_lif, li, cuba_li, if, integrator)");
            }

            if (p.Role == NeuronRole.Input)
            {
                if (!identity) throw new IfmFormatException($"{src}: input population '{p.Name}' is not an identity population (a NIR Input node passes its values on)");
                if (incoming.Count > 0 || hasBias) throw new IfmFormatException($"{src}: input population '{p.Name}' has incoming edges or a bias, which a NIR Input node cannot have");
                nodes.Add(Node(p.Name, "Input", order++, ("shape", Vector([p.Count]))));
                continue;
            }

            if (identity && p.Role == NeuronRole.Hidden && !hasBias && incoming.Count == 1 && incoming[0].Src > d && IsOneToOne(incoming[0].W, p.Count, pops[incoming[0].Src].Count))
            {
                // It updates before its one source and copies it: it holds the source's previous tick, a Delay of dt.
                nodes.Add(Node(p.Name, "Delay", order++, ("delay", Vector(Filled(p.Count, model.Dt)))));
                edges.Add((pops[incoming[0].Src].Name, p.Name));
                continue;
            }

            if (identity && p.Role != NeuronRole.Output && incoming.Count == 1)
            {
                // The importer's Affine/Linear/Scale/Flatten: the weights of the one source and the bias in one node.
                var (s, m) = incoming[0];
                nodes.Add(Node(p.Name, "Affine", order++, ("weight", Matrix(m, p.Count, pops[s].Count)), ("bias", Vector(pb))));
                edges.Add((pops[s].Name, p.Name));
                continue;
            }

            if (incoming.Count == 0 && hasBias)
                throw new IfmFormatException($"{src}: population '{p.Name}' has a bias but no incoming edges, which NIR cannot express");

            // Connectors first (they update before the node they feed); the bias rides on the first one.
            bool biasPlaced = !hasBias || (identity && p.Role != NeuronRole.Output) || step;
            foreach (var (s, m) in incoming)
            {
                bool carriesBias = !biasPlaced;
                if (!carriesBias && IsOneToOne(m, p.Count, pops[s].Count))
                {
                    edges.Add((pops[s].Name, p.Name));
                    continue;
                }

                string link = Unique($"{pops[s].Name}_to_{p.Name}", names);
                nodes.Add(carriesBias
                    ? Node(link, "Affine", order++, ("weight", Matrix(m, p.Count, pops[s].Count)), ("bias", Vector(pb)))
                    : Node(link, "Linear", order++, ("weight", Matrix(m, p.Count, pops[s].Count))));
                biasPlaced = true;
                edges.Add((pops[s].Name, link));
                edges.Add((link, p.Name));
            }

            if (p.Role == NeuronRole.Output)
            {
                if (!identity) throw new IfmFormatException($"{src}: output population '{p.Name}' is not an identity population (a NIR Output node passes its input on)");
                nodes.Add(Node(p.Name, "Output", order++, ("shape", Vector([p.Count]))));
            }
            else if (identity)
            {
                // A summing point of several sources: an Affine node with identity weights and the bias.
                var eye = new float[p.Count * p.Count];
                for (int i = 0; i < p.Count; i++) eye[i * p.Count + i] = 1f;
                nodes.Add(Node(p.Name, "Affine", order++, ("weight", Matrix(eye, p.Count, p.Count)), ("bias", Vector(pb))));
            }
            else if (step)
            {
                // The importer's Threshold: the step of the summed input plus the bias, the threshold's negative.
                var threshold = new float[pb.Length];
                for (int i = 0; i < pb.Length; i++) threshold[i] = -pb[i];
                nodes.Add(Node(p.Name, "Threshold", order++, ("threshold", Vector(threshold))));
            }
            else
            {
                nodes.Add(Neuron(p, order++, src));
            }
        }

        return new NirGraph(nodes, edges);
    }

    private static readonly Dictionary<NeuronKind, string> NirKinds = new()
    {
        [NeuronKind.Lif] = "LIF",
        [NeuronKind.CubaLif] = "CubaLIF",
        [NeuronKind.Li] = "LI",
        [NeuronKind.CubaLi] = "CubaLI",
        [NeuronKind.If] = "IF",
        [NeuronKind.Integrator] = "I",
    };

    /// <summary>A NIR neuron node from a population of a NIR kind, parameters under NIR's names.</summary>
    private static NirNode Neuron(Population p, long order, string src)
    {
        var q = p.Parameters;
        bool spiking = p.Kind is NeuronKind.Lif or NeuronKind.CubaLif or NeuronKind.If;
        if (spiking && (q.ResetMode != LifResetMode.ToReset || q.RefractoryTicks != 0))
        {
            throw new IfmFormatException($"{src}: population '{p.Name}' resets by subtracting the threshold or has refractory ticks, " +
                "which NIR's neurons do not have (they reset to v_reset and have no refractory period)");
        }

        (string, NirArray) A(string nir, string ifm) => (nir, Vector(q[ifm]));
        string type = NirKinds[p.Kind];
        return p.Kind switch
        {
            NeuronKind.Lif => Node(p.Name, type, order, A("tau", "tau"), A("r", "resistance"), A("v_leak", "v_leak"), A("v_threshold", "v_threshold"), A("v_reset", "v_reset")),
            NeuronKind.CubaLif => Node(p.Name, type, order, A("tau_mem", "tau"), A("tau_syn", "tau_syn"), A("r", "resistance"), A("v_leak", "v_leak"),
                A("v_threshold", "v_threshold"), A("v_reset", "v_reset"), A("w_in", "w_in")),
            NeuronKind.Li => Node(p.Name, type, order, A("tau", "tau"), A("r", "resistance"), A("v_leak", "v_leak")),
            NeuronKind.CubaLi => Node(p.Name, type, order, A("tau_mem", "tau"), A("tau_syn", "tau_syn"), A("r", "resistance"), A("v_leak", "v_leak"), A("w_in", "w_in")),
            NeuronKind.If => Node(p.Name, type, order, A("r", "resistance"), A("v_threshold", "v_threshold"), A("v_reset", "v_reset")),
            _ => Node(p.Name, type, order, A("r", "resistance")),
        };
    }

    /// <summary>A leaky population with activation f and τ = dt: y = f(Σw·y + b + x) exactly (identity: the sum itself).</summary>
    private static bool IsIdentity(Population p, float dt, Activation f) =>
        p.Kind == NeuronKind.Leaky && p.Parameters.Activation == f && p.Parameters.Tau.All(t => dt / t == 1f);

    private static float[] Filled(int count, float v)
    {
        var a = new float[count];
        Array.Fill(a, v);
        return a;
    }

    private static bool IsOneToOne(float[] m, int rows, int cols)
    {
        if (rows != cols) return false;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (m[i * cols + j] != (i == j ? 1f : 0f)) return false;
            }
        }

        return true;
    }

    private static string Unique(string name, HashSet<string> taken)
    {
        string n = name;
        for (int i = 2; !taken.Add(n); i++) n = $"{name}_{i}";
        return n;
    }

    private static NirNode Node(string name, string type, long order, params (string Name, NirArray Value)[] parameters) =>
        new(name, type, parameters.ToDictionary(x => x.Name, x => x.Value, StringComparer.Ordinal), null) { UpdateOrder = order };

    private static NirArray Vector(float[] values) => new(values, [values.Length]);

    private static NirArray Vector(int[] values) => new([.. values.Select(v => (float)v)], [values.Length]);

    private static NirArray Matrix(float[] values, int rows, int cols) => new(values, [rows, cols]);
}

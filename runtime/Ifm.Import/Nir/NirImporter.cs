using System.Globalization;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Import.Nir;

/// <summary>Options of <see cref="NirImporter.ToModel"/>.</summary>
public sealed record NirImportOptions
{
    /// <summary>Time step in seconds (NIR graphs are continuous-time; the frameworks choose dt when they run them).</summary>
    public float Dt { get; init; } = 1e-4f;

    public string Name { get; init; } = "nir";

    /// <summary>
    /// Plasticity rules by NIR node name: the weights of that node learn with the rule (an edge group named after the
    /// node). An Affine or Linear node whose one consumer is a neuron node or an Output node is folded into it: its
    /// weights become the edges from its sources straight to the consumer (its bias the consumer's), so the rule sees
    /// the consumer's neurons as post-synaptic (their spikes for STDP, the output for PES). For any other node the rule
    /// applies to the edges into the node's own population.
    /// </summary>
    public IReadOnlyDictionary<string, Ifm.Runtime.Plasticity.PlasticityRule>? Plasticity { get; init; }
}

/// <summary>
/// Turns a NIR graph into an .ifm model with feed-forward timing (<see cref="TickTiming.FeedForward"/>): every node
/// becomes a population, in a topological order of the graph (edges that close a cycle read the previous tick, as
/// in the frameworks). Neuron nodes (LIF, CubaLIF, LI, CubaLI, IF, I) become populations of the matching kind with
/// NIR's parameters; Input, Output, Affine, Linear, Scale and Flatten become populations of identity neurons (leaky
/// neurons with τ = dt and the identity activation: y = Σw·y + b + x exactly) whose incoming edges carry the weight
/// matrix, the bias, or one-to-one weights. Threshold becomes a population of step neurons (τ = dt, y = 1 if s &gt; 0)
/// with the threshold as a negative bias; Delay a chain of identity stage populations that read the previous tick (see
/// runtime/Ifm.Import/README.md). A node's inputs are summed, one-to-one. Nested graphs are flattened.
/// When every node carries <c>metadata/ifm_update_order</c> (graphs written by <see cref="NirExporter"/>) that order
/// is the update order instead of the search's, so a round trip keeps which edges read the previous tick.
/// </summary>
public static class NirImporter
{
    /// <summary>Node types the importer maps.</summary>
    public static readonly string[] Supported = ["Input", "Output", "Affine", "Linear", "Scale", "Flatten", "LIF", "CubaLIF", "LI", "CubaLI", "IF", "I", "Threshold", "Delay", "NIRGraph"];

    /// <summary>The most delay stages one Delay node may need (delay / dt), and the most neurons all its stages may hold.</summary>
    private const int MaxDelaySteps = 100_000, MaxDelayNeurons = 1 << 22;

    public static IfmModel ToModel(NirGraph graph, NirImportOptions? options = null, string source = "model.nir")
    {
        ArgumentNullException.ThrowIfNull(graph);
        options ??= new NirImportOptions();
        if (!(options.Dt > 0) || !float.IsFinite(options.Dt)) throw new IfmFormatException($"{source}: dt must be a positive number of seconds");
        var nodes = new Dictionary<string, NirNode>(StringComparer.Ordinal);
        var edges = new List<(string, string)>();
        Flatten(graph, "", nodes, edges, source, topLevel: true);

        // Delay nodes: whole time steps per element (delay / dt). A Delay whose every element waits at least one step
        // is a chain of stage populations, each reading the previous tick of the one before (below); its incoming edges
        // are left out of the search, so a cycle through it is closed by the delay itself and reads no extra step.
        var steps = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, n) in nodes)
        {
            if (n.Type == "Delay") steps[name] = DelaySteps(n, name, options.Dt, source);
        }

        // Topological order by depth-first search from the inputs; an edge to a node on the current path closes a cycle.
        bool fromMetadata = HasUpdateOrder(nodes);
        List<(string, string)> searched = [];
        foreach (var e in edges)
        {
            if (!(steps.TryGetValue(e.Item2, out var d) && MinOf(d) >= 1)) searched.Add(e);
        }

        var order = fromMetadata ? MetadataOrder(nodes) : TopologicalOrder(nodes, searched);

        var b = new ModelBuilder { Name = options.Name, Dt = options.Dt, Timing = TickTiming.FeedForward };
        var start = new Dictionary<string, int>(StringComparer.Ordinal);
        var size = new Dictionary<string, int>(StringComparer.Ordinal);
        var incoming = edges.GroupBy(e => e.Item2).ToDictionary(g => g.Key, g => g.Select(e => e.Item1).ToList(), StringComparer.Ordinal);

        // Learning nodes: one edge group each (group 0 holds the fixed edges), and the Affine/Linear ones folded into
        // their consumer where that keeps every edge's timing (see NirImportOptions.Plasticity).
        var group = new Dictionary<string, int>(StringComparer.Ordinal);
        var foldInto = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.Plasticity is { Count: > 0 } rules)
        {
            b.AddEdgeGroup("default");
            foreach (var (name, rule) in rules)
            {
                if (!nodes.TryGetValue(name, out var n))
                    throw new IfmFormatException($"{source}: plasticity names node '{name}', which does not exist (nodes: {string.Join(", ", nodes.Keys)})");
                if (n.Type is "Input" or "Flatten" or "Delay" or "Threshold" || (n.Type is "Output" && !incoming.ContainsKey(name)))
                    throw Bad(source, name, $"{n.Type} nodes have no weights to learn (name an Affine, Linear or Scale node, or a neuron node)");
                group[name] = b.AddEdgeGroup(name, rule);
                if (n.Type is "Affine" or "Linear" && FoldTarget(name, nodes, edges, order, steps) is { } target) foldInto[name] = target;
            }
        }

        // Sizes first (a node's size may come from its inputs: Output, Flatten), in the search's order.
        var sizeOrder = fromMetadata ? TopologicalOrder(nodes, edges) : order;
        foreach (var name in sizeOrder) size[name] = SizeOf(nodes[name], name, incoming, size, source);

        // Delay stages: stage s of a node holds its input of s ticks ago. A stage updates before the population it reads
        // (so it reads that population's previous tick): from the search, all stages come first, a node's stages from
        // the last to the first, and the nodes in an order where a Delay fed by another Delay comes before it; from
        // metadata (files ifm wrote), each node's stages at its place.
        var stageStart = new Dictionary<string, int[]>(StringComparer.Ordinal);
        void AddStages(string name)
        {
            int depth = MaxOf(steps[name]), count = size[name];
            if (depth < 1) return;
            if ((long)depth * count > MaxDelayNeurons) throw Bad(source, name, $"delay needs {depth} stages of {count} neurons (limit {MaxDelayNeurons:N0} neurons)");
            var at = new int[depth + 1];
            bool uniform = MinOf(steps[name]) == depth;
            for (int s = depth; s >= 1; s--)
            {
                string stage = s == depth && uniform ? PopulationName(name) : $"{name}.delay{s}";
                at[s] = b.AddPopulation(stage, NeuronKind.Leaky, NeuronRole.Hidden, count, NeuronParameters.ForLeaky(Filled(count, options.Dt), Activation.Identity));
            }

            stageStart[name] = at;
            if (uniform) start[name] = at[depth];
        }

        if (!fromMetadata) foreach (var name in DelayBlockOrder(steps, edges)) AddStages(name);
        foreach (var name in order)
        {
            if (fromMetadata && steps.ContainsKey(name)) AddStages(name);
            if (start.ContainsKey(name) || foldInto.ContainsKey(name)) continue;
            var node = nodes[name];
            int count = size[name];
            string label = name.Length == 0 ? "n" : name;
            var role = node.Type == "Input" ? NeuronRole.Input : node.Type == "Output" ? NeuronRole.Output : NeuronRole.Hidden;
            var labels = role == NeuronRole.Hidden ? null : Enumerable.Range(0, count).Select(i => count == 1 ? label : $"{label}[{i}]").ToArray();
            var (kind, parameters) = Neuron(node, name, count, options.Dt, source);
            start[name] = b.AddPopulation(PopulationName(name), kind, role, count, parameters, labels);
            if (node.Type == "Threshold")
            {
                // z = 1 if v > v_thr: the step of v + (−v_thr), which has the sign of v − v_thr exactly.
                var thr = Require(node, "threshold", name, source);
                for (int i = 0; i < count; i++) b.SetBias(start[name] + i, -(thr.Count == 1 ? thr.Values[0] : thr.Values[i]));
            }
        }

        foreach (var name in order)
        {
            var node = nodes[name];
            int post = start.TryGetValue(name, out int at0) ? at0 : -1, count = size[name];
            if (stageStart.TryGetValue(name, out var at))
            {
                // Stage 1 sums the inputs, stage s reads stage s − 1, and where the node is not the last stage itself it
                // takes element i from stage d_i (from its inputs where d_i = 0).
                int depth = at.Length - 1;
                foreach (var src in Sources(name, incoming))
                {
                    if (size[src] != count) throw Bad(source, name, $"has {count} neurons but its input '{src}' gives {size[src]} values (shapes disagree)");
                    for (int i = 0; i < count; i++)
                    {
                        b.AddEdge(start[src] + i, at[1] + i, 1f);
                        if (post != at[depth] && steps[name][i] == 0) b.AddEdge(start[src] + i, post + i, 1f);
                    }
                }

                for (int s = 2; s <= depth; s++)
                {
                    for (int i = 0; i < count; i++) b.AddEdge(at[s - 1] + i, at[s] + i, 1f);
                }

                if (post != at[depth])
                {
                    for (int i = 0; i < count; i++)
                    {
                        if (steps[name][i] > 0) b.AddEdge(at[steps[name][i]] + i, post + i, 1f);
                    }
                }

                continue;
            }

            if (node.Type is "Affine" or "Linear")
            {
                int g = group.GetValueOrDefault(name);
                if (foldInto.TryGetValue(name, out var into))
                {
                    post = start[into];
                    if (size[into] != count) throw Bad(source, into, $"has {size[into]} neurons but its input '{name}' gives {count} values (shapes disagree)");
                }

                var w = Require(node, "weight", name, source);
                if (w.Shape.Length != 2) throw Bad(source, name, $"weight has shape [{Shape(w)}], expected [out, in]");
                int rows = (int)w.Shape[0], cols = (int)w.Shape[1];
                if (node.Type == "Affine")
                {
                    var bias = Require(node, "bias", name, source);
                    if (bias.Count != rows) throw Bad(source, name, $"bias has {bias.Count} values for {rows} outputs");
                    for (int i = 0; i < rows; i++) b.SetBias(post + i, foldInto.ContainsKey(name) ? b.GetBias(post + i) + bias.Values[i] : bias.Values[i]);
                }

                foreach (var src in Sources(name, incoming))
                {
                    if (size[src] != cols) throw Bad(source, name, $"weight expects {cols} inputs, '{src}' gives {size[src]}");
                    for (int i = 0; i < rows; i++)
                    {
                        for (int j = 0; j < cols; j++)
                        {
                            float v = w.Values[i * cols + j];
                            if (v != 0 || g != 0) b.AddEdge(start[src] + j, post + i, v, g);
                        }
                    }
                }

                continue;
            }

            var scale = node.Type == "Scale" ? Require(node, "scale", name, source) : null;
            if (scale is not null && scale.Count != count) throw Bad(source, name, $"scale has {scale.Count} values for {count} neurons");
            int eg = group.GetValueOrDefault(name);
            foreach (var src in Sources(name, incoming))
            {
                if (foldInto.ContainsKey(src)) continue;  // its weights were wired straight here
                if (size[src] != count) throw Bad(source, name, $"has {count} neurons but its input '{src}' gives {size[src]} values (shapes disagree)");
                for (int i = 0; i < count; i++) b.AddEdge(start[src] + i, post + i, scale?.Values[i] ?? 1f, eg);
            }
        }

        try
        {
            return b.Build();
        }
        catch (ModelValidationException e)
        {
            throw new IfmFormatException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The node an Affine/Linear node <paramref name="name"/> can be folded into: its only consumer, a neuron or Output
    /// node (not Threshold, whose bias is its threshold, nor Delay), fed after it within the tick, and every source of
    /// the node on the same side of the consumer as of the node itself (each edge keeps reading the same tick).
    /// </summary>
    private static string? FoldTarget(string name, Dictionary<string, NirNode> nodes, List<(string Source, string Target)> edges, List<string> order,
        Dictionary<string, int[]> steps)
    {
        string? n = null;
        foreach (var (s, t) in edges)
        {
            if (s != name) continue;
            if (n is not null && n != t) return null;
            n = t;
        }

        if (n is null) return null;
        if (nodes[n].Type is "Input" or "Flatten" or "Affine" or "Linear" or "Scale" or "Threshold" or "Delay" or "NIRGraph" || steps.ContainsKey(n)) return null;
        int at = order.IndexOf(name), into = order.IndexOf(n);
        if (at < 0 || into <= at) return null;
        foreach (var (s, t) in edges)
        {
            if (t != name) continue;
            int si = order.IndexOf(s);
            if (si < 0 || (si < at) != (si < into)) return null;
        }

        return n;
    }

    private static IEnumerable<string> Sources(string name, Dictionary<string, List<string>> incoming) =>
        incoming.TryGetValue(name, out var s) ? s : [];

    private static void Flatten(NirGraph g, string prefix, Dictionary<string, NirNode> nodes, List<(string, string)> edges, string source, bool topLevel)
    {
        var local = new Dictionary<string, NirNode>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (!local.TryAdd(n.Name, n)) throw Bad(source, prefix + n.Name, "node name used twice");
            if (!Supported.Contains(n.Type))
                throw new IfmFormatException($"{source}: node '{prefix}{n.Name}': type {n.Type} is not supported (supported: {string.Join(", ", Supported)})");
        }

        foreach (var n in g.Nodes)
        {
            if (n.Subgraph is { } sub) Flatten(sub, prefix + n.Name + ".", nodes, edges, source, topLevel: false);
            else if (!topLevel && n.Type is "Input" or "Output") nodes.Add(prefix + n.Name, n with { Type = "Flatten" });
            else nodes.Add(prefix + n.Name, n);
        }

        foreach (var (s, t) in g.Edges)
        {
            edges.Add((Resolve(s, local, prefix, source, output: true), Resolve(t, local, prefix, source, output: false)));
        }
    }

    /// <summary>An edge end: a node, "sub.inner" inside a subgraph, or a subgraph itself (its single Input or Output).</summary>
    private static string Resolve(string name, Dictionary<string, NirNode> local, string prefix, string source, bool output)
    {
        if (local.TryGetValue(name, out var n))
        {
            if (n.Subgraph is null) return prefix + name;
            var ends = n.Subgraph.Nodes.Where(x => x.Type == (output ? "Output" : "Input")).ToList();
            if (ends.Count != 1) throw Bad(source, prefix + name, $"an edge names the subgraph, which has {ends.Count} {(output ? "Output" : "Input")} nodes (name one)");
            return prefix + name + "." + ends[0].Name;
        }

        int dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0 && local.TryGetValue(name[..dot], out var s) && s.Subgraph is { } sub && sub.Nodes.Any(x => x.Name == name[(dot + 1)..]))
            return prefix + name;
        throw new IfmFormatException($"{source}: an edge names node '{prefix}{name}', which does not exist");
    }

    /// <summary>A graph exported by ifm says its update order (NirExporter): followed, the same edges read the previous tick.</summary>
    private static bool HasUpdateOrder(Dictionary<string, NirNode> nodes) =>
        nodes.Count > 0 && nodes.Values.All(n => n.UpdateOrder is not null) && nodes.Values.Select(n => n.UpdateOrder).Distinct().Count() == nodes.Count;

    private static List<string> MetadataOrder(Dictionary<string, NirNode> nodes) => [.. nodes.OrderBy(kv => kv.Value.UpdateOrder).Select(kv => kv.Key)];

    /// <summary>Delay nodes with stages, each after the Delay nodes it feeds directly (their first stage must read its
    /// last stage's previous tick).</summary>
    private static List<string> DelayBlockOrder(Dictionary<string, int[]> steps, List<(string Source, string Target)> edges)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string n)
        {
            if (!seen.Add(n)) return;
            foreach (var (s, t) in edges)
            {
                if (s == n && steps.TryGetValue(t, out var d) && MaxOf(d) >= 1) Visit(t);
            }

            result.Add(n);
        }

        foreach (var (n, d) in steps)
        {
            if (MaxOf(d) >= 1) Visit(n);
        }

        return result;
    }

    private static int MinOf(int[] a)
    {
        int m = int.MaxValue;
        foreach (int x in a) m = Math.Min(m, x);
        return m;
    }

    private static int MaxOf(int[] a)
    {
        int m = 0;
        foreach (int x in a) m = Math.Max(m, x);
        return m;
    }

    /// <summary>A Delay node's delay in whole time steps per element.</summary>
    private static int[] DelaySteps(NirNode n, string name, float dt, string source)
    {
        var delay = Require(n, "delay", name, source);
        var steps = new int[delay.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            float tau = delay.Values[i];
            double q = (double)tau / dt;
            if (!double.IsFinite(q) || q < 0) throw Bad(source, name, $"delay {tau.ToString(CultureInfo.InvariantCulture)} s is not a non-negative number of seconds");
            if (q > MaxDelaySteps) throw Bad(source, name, $"delay {tau.ToString(CultureInfo.InvariantCulture)} s is more than {MaxDelaySteps:N0} time steps");
            double k = Math.Round(q);
            if (Math.Abs(q - k) > 1e-3)
            {
                throw Bad(source, name, $"delay {tau.ToString(CultureInfo.InvariantCulture)} s is not a whole number of time steps " +
                    $"(dt = {dt.ToString(CultureInfo.InvariantCulture)} s): NIR's y(t) = x(t − τ) needs τ/dt whole");
            }

            steps[i] = (int)k;
        }

        return steps;
    }

    private static List<string> TopologicalOrder(Dictionary<string, NirNode> nodes, List<(string Source, string Target)> edges)
    {
        var next = nodes.Keys.ToDictionary(k => k, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (s, t) in edges) next[s].Add(t);
        var state = new Dictionary<string, int>(StringComparer.Ordinal);  // 1 on the path, 2 done
        var post = new List<string>();
        var roots = nodes.Where(kv => kv.Value.Type == "Input").Select(kv => kv.Key).Concat(nodes.Keys).ToList();
        foreach (var r in roots)
        {
            if (state.ContainsKey(r)) continue;

            // Iterative DFS (graphs may be deep chains).
            var stack = new Stack<(string Node, int Next)>();
            stack.Push((r, 0));
            state[r] = 1;
            while (stack.Count > 0)
            {
                var (u, i) = stack.Pop();
                if (i < next[u].Count)
                {
                    stack.Push((u, i + 1));
                    var v = next[u][i];
                    if (!state.ContainsKey(v))
                    {
                        state[v] = 1;
                        stack.Push((v, 0));
                    }
                }
                else
                {
                    state[u] = 2;
                    post.Add(u);
                }
            }
        }

        post.Reverse();
        return post;
    }

    private static int SizeOf(NirNode n, string name, Dictionary<string, List<string>> incoming, Dictionary<string, int> known, string source)
    {
        switch (n.Type)
        {
            case "Input":
            {
                var shape = n.Find("shape") ?? n.Find("input_type");
                if (shape is null) throw Bad(source, name, "Input has no 'shape'");
                return Product(shape.Values.Select(v => (long)v), name, source);
            }

            case "Affine" or "Linear":
            {
                var w = Require(n, "weight", name, source);
                if (w.Shape.Length != 2 || w.Shape[0] < 1) throw Bad(source, name, $"weight has shape [{Shape(w)}], expected [out, in]");
                return (int)w.Shape[0];
            }

            case "Output" or "Flatten":
            {
                // From the inputs (already sized: they come first in the order), else from the node's own shape.
                foreach (var s in Sources(name, incoming))
                {
                    if (known.TryGetValue(s, out int k)) return k;
                }

                var shape = n.Find("shape") ?? n.Find("output_type");
                if (shape is null) throw Bad(source, name, $"{n.Type} has no input and no 'shape'");
                return Product(shape.Values.Select(v => (long)v), name, source);
            }

            default:
            {
                var first = n.Parameters.Values.FirstOrDefault();
                if (first is null) throw Bad(source, name, $"{n.Type} has no parameters");
                return first.Count;
            }
        }
    }

    private static int Product(IEnumerable<long> dims, string name, string source)
    {
        long p = 1;
        foreach (var d in dims)
        {
            if (d < 1) throw Bad(source, name, $"shape has a dimension {d}");
            p *= d;
            if (p > 1 << 24) throw Bad(source, name, "shape holds more than 16,777,216 elements");
        }

        return (int)p;
    }

    /// <summary>The neuron kind and parameters of a node's population.</summary>
    private static (NeuronKind Kind, NeuronParameters Parameters) Neuron(NirNode n, string name, int count, float dt, string source)
    {
        float[] P(string nir, float? fallback = null)
        {
            var a = n.Find(nir);
            if (a is null)
            {
                if (fallback is null) throw Bad(source, name, $"{n.Type} has no parameter '{nir}'");
                return Filled(count, fallback.Value);
            }

            if (a.Count == 1 && count > 1) return Filled(count, a.Values[0]);
            if (a.Count != count) throw Bad(source, name, $"parameter '{nir}' has {a.Count} values for {count} neurons (shapes disagree)");
            return a.Values;
        }

        Dictionary<string, float[]> D(params (string Name, float[] Values)[] arrays) => arrays.ToDictionary(x => x.Name, x => x.Values, StringComparer.Ordinal);
        switch (n.Type)
        {
            case "LIF":
                return (NeuronKind.Lif, NeuronParameters.Create(D(("tau", P("tau")), ("v_threshold", P("v_threshold")), ("v_reset", P("v_reset", 0f)),
                    ("v_leak", P("v_leak")), ("resistance", P("r")))));
            case "CubaLIF":
                return (NeuronKind.CubaLif, NeuronParameters.Create(D(("tau", P("tau_mem")), ("tau_syn", P("tau_syn")), ("v_threshold", P("v_threshold")),
                    ("v_reset", P("v_reset", 0f)), ("v_leak", P("v_leak")), ("resistance", P("r")), ("w_in", P("w_in", 1f)))));
            case "LI":
                return (NeuronKind.Li, NeuronParameters.Create(D(("tau", P("tau")), ("v_leak", P("v_leak")), ("resistance", P("r")))));
            case "CubaLI":
                return (NeuronKind.CubaLi, NeuronParameters.Create(D(("tau", P("tau_mem")), ("tau_syn", P("tau_syn")), ("v_leak", P("v_leak")),
                    ("resistance", P("r")), ("w_in", P("w_in", 1f)))));
            case "IF":
                return (NeuronKind.If, NeuronParameters.Create(D(("v_threshold", P("v_threshold")), ("v_reset", P("v_reset", 0f)), ("resistance", P("r")))));
            case "I":
                return (NeuronKind.Integrator, NeuronParameters.Create(D(("resistance", P("r")))));
            case "Threshold":
                // The Heaviside step of the summed input, the threshold as a negative bias (set by the caller).
                _ = P("threshold");
                return (NeuronKind.Leaky, NeuronParameters.ForLeaky(Filled(count, dt), Activation.Step));
            default:
                // Identity: a leaky neuron with τ = dt (dt/τ = 1 exactly, so s = Σw·y + b + x) and the identity output.
                return (NeuronKind.Leaky, NeuronParameters.ForLeaky(Filled(count, dt), Activation.Identity));
        }
    }

    private static NirArray Require(NirNode n, string p, string name, string source) =>
        n.Find(p) ?? throw Bad(source, name, $"{n.Type} has no parameter '{p}'");

    private static string PopulationName(string name) => name.Length == 0 ? "node" : name;

    private static string Shape(NirArray a) => string.Join(", ", a.Shape.Select(x => x.ToString(CultureInfo.InvariantCulture)));

    private static float[] Filled(int count, float v)
    {
        var a = new float[count];
        Array.Fill(a, v);
        return a;
    }

    private static IfmFormatException Bad(string source, string node, string what) => new($"{source}: node '{node}': {what}");
}

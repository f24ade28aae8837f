using System.Globalization;

namespace Ifm.Runtime.Model;

/// <summary>
/// Assembles an <see cref="IfmModel"/>: add populations (in neuron order), edge groups and edges, then <see cref="Build"/>.
/// Build validates everything and throws <see cref="ModelValidationException"/> naming the first problem.
/// </summary>
public sealed class ModelBuilder
{
    private readonly List<PopulationSpec> _populations = [];
    private readonly List<EdgeGroup> _groups = [];
    private readonly List<(int Pre, int Post, float Weight, int Group, float Alpha)> _edges = [];
    private readonly Dictionary<string, string> _extra = new(StringComparer.Ordinal);
    private float[] _bias = [];

    /// <summary>Free-text model name.</summary>
    public string Name { get; set; } = "model";

    /// <summary>Time step in seconds.</summary>
    public float Dt { get; set; } = 0.001f;

    /// <summary>When edge signals arrive (<see cref="TickTiming"/>).</summary>
    public TickTiming Timing { get; set; }

    /// <summary>Total neurons added so far.</summary>
    public int NeuronCount { get; private set; }

    /// <summary>Metadata entries kept verbatim in the file (keys must not start with "ifm.").</summary>
    public IDictionary<string, string> ExtraMetadata => _extra;

    /// <summary>Adds a population after the previous ones and returns the index of its first neuron.</summary>
    public int AddPopulation(string name, NeuronKind kind, NeuronRole role, int count, NeuronParameters? parameters = null,
        IReadOnlyList<string>? labels = null)
    {
        int start = NeuronCount;
        _populations.Add(new PopulationSpec(name, kind, role, start, count, parameters ?? NeuronParameters.Default(kind, Math.Max(count, 0)), labels));
        NeuronCount = checked(NeuronCount + Math.Max(count, 0));
        Array.Resize(ref _bias, NeuronCount);
        return start;
    }

    /// <summary>Adds an edge group and returns its index (edges use group 0 unless told otherwise).</summary>
    public int AddEdgeGroup(string name, Plasticity.PlasticityRule? rule = null)
    {
        _groups.Add(new EdgeGroup(name, rule));
        return _groups.Count - 1;
    }

    /// <summary>Sets the bias b of one neuron.</summary>
    public void SetBias(int neuron, float value) => _bias[neuron] = value;

    public float GetBias(int neuron) => _bias[neuron];

    /// <summary>Adds the edge pre → post (w[post←pre]); <paramref name="alpha"/> is its plasticity coefficient for trace rules.</summary>
    public void AddEdge(int pre, int post, float weight, int group = 0, float alpha = 0f) => _edges.Add((pre, post, weight, group, alpha));

    /// <summary>Validates the description and returns the immutable model.</summary>
    public IfmModel Build()
    {
        if (!float.IsFinite(Dt) || Dt <= 0) Fail($"dt must be a positive finite number of seconds, got {F(Dt)}");
        if (Dt < MinDt || Dt > MaxDt) Fail($"dt must be between {F(MinDt)} and {F(MaxDt)} seconds, got {F(Dt)}");
        if (_populations.Count == 0) Fail("the model has no populations");

        var names = new HashSet<string>(StringComparer.Ordinal);
        var populations = new List<Population>(_populations.Count);
        foreach (var p in _populations)
        {
            string where = $"population '{p.Name}'";
            if (string.IsNullOrWhiteSpace(p.Name)) Fail("a population has an empty name");
            if (!names.Add(p.Name)) Fail($"{where}: duplicate population name");
            if (p.Count <= 0) Fail($"{where}: count must be positive, got {p.Count}");
            ValidateParameters(where, p.Kind, p.Count, p.Parameters, Dt);
            var labels = p.Labels ?? DefaultLabels(p.Name, p.Count);
            if (labels.Count != p.Count) Fail($"{where}: {labels.Count} labels for {p.Count} neurons");
            populations.Add(new Population(p.Name, p.Kind, p.Role, p.Start, p.Count, labels.ToArray(), p.Parameters));
        }

        CheckUniqueChannelNames(populations, NeuronRole.Input);
        CheckUniqueChannelNames(populations, NeuronRole.Output);

        for (int i = 0; i < _bias.Length; i++)
        {
            if (!float.IsFinite(_bias[i])) Fail($"bias of neuron {i} is not finite ({F(_bias[i])})");
            if (MathF.Abs(_bias[i]) > MaxMagnitude) Fail($"bias of neuron {i} is {F(_bias[i])}, beyond ±{F(MaxMagnitude)}");
        }

        var groups = _groups.Count == 0 ? [new EdgeGroup("default")] : _groups.ToList();
        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            if (string.IsNullOrWhiteSpace(g.Name)) Fail("an edge group has an empty name");
            if (!groupNames.Add(g.Name)) Fail($"edge group '{g.Name}': duplicate name");
        }

        int n = NeuronCount;
        for (int k = 0; k < _edges.Count; k++)
        {
            var e = _edges[k];
            if ((uint)e.Pre >= (uint)n) Fail($"edge {k}: pre-synaptic neuron {e.Pre} is out of range [0, {n})");
            if ((uint)e.Post >= (uint)n) Fail($"edge {k}: post-synaptic neuron {e.Post} is out of range [0, {n})");
            if (!float.IsFinite(e.Weight)) Fail($"edge {k} ({e.Pre}→{e.Post}): weight is not finite ({F(e.Weight)})");
            if (!float.IsFinite(e.Alpha)) Fail($"edge {k} ({e.Pre}→{e.Post}): alpha is not finite ({F(e.Alpha)})");
            if (MathF.Abs(e.Weight) > MaxMagnitude || MathF.Abs(e.Alpha) > MaxMagnitude)
                Fail($"edge {k} ({e.Pre}→{e.Post}): weight {F(e.Weight)} or alpha {F(e.Alpha)} is beyond ±{F(MaxMagnitude)}");
            if ((uint)e.Group >= (uint)groups.Count) Fail($"edge {k} ({e.Pre}→{e.Post}): edge group {e.Group} does not exist ({groups.Count} groups)");
        }

        // Canonical CSR order: by post, then pre. Sorting indices keeps the original positions for error messages.
        var order = new int[_edges.Count];
        for (int k = 0; k < order.Length; k++) order[k] = k;
        Array.Sort(order, (a, b) =>
        {
            int c = _edges[a].Post.CompareTo(_edges[b].Post);
            return c != 0 ? c : _edges[a].Pre.CompareTo(_edges[b].Pre);
        });

        var rowStart = new int[n + 1];
        var pre = new int[order.Length];
        var post = new int[order.Length];
        var weight = new float[order.Length];
        var group = new int[order.Length];
        var alpha = new float[order.Length];
        for (int k = 0; k < order.Length; k++)
        {
            var e = _edges[order[k]];
            if (k > 0 && post[k - 1] == e.Post && pre[k - 1] == e.Pre)
                Fail($"edge {order[k]}: duplicate edge {e.Pre}→{e.Post}");
            pre[k] = e.Pre;
            post[k] = e.Post;
            weight[k] = e.Weight;
            group[k] = e.Group;
            alpha[k] = e.Alpha;
            rowStart[e.Post + 1]++;
        }

        for (int i = 0; i < n; i++) rowStart[i + 1] += rowStart[i];

        foreach (var key in _extra.Keys)
        {
            if (key.StartsWith("ifm.", StringComparison.Ordinal) || key == "format")
                Fail($"metadata key '{key}' is reserved");
        }

        var model = new IfmModel(Name, Dt, populations, (float[])_bias.Clone(), groups, rowStart, pre, post, weight, group, alpha,
            new Dictionary<string, string>(_extra, StringComparer.Ordinal)) { Timing = Timing };
        if (!Enum.IsDefined(Timing)) Fail($"unknown tick timing {(int)Timing}");
        var edgeCounts = model.EdgeCountPerGroup();
        for (int g = 0; g < groups.Count; g++)
        {
            var rule = groups[g].Rule;
            if (rule is null) continue;
            var error = rule.Validate(model, g, edgeCounts[g]);
            if (error is not null) Fail($"edge group '{groups[g].Name}' ({rule.RuleName}): {error}");
        }

        return model;
    }

    /// <summary>Shortest and longest tick accepted (seconds): 1 ns to 1 hour.</summary>
    public const float MinDt = 1e-9f, MaxDt = 3600f;

    /// <summary>
    /// Largest magnitude of any weight, bias or neuron parameter. Far beyond anything trained (weights are O(1)) and
    /// far below where a weighted sum of a few thousand inputs overflows a float to infinity.
    /// </summary>
    public const float MaxMagnitude = 1e6f;

    private static void ValidateParameters(string where, NeuronKind kind, int count, NeuronParameters p, float dt)
    {
        if (!Enum.IsDefined(kind)) Fail($"{where}: unknown neuron kind {(int)kind}");
        var m = NeuronModels.Of(kind);
        foreach (var spec in m.ParameterSpecs)
        {
            if (!p.Arrays.TryGetValue(spec.Name, out var values)) Fail($"{where}: {m.Name} neurons need the parameter '{spec.Name}' ({spec.Meaning})");
            CheckArray(where, spec.Name, values!, count, spec.Positive);
            if (spec.Name is "tau" or "tau_syn") CheckTau(where, spec.Name, values!, dt);
        }

        foreach (var name in p.Arrays.Keys)
        {
            if (!m.ParameterSpecs.Any(s => s.Name == name)) Fail($"{where}: {m.Name} neurons have no parameter '{name}' (they have {string.Join(", ", m.ParameterSpecs.Select(s => s.Name))})");
        }

        if (m.HasActivation && !Enum.IsDefined(p.Activation)) Fail($"{where}: unknown activation {(int)p.Activation}");
        if (m.Spiking && p.RefractoryTicks < 0) Fail($"{where}: refractory_ticks must be ≥ 0, got {p.RefractoryTicks}");
        for (int i = 0; i < count; i++)
        {
            var error = m.Validate(p, i);
            if (error is not null) Fail($"{where}: {error}");
        }
    }

    private static void CheckArray(string where, string name, float[] values, int count, bool positive)
    {
        if (values.Length != count) Fail($"{where}: parameter '{name}' has {values.Length} values for {count} neurons");
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) Fail($"{where}: parameter '{name}' of neuron {i} is not finite ({F(values[i])})");
            if (positive && values[i] <= 0) Fail($"{where}: parameter '{name}' of neuron {i} must be positive, got {F(values[i])}");
            if (MathF.Abs(values[i]) > MaxMagnitude) Fail($"{where}: parameter '{name}' of neuron {i} is {F(values[i])}, beyond ±{F(MaxMagnitude)}");
        }
    }

    /// <summary>
    /// The Euler step s ← (1 − dt/τ)·s + (dt/τ)·u is stable only for dt/τ ≤ 2: a shorter τ makes the state oscillate
    /// with growing amplitude to infinity (τ = 1e-45, a denormal, is "positive" but gives dt/τ = ∞ at once).
    /// </summary>
    private static void CheckTau(string where, string name, float[] tau, float dt)
    {
        for (int i = 0; i < tau.Length; i++)
        {
            if (tau[i] < dt / 2)
                Fail($"{where}: parameter '{name}' of neuron {i} is {F(tau[i])} s, shorter than dt/2 = {F(dt / 2)} s (the Euler step diverges; it must be at least half a tick)");
        }
    }

    private static void CheckUniqueChannelNames(List<Population> populations, NeuronRole role)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in populations.Where(p => p.Role == role))
        {
            foreach (var label in p.Labels)
            {
                if (string.IsNullOrEmpty(label)) Fail($"population '{p.Name}': empty {role.ToString().ToLowerInvariant()} label");
                if (!seen.Add(label)) Fail($"population '{p.Name}': {role.ToString().ToLowerInvariant()} name '{label}' is used twice");
            }
        }
    }

    private static string[] DefaultLabels(string name, int count)
    {
        if (count == 1) return [name];
        var labels = new string[count];
        for (int i = 0; i < count; i++) labels[i] = string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]");
        return labels;
    }

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static void Fail(string message) => throw new ModelValidationException(message);

    private sealed record PopulationSpec(string Name, NeuronKind Kind, NeuronRole Role, int Start, int Count, NeuronParameters Parameters,
        IReadOnlyList<string>? Labels);
}

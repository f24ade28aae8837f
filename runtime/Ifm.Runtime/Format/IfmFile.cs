using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Format;

/// <summary>
/// Reads and writes <c>.ifm</c> model files: a safetensors container whose <c>__metadata__</c> holds the graph
/// description as JSON and whose tensors hold biases, per-neuron parameters and edges. The format is specified in
/// <c>runtime/Ifm.Runtime/Format/FORMAT.md</c>. Every reader entry point throws only <see cref="IfmFormatException"/>
/// for bad content (and the usual I/O exceptions for a missing or unreadable file).
/// </summary>
public static class IfmFile
{
    /// <summary>Format version this runtime writes.</summary>
    public const int CurrentVersion = 3;

    /// <summary>Oldest format version this runtime reads.</summary>
    public const int OldestVersion = 1;

    internal const string FormatKey = "format";
    internal const string FormatValue = "ifm";
    internal const string VersionKey = "ifm.version";
    internal const string GraphKey = "ifm.graph";

    /// <summary>Reads and validates a model file.</summary>
    public static IfmModel Read(string path) => FromContainer(SafeTensorsContainer.ReadFile(path), path);

    /// <summary>A plasticity rule written as in a model's <c>edge_groups[].plasticity</c> (FORMAT.md §6), e.g. for
    /// <c>ifm import --plasticity</c>; errors name <paramref name="source"/> and <paramref name="path"/>.</summary>
    public static Plasticity.PlasticityRule ReadPlasticityRule(JsonElement rule, string path, string source) =>
        PlasticityCodec.Read(new JsonFields(rule, path, source));

    /// <summary>Reads and validates a model held in memory.</summary>
    public static IfmModel Read(byte[] bytes, string source = "<memory>") => FromContainer(SafeTensorsContainer.Parse(bytes, source), source);

    /// <summary>Reads and validates a model from a stream (read to its end).</summary>
    public static IfmModel Read(Stream stream, string source = "<stream>") => FromContainer(SafeTensorsContainer.ReadStream(stream, source), source);

    /// <summary>Writes a model file atomically (temporary file, flush to disk, rename).</summary>
    public static void Write(IfmModel model, string path) => AtomicFile.WriteAllBytes(path, ToBytes(model));

    /// <summary>
    /// The lowest format version that holds <paramref name="model"/>: 1 for static models of the original kinds, 2 with
    /// plasticity, 3 with the neuron kinds added for NIR models. Older runtimes refuse a file whose version they do not
    /// know, so a model is never run with equations a runtime does not have.
    /// </summary>
    public static int RequiredVersion(IfmModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int v = model.IsPlastic ? 2 : 1;
        foreach (var p in model.Populations) v = Math.Max(v, NeuronModels.Of(p.Kind).FormatVersion);
        if (model.Timing != TickTiming.Synchronous) v = Math.Max(v, 3);
        return v;
    }

    /// <summary>
    /// Encodes a model; the encoding is canonical (same model, same bytes). Models without plasticity are written as
    /// version 1, so runtimes that predate plasticity still read them.
    /// </summary>
    public static byte[] ToBytes(IfmModel model)
    {
        var metadata = new Dictionary<string, string>(model.ExtraMetadata, StringComparer.Ordinal)
        {
            [FormatKey] = FormatValue,
            [VersionKey] = RequiredVersion(model).ToString(CultureInfo.InvariantCulture),
            [GraphKey] = GraphJson(model),
        };

        var tensors = new List<(string, TensorDType, long[], byte[])>
        {
            F32("neurons.bias", model.Bias),
        };
        foreach (var p in model.Populations)
        {
            string prefix = $"populations.{p.Name}.";
            var q = p.Parameters;
            foreach (var spec in NeuronModels.Of(p.Kind).ParameterSpecs) tensors.Add(F32(prefix + spec.Name, q[spec.Name]));
        }

        tensors.Add(I32("edges.pre", model.Pre));
        tensors.Add(I32("edges.post", model.Post));
        tensors.Add(F32("edges.weight", model.Weight));
        tensors.Add(I32("edges.group", model.Group));
        if (model.UsesAlpha) tensors.Add(F32("edges.alpha", model.Alpha));

        return SafeTensorsContainer.Write(metadata, tensors);
    }

    private static IfmModel FromContainer(SafeTensorsContainer c, string source)
    {
        var md = c.Metadata;
        if (!md.TryGetValue(FormatKey, out var format) || format != FormatValue)
        {
            throw SafeTensorsContainer.Error(source, format is null
                ? "not an IFM model: metadata has no 'format' entry (a plain safetensors file?)"
                : $"not an IFM model: metadata 'format' is '{format}', expected 'ifm'");
        }

        if (!md.TryGetValue(VersionKey, out var versionText)) throw SafeTensorsContainer.Error(source, $"metadata has no '{VersionKey}' entry");
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            throw SafeTensorsContainer.Error(source, $"metadata '{VersionKey}' is not a version number: '{versionText}'");
        if (version < OldestVersion || version > CurrentVersion)
            throw SafeTensorsContainer.Error(source, $"unsupported format version {version} (this runtime reads versions {OldestVersion} to {CurrentVersion})");
        if (!md.TryGetValue(GraphKey, out var graphText)) throw SafeTensorsContainer.Error(source, $"metadata has no '{GraphKey}' entry");

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(graphText, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw SafeTensorsContainer.Error(source, $"metadata '{GraphKey}' is not valid JSON: {e.Message}");
        }

        using (doc)
        {
            var tensors = new TensorReader(c, source);
            var model = BuildModel(new JsonFields(doc.RootElement, "graph", source), tensors, md, source, version);
            tensors.RejectUnused();
            return model;
        }
    }

    private static IfmModel BuildModel(JsonFields g, TensorReader t, IReadOnlyDictionary<string, string> md, string source, int version)
    {
        g.AllowOnly("name", "dt", "neurons", "edges", "populations", "edge_groups", "timing");
        var b = new ModelBuilder { Name = g.String("name", "model"), Dt = g.Float("dt") };
        if (g.Has("timing"))
        {
            if (version < 3) throw g.Fail($"graph.timing: needs format version 3 (the file says {version})");
            b.Timing = g.String("timing") switch
            {
                "synchronous" => TickTiming.Synchronous,
                "feed_forward" => TickTiming.FeedForward,
                var tm => throw g.Fail($"graph.timing: unknown timing '{tm}' (expected synchronous or feed_forward)"),
            };
        }

        if (b.Dt <= 0) throw g.Fail("graph.dt: must be positive");
        int n = g.Int("neurons", min: 1, max: 1 << 28);
        int e = g.Int("edges", min: 0, max: int.MaxValue);

        foreach (var p in g.Objects("populations"))
        {
            p.AllowOnly("name", "kind", "role", "count", "labels", "activation", "reset", "refractory_ticks");
            string name = p.String("name");
            int count = p.Int("count", min: 1, max: n);
            if (b.NeuronCount + count > n) throw p.Fail($"{p.Path}.count: populations hold more than graph.neurons = {n} neurons");
            var model = NeuronModels.Find(p.String("kind")) ?? throw p.Fail($"{p.Path}.kind: unknown neuron kind '{p.String("kind")}' (expected {NeuronModels.Names})");
            if (model.FormatVersion > version) throw p.Fail($"{p.Path}.kind: {model.Name} neurons need format version {model.FormatVersion} (the file says {version})");
            var kind = model.Kind;
            var role = p.String("role") switch
            {
                "input" => NeuronRole.Input,
                "hidden" => NeuronRole.Hidden,
                "output" => NeuronRole.Output,
                var r => throw p.Fail($"{p.Path}.role: unknown role '{r}' (expected input, hidden or output)"),
            };
            var labels = p.Strings("labels");
            if (labels is not null && labels.Length != count) throw p.Fail($"{p.Path}.labels: {labels.Length} labels for {count} neurons");
            string prefix = $"populations.{name}.";
            var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var spec in model.ParameterSpecs) arrays[spec.Name] = t.F32(prefix + spec.Name, count);
            var activation = !model.HasActivation ? Activation.Tanh : p.String("activation", "tanh") switch
            {
                "tanh" => Activation.Tanh,
                "sigmoid" => Activation.Sigmoid,
                "relu" => Activation.Relu,
                "identity" => Activation.Identity,
                "step" => Activation.Step,
                var a => throw p.Fail($"{p.Path}.activation: unknown activation '{a}' (expected tanh, sigmoid, relu, identity or step)"),
            };
            var reset = !model.Spiking ? LifResetMode.ToReset : p.String("reset", "to_reset") switch
            {
                "to_reset" => LifResetMode.ToReset,
                "subtract" => LifResetMode.SubtractThreshold,
                var r => throw p.Fail($"{p.Path}.reset: unknown reset mode '{r}' (expected to_reset or subtract)"),
            };
            int refractory = model.Spiking ? p.Int("refractory_ticks", 0, min: 0, max: 1_000_000) : 0;
            var parameters = NeuronParameters.Create(arrays, activation, reset, refractory);
            if (!model.HasActivation && p.Has("activation")) throw p.Fail($"{p.Path}.activation: only leaky populations have an activation");
            if (!model.Spiking && (p.Has("reset") || p.Has("refractory_ticks"))) throw p.Fail($"{p.Path}: reset and refractory_ticks belong to spiking populations");
            b.AddPopulation(name, kind, role, count, parameters, labels);
        }

        if (b.NeuronCount != n) throw g.Fail($"graph.neurons is {n} but the populations hold {b.NeuronCount} neurons");

        var groups = g.Objects("edge_groups", optional: true).ToList();
        int groupCount = Math.Max(groups.Count, 1);
        var bias = t.F32("neurons.bias", n);
        for (int i = 0; i < n; i++) b.SetBias(i, bias[i]);

        var pre = t.I32("edges.pre", e);
        var post = t.I32("edges.post", e);
        var weight = t.F32("edges.weight", e);
        var group = t.I32("edges.group", e);
        var alpha = t.Has("edges.alpha") ? t.F32("edges.alpha", e) : null;
        for (int k = 0; k < e; k++)
        {
            if ((uint)pre[k] >= (uint)n) throw t.Fail($"tensor 'edges.pre': element {k} is neuron {pre[k]}, out of range [0, {n})");
            if ((uint)post[k] >= (uint)n) throw t.Fail($"tensor 'edges.post': element {k} is neuron {post[k]}, out of range [0, {n})");
            if ((uint)group[k] >= (uint)groupCount) throw t.Fail($"tensor 'edges.group': element {k} is group {group[k]}, but there are {groupCount} edge groups");
            b.AddEdge(pre[k], post[k], weight[k], group[k], alpha is null ? 0f : alpha[k]);
        }

        for (int gi = 0; gi < groups.Count; gi++)
        {
            var grp = groups[gi];
            grp.AllowOnly("name", "plasticity");
            string groupName = grp.String("name");
            Plasticity.PlasticityRule? rule = null;
            if (grp.TryObject("plasticity", out var pl))
            {
                if (version < 2) throw grp.Fail($"{grp.Path}.plasticity: plasticity rules need format version 2 (the file says {version})");
                rule = PlasticityCodec.Read(pl);
            }

            b.AddEdgeGroup(groupName, rule);
        }

        foreach (var kv in md)
        {
            if (kv.Key is FormatKey or VersionKey or GraphKey) continue;
            if (kv.Key.StartsWith("ifm.", StringComparison.Ordinal))
                throw SafeTensorsContainer.Error(source, $"metadata '{kv.Key}': unknown key in the reserved 'ifm.' namespace (this runtime knows {VersionKey} and {GraphKey}; a newer format?)");
            b.ExtraMetadata[kv.Key] = kv.Value;
        }

        try
        {
            return b.Build();
        }
        catch (ModelValidationException ex)
        {
            throw SafeTensorsContainer.Error(source, ex.Message);
        }
    }

    private static string GraphJson(IfmModel model)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", model.Name);
            w.WriteNumber("dt", model.Dt);
            if (model.Timing == TickTiming.FeedForward) w.WriteString("timing", "feed_forward");
            w.WriteNumber("neurons", model.NeuronCount);
            w.WriteNumber("edges", model.EdgeCount);
            w.WriteStartArray("populations");
            foreach (var p in model.Populations)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                var kind = NeuronModels.Of(p.Kind);
                w.WriteString("kind", kind.Name);
                w.WriteString("role", p.Role switch { NeuronRole.Input => "input", NeuronRole.Hidden => "hidden", _ => "output" });
                w.WriteNumber("count", p.Count);
                if (kind.HasActivation) w.WriteString("activation", p.Parameters.Activation.ToString().ToLowerInvariant());
                if (kind.Spiking)
                {
                    w.WriteString("reset", p.Parameters.ResetMode == LifResetMode.ToReset ? "to_reset" : "subtract");
                    w.WriteNumber("refractory_ticks", p.Parameters.RefractoryTicks);
                }

                w.WriteStartArray("labels");
                foreach (var l in p.Labels) w.WriteStringValue(l);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("edge_groups");
            foreach (var g in model.EdgeGroups)
            {
                w.WriteStartObject();
                w.WriteString("name", g.Name);
                if (g.Rule is not null) PlasticityCodec.Write(w, g.Rule);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static (string, TensorDType, long[], byte[]) F32(string name, ReadOnlySpan<float> values) =>
        (name, TensorDType.F32, [values.Length], MemoryMarshal.AsBytes(values).ToArray());

    private static (string, TensorDType, long[], byte[]) I32(string name, ReadOnlySpan<int> values) =>
        (name, TensorDType.I32, [values.Length], MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>Typed, validated tensor access that remembers which tensors were used.</summary>
    private sealed class TensorReader(SafeTensorsContainer c, string source)
    {
        private readonly HashSet<string> _used = new(StringComparer.Ordinal);

        public float[] F32(string name, int length)
        {
            var data = Get(name, TensorDType.F32, length);
            var values = MemoryMarshal.Cast<byte, float>(data).ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i])) throw Fail($"tensor '{name}': element {i} is {(float.IsNaN(values[i]) ? "NaN" : "infinite")}");
            }

            return values;
        }

        public bool Has(string name) => c.Tensors.ContainsKey(name);

        public int[] I32(string name, int length) => MemoryMarshal.Cast<byte, int>(Get(name, TensorDType.I32, length)).ToArray();

        public void RejectUnused()
        {
            foreach (var name in c.Tensors.Keys)
            {
                if (!_used.Contains(name)) throw Fail($"tensor '{name}' is not part of the IFM format");
            }
        }

        public IfmFormatException Fail(string message) => SafeTensorsContainer.Error(source, message);

        private ReadOnlySpan<byte> Get(string name, TensorDType dtype, int length)
        {
            if (!c.Tensors.TryGetValue(name, out var info)) throw Fail($"tensor '{name}' is missing");
            _used.Add(name);
            if (info.DType != dtype) throw Fail($"tensor '{name}': dtype is {TensorDTypes.Name(info.DType)}, expected {TensorDTypes.Name(dtype)}");
            if (info.Shape.Length != 1 || info.Shape[0] != length)
                throw Fail($"tensor '{name}': shape is [{string.Join(", ", info.Shape)}], expected [{length}]");
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("IFM Edge runs on little-endian machines only");
            return c.Data(info);
        }
    }
}

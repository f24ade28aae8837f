using System.Text.Json;
using System.Text.Json.Serialization;
using Ifm.Core;

namespace Ifm.Runtime.Learning;

/// <summary>
/// Where a model's learning signals come from and how its learning is guarded: the <c>learning</c> object of a device
/// map or a run configuration, of <c>ifm replay --learning</c> and of the C ABI's <c>ifm_learning_configure</c>.
/// Every signal is a <see cref="SignalExpression"/> over the host's channels.
/// </summary>
/// <example>
/// <code>
/// "learning": {
///   "errors": { "out0": "-servo.error" },          // PES error of output out0: measured − target
///   "performance": "-abs(servo.error)",             // what the watchdog watches (higher is better)
///   "watchdog": { "floor": -0.3, "window": 100 },
///   "groups": { "pes": { "rateScale": 1, "schedule": [[0, 1], [60000, 0.2]] } }
/// }
/// </code>
/// </example>
public sealed class LearningSpec
{
    /// <summary>M(t) of the neuromodulated rules whose modulator is external (a reward, a surprise).</summary>
    public string? Modulator { get; set; }

    /// <summary>PES error e_i per output channel name (the sign convention of PES: measured − target).</summary>
    public Dictionary<string, string>? Errors { get; set; }

    /// <summary>The performance the watchdog watches (higher is better); also what a recording stores as the learning signal.</summary>
    public string? Performance { get; set; }

    public WatchdogSpec? Watchdog { get; set; }

    /// <summary>Per edge group (by name): switch, learning-rate scale, schedule.</summary>
    public Dictionary<string, GroupLearningSpec>? Groups { get; set; }

    /// <summary>True when nothing is set.</summary>
    [JsonIgnore]
    public bool IsEmpty => Modulator is null && Errors is not { Count: > 0 } && Performance is null && Watchdog is null && Groups is not { Count: > 0 };

    /// <summary>This spec with every field that <paramref name="over"/> sets replaced by its value (a run configuration over a map).</summary>
    public LearningSpec MergedWith(LearningSpec? over) => over is null ? this : new LearningSpec
    {
        Modulator = over.Modulator ?? Modulator,
        Errors = over.Errors ?? Errors,
        Performance = over.Performance ?? Performance,
        Watchdog = over.Watchdog ?? Watchdog,
        Groups = over.Groups ?? Groups,
    };

    /// <summary>Parses a <c>learning</c> object. Throws <see cref="IfmException"/> (Configuration) naming <paramref name="source"/> and the key.</summary>
    public static LearningSpec Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize(json, LearningJsonContext.Default.LearningSpec)
                ?? throw new IfmException(IfmErrorCode.Configuration, $"{source}: the learning object is null");
        }
        catch (JsonException e)
        {
            string key = e.Path is { Length: > 2 } p ? p.TrimStart('$').TrimStart('.') + ": " : "";
            string msg = e.Message;
            int cut = msg.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) msg = msg[..cut];
            throw new IfmException(IfmErrorCode.Configuration, $"{source}: {key}{msg} (keys: modulator, errors, performance, watchdog {{floor, window, snapshotEvery, checkpoint}}, groups {{NAME: {{enabled, rateScale, schedule}}}})".ReplaceLineEndings(" "), e);
        }
    }

    /// <summary>Parses a <c>learning</c> element of a larger document.</summary>
    public static LearningSpec Parse(JsonElement element, string source) => Parse(element.GetRawText(), source);
}

/// <summary>The watchdog of <see cref="LearningSpec.Watchdog"/> (see <see cref="Engine.Plasticity.LearningWatchdog"/>).</summary>
public sealed class WatchdogSpec
{
    /// <summary>The lowest acceptable moving mean of the performance signal.</summary>
    public float? Floor { get; set; }

    /// <summary>Periods in the moving mean (default 50).</summary>
    public int? Window { get; set; }

    /// <summary>A good period every this many becomes the last good snapshot (default 100).</summary>
    public int? SnapshotEvery { get; set; }

    /// <summary>Also keep the last good snapshot in this checkpoint file (saved atomically).</summary>
    public string? Checkpoint { get; set; }
}

/// <summary>Learning of one edge group.</summary>
public sealed class GroupLearningSpec
{
    /// <summary>false freezes the group from the start.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Multiplies the group's rule rate (η, κ, A±) on top of the global scale; default 1.</summary>
    public float? RateScale { get; set; }

    /// <summary>
    /// [tick, scale] points, ticks increasing: the group's rate scale is interpolated linearly between them (held
    /// before the first and after the last) and multiplies <see cref="RateScale"/>. An annealing schedule:
    /// <c>[[0, 1], [60000, 0.1]]</c>.
    /// </summary>
    public List<double[]>? Schedule { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LearningSpec))]
internal sealed partial class LearningJsonContext : JsonSerializerContext;

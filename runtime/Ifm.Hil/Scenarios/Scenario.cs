using System.Globalization;
using System.Text.Json;
using Ifm.Hil.Assertions;
using Ifm.Hil.Steps;

namespace Ifm.Hil.Scenarios;

/// <summary>
/// One hardware-in-the-loop scenario (hil/README.md): what runs (model, built-in plant or device map, loop settings),
/// what happens to it over time (<see cref="Steps"/>) and what must hold (<see cref="Assertions"/>).
/// </summary>
public sealed class Scenario
{
    /// <summary>The built-in plants a scenario may name (simulated on <c>sim</c>, the virtual MCU's plant on <c>virtual-mcu</c>).</summary>
    public static readonly string[] Plants = ["pong", "pavlov", "servo"];

    public static readonly string[] OverrunPolicies = ["count", "skip", "safe-stop"];

    public required string Name { get; init; }
    public string Description { get; init; } = "";

    /// <summary>The scenario file (relative paths in it are relative to its folder).</summary>
    public required string Source { get; init; }

    /// <summary>The .ifm model, resolved.</summary>
    public required string Model { get; init; }

    /// <summary>A built-in plant (pong, pavlov, servo), or null when <see cref="Devices"/> is given.</summary>
    public string? Plant { get; init; }

    /// <summary>A device map, resolved, or null when <see cref="Plant"/> is given.</summary>
    public string? Devices { get; init; }

    public required double RateHz { get; init; }
    public required long Periods { get; init; }
    public string Backend { get; init; } = "cpu";
    public string Plasticity { get; init; } = "on";
    public string OverrunPolicy { get; init; } = "count";
    public int TicksPerPeriod { get; init; } = 1;

    /// <summary>Seed of the virtual MCU's plant.</summary>
    public long McuSeed { get; init; } = 1;

    /// <summary>The timeline, in period order.</summary>
    public required IReadOnlyList<ScenarioStep> Steps { get; init; }

    public required IReadOnlyList<ScenarioAssertion> Assertions { get; init; }

    public double DurationSeconds => Periods / RateHz;

    /// <summary>Reads and validates a scenario file; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static Scenario Load(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException(path, ["file does not exist"]);
        var info = new FileInfo(path);
        if (info.Length > 4 << 20) throw new ScenarioException(path, [$"{info.Length} bytes is not a scenario (limit 4 MiB)"]);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses scenario JSON (comments and trailing commas allowed); <paramref name="source"/> names it and anchors relative paths.</summary>
    public static Scenario Parse(string json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw new ScenarioException(source, [$"not valid JSON: {e.Message}"]);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new ScenarioException(source, ["$: expected a JSON object"]);
            var errors = new List<string>();
            var root = new JsonFields(doc.RootElement, "$", errors);
            string dir = Path.GetDirectoryName(Path.GetFullPath(source)) ?? ".";

            root.Integer("version", required: true, min: 1, max: 1);
            string name = root.String("name") ?? Path.GetFileNameWithoutExtension(source);
            string description = root.String("description") ?? "";
            string? model = Resolve(dir, root.String("model", required: true));
            if (model is not null && !File.Exists(model)) root.Add("model", $"file '{model}' does not exist");
            string? plant = root.OneOf("plant", Plants);
            string? devices = Resolve(dir, root.String("devices"));
            if (devices is not null && !File.Exists(devices)) root.Add("devices", $"file '{devices}' does not exist");
            if (root.Has("plant") == root.Has("devices")) root.Add(null, "give either \"plant\" (pong, pavlov, servo) or \"devices\" (a device map), not both or neither");

            double rate = 100;
            long periods = 0;
            string backend = "cpu", plasticity = "on", overrun = "count";
            int ticks = 1;
            if (root.Object("loop", required: true) is { } loop)
            {
                rate = loop.Number("rateHz", required: true, min: 1, max: 100_000) ?? 100;
                double duration = loop.Number("durationSeconds", required: true, min: 0, max: 3600) ?? 0;
                periods = (long)Math.Round(duration * rate);
                if (loop.Has("durationSeconds") && periods < 1) loop.Add("durationSeconds", "is less than one period");
                backend = loop.String("backend") ?? "cpu";
                plasticity = loop.OneOf("plasticity", ["on", "off"]) ?? "on";
                overrun = loop.OneOf("overrunPolicy", OverrunPolicies) ?? "count";
                ticks = (int)(loop.Integer("ticksPerPeriod", min: 1, max: 10_000) ?? 1);
                loop.RejectUnknown();
            }

            long seed = 1;
            if (root.Object("mcu") is { } mcu)
            {
                seed = mcu.Integer("seed", min: 0, max: uint.MaxValue) ?? 1;
                mcu.RejectUnknown();
            }

            var timing = new ScenarioTiming(rate, periods);
            var steps = new List<ScenarioStep>();
            foreach (var (element, at) in root.Array("steps"))
            {
                if (StepKinds.Read(element, at, errors, timing) is { } step) steps.Add(step);
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (ScenarioStep s in steps)
            {
                if (s.Id is { } id && !ids.Add(id)) errors.Add($"{s.Path}.id: '{id}' is used by an earlier step");
            }

            var assertions = new List<ScenarioAssertion>();
            foreach (var (element, at) in root.Array("assertions", required: true))
            {
                if (AssertionKinds.Read(element, at, errors, timing) is { } a) assertions.Add(a);
            }

            foreach (ScenarioAssertion a in assertions)
            {
                a.Check(steps, errors);
            }

            if (root.Has("assertions") && assertions.Count == 0 && errors.Count == 0) root.Add("assertions", "a scenario needs at least one assertion");
            root.RejectUnknown();
            if (errors.Count > 0) throw new ScenarioException(source, errors);
            return new Scenario
            {
                Name = name,
                Description = description,
                Source = source,
                Model = model!,
                Plant = plant,
                Devices = devices,
                RateHz = rate,
                Periods = periods,
                Backend = backend,
                Plasticity = plasticity,
                OverrunPolicy = overrun,
                TicksPerPeriod = ticks,
                McuSeed = seed,
                Steps = [.. steps.OrderBy(s => s.Period)],
                Assertions = assertions,
            };
        }
    }

    private static string? Resolve(string dir, string? path) => path is null ? null : Path.GetFullPath(Path.Combine(dir, path));
}

/// <summary>Converts a scenario's times (seconds) into loop periods.</summary>
public sealed class ScenarioTiming(double rateHz, long periods)
{
    public double RateHz { get; } = rateHz;

    /// <summary>Periods of the whole scenario.</summary>
    public long Periods { get; } = periods;

    public long PeriodOf(double seconds) => (long)Math.Round(seconds * RateHz);

    public double SecondsOf(long period) => period / RateHz;

    /// <summary>A time as it reads in reports: "1.5 s (period 90)".</summary>
    public string Show(long period) => string.Create(CultureInfo.InvariantCulture, $"{SecondsOf(period):0.###} s (period {period})");
}

using System.Globalization;
using System.Text.Json;
using Ifm.Hil.Running;
using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;

namespace Ifm.Hil.Assertions;

/// <summary>The verdict of one assertion: whether it held, what was observed, against what bound.</summary>
public sealed record AssertionResult(bool Passed, string Observed, string Expected)
{
    public static AssertionResult Check(bool passed, string observed, string expected) => new(passed, observed, expected);
}

/// <summary>
/// One check of a scenario, evaluated after the run over the <see cref="Trace"/> and the run's record, at a point
/// (<c>at</c>) or over a window (<c>from</c>, <c>to</c>; default: the whole run). A kind derives from this and
/// registers an <see cref="AssertionKind"/>.
/// </summary>
public abstract class ScenarioAssertion
{
    public string Kind { get; internal set; } = "";
    public string Path { get; internal set; } = "";

    /// <summary>The name in the report and the JUnit testcase (the <c>name</c> field, else generated).</summary>
    public string Name { get; internal set; } = "";

    public long? At { get; internal set; }
    public long? From { get; internal set; }
    public long? To { get; internal set; }

    /// <summary>A generated name: what is checked ("hit_rate ≥ 0.9 over 1–3 s").</summary>
    public abstract string Describe();

    /// <summary>Cross-checks against the steps (an <c>after</c> naming a step id); reports into <paramref name="errors"/>.</summary>
    public virtual void Check(IReadOnlyList<ScenarioStep> steps, List<string> errors)
    {
    }

    public abstract AssertionResult Evaluate(RunRecord run);

    /// <summary>The periods the assertion looks at, clipped to what was recorded; empty when nothing was.</summary>
    protected (long First, long End) Window(RunRecord run)
    {
        long n = run.Periods;
        if (At is { } a) return a < n ? (a, a + 1) : (0, 0);
        long first = From ?? 0, end = Math.Min(To ?? n, n);
        return first < end ? (first, end) : (0, 0);
    }

    protected string WindowText(RunRecord run) => At is { } a ? $"at {run.Timing.Show(a)}"
        : From is null && To is null ? "over the run"
        : $"over {run.Timing.Show(From ?? 0)} – {run.Timing.Show(To ?? run.Timing.Periods)}";

    /// <summary>The step with id <paramref name="id"/> (of kind <typeparamref name="T"/>) the assertion's <paramref name="field"/> names; null, and an error listing the ids, when there is none.</summary>
    protected T? StepById<T>(IReadOnlyList<ScenarioStep> steps, string id, string field, string what, List<string> errors)
        where T : ScenarioStep
    {
        if (steps.OfType<T>().FirstOrDefault(s => s.Id == id) is { } step) return step;
        errors.Add($"{Path}.{field}: no {what} has id '{id}'; {(what == "step" ? "ids" : what.Replace(" step", "", StringComparison.Ordinal) + " ids")}: {string.Join(", ", steps.OfType<T>().Where(s => s.Id is not null).Select(s => s.Id))}");
        return null;
    }

    protected static string Num(double v) => double.IsNaN(v) ? "NaN" : v.ToString("G4", CultureInfo.InvariantCulture);
}

/// <summary>An assertion with a <c>min</c> and/or <c>max</c> bound on a number.</summary>
public abstract class BoundedAssertion : ScenarioAssertion
{
    public double? Min { get; internal set; }
    public double? Max { get; internal set; }

    protected string Bounds => Min is { } lo && Max is { } hi ? $"in [{Num(lo)}, {Num(hi)}]" : Min is { } l ? $"≥ {Num(l)}" : $"≤ {Num(Max!.Value)}";

    protected AssertionResult Judge(double observed, string what) =>
        AssertionResult.Check(!double.IsNaN(observed) && (Min is not { } lo || observed >= lo) && (Max is not { } hi || observed <= hi), $"{what} = {Num(observed)}", Bounds);

    internal static void ReadBounds(BoundedAssertion a, JsonFields f)
    {
        a.Min = f.Number("min");
        a.Max = f.Number("max");
        if (a.Min is null && a.Max is null && !f.Has("min") && !f.Has("max")) f.Add(null, "give \"min\" and/or \"max\"");
        if (a.Min > a.Max) f.Add("min", "is above \"max\"");
    }
}

/// <summary>The descriptor of one assertion kind; register it with <see cref="AssertionKinds.Register"/> from the kind's file.</summary>
public sealed class AssertionKind
{
    public required string Name { get; init; }
    public required string Summary { get; init; }
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>Whether at / from / to apply.</summary>
    public bool Windowed { get; init; } = true;

    public required Func<JsonFields, ScenarioTiming, ScenarioAssertion?> Read { get; init; }
}

/// <summary>The registry of assertion kinds.</summary>
public static class AssertionKinds
{
    private static readonly KindRegistry<AssertionKind> Kinds = new("assertion kind", k => k.Name);

    public static IReadOnlyList<AssertionKind> Registered => Kinds.Registered;

    public static string[] All => Kinds.Names;

    public static void Register(AssertionKind kind) => Kinds.Register(kind);

    public static AssertionKind? Find(string? name) => Kinds.Find(name);

    internal static ScenarioAssertion? Read(JsonElement element, string path, List<string> errors, ScenarioTiming timing)
    {
        if (Kinds.Open(element, path, errors) is not var (f, name, kind)) return null;
        int before = errors.Count;
        long? at = null, from = null, to = null;
        if (kind.Windowed)
        {
            at = Time(f, "at", timing);
            from = Time(f, "from", timing);
            to = Time(f, "to", timing);
            if (at is not null && (from is not null || to is not null)) f.Add("at", "give \"at\" (a point) or \"from\"/\"to\" (a window), not both");
            if (from is { } a && to is { } b && b <= a) f.Add("to", "must be after \"from\"");
        }

        string? given = f.String("name");
        ScenarioAssertion? assertion = kind.Read(f, timing);
        f.RejectUnknown();
        if (assertion is null || errors.Count > before) return null;
        assertion.Kind = name;
        assertion.Path = path;
        assertion.At = at;
        assertion.From = from;
        assertion.To = to;
        assertion.Name = given ?? assertion.Describe();
        return assertion;
    }

    private static long? Time(JsonFields f, string field, ScenarioTiming timing)
    {
        if (f.Number(field, min: 0) is not { } s) return null;
        long p = timing.PeriodOf(s);
        if (p > timing.Periods)
        {
            f.Add(field, $"{timing.Show(p)} is after the end of the run ({timing.Show(timing.Periods)})");
            return null;
        }

        return field == "at" ? Math.Min(p, timing.Periods - 1) : p;
    }
}

using System.Text.Json;
using Ifm.Devices.Mapping;
using Ifm.Hil.Running;
using Ifm.Hil.Scenarios;

namespace Ifm.Hil.Steps;

/// <summary>Where a step acts: on the loop thread inside a period (stimuli, stalls, device faults), from the runner's
/// thread at a period (link, MCU, signals, restart), or once before the run (plant perturbations).</summary>
public enum StepThread
{
    Loop,
    Runner,
    Setup,
}

/// <summary>
/// One timed entry of a scenario's timeline. A kind derives from this and registers a <see cref="StepKind"/>. Loop-thread
/// steps must not allocate in <see cref="Start"/>, <see cref="Update"/> and <see cref="Stop"/>: resolve names in
/// <see cref="Bind"/>, which runs before the loop starts.
/// </summary>
public abstract class ScenarioStep
{
    public string Kind { get; internal set; } = "";

    /// <summary>JSON path of the step (<c>$.steps[2]</c>).</summary>
    public string Path { get; internal set; } = "";

    /// <summary>The step's <c>id</c>, which assertions refer to (<c>safe_state</c>'s <c>after</c>).</summary>
    public string? Id { get; internal set; }

    /// <summary>The period the step takes effect in.</summary>
    public long Period { get; internal set; }

    /// <summary>The period a lasting step ends before (its <c>until</c>/<c>for</c>); null: it lasts to the end or is instantaneous.</summary>
    public long? EndPeriod { get; internal set; }

    public abstract StepThread Thread { get; }

    /// <summary>The scenario period a loop step was started in by the current run (−1: not yet); written on the loop thread.</summary>
    internal long StartedAt = -1;

    /// <summary>The targets the step can act on (sim, virtual-mcu, serial); all by default.</summary>
    public virtual IReadOnlyList<string> Targets => HilTargets.All;

    /// <summary>What the step does, for the report ("stuck_at pong.ball_x = 10").</summary>
    public abstract string Describe();

    /// <summary>Resolves names against the bound devices (before the loop starts); reports problems into <paramref name="errors"/>.</summary>
    public virtual void Bind(BindContext context, List<string> errors)
    {
    }

    /// <summary>Loop thread, once, in period <see cref="Period"/> before the sensors are read.</summary>
    public virtual void Start(LoopContext context)
    {
    }

    /// <summary>Loop thread, every period from <see cref="Period"/> to before <see cref="EndPeriod"/> (after <see cref="Start"/>).</summary>
    public virtual void Update(LoopContext context, long period)
    {
    }

    /// <summary>Loop thread, in period <see cref="EndPeriod"/>.</summary>
    public virtual void Stop(LoopContext context)
    {
    }

    /// <summary>The runner's thread, when the loop reaches <see cref="Period"/>; returns what happened, for the report.</summary>
    public virtual string Fire(RunnerContext context) => "";
}

/// <summary>A step on one sensor channel (<c>channel</c>: "device.channel" as listed by the report).</summary>
public abstract class SensorStep : ScenarioStep
{
    public string Channel { get; internal set; } = "";

    /// <summary>Index in the device set's sensor channels (valid after <see cref="Bind"/>).</summary>
    protected int Index { get; private set; } = -1;

    public override StepThread Thread => StepThread.Loop;

    public override void Bind(BindContext context, List<string> errors)
    {
        Index = context.SensorChannel(Channel);
        if (Index < 0) errors.Add($"{Path}.channel: '{Channel}' is not a sensor channel of the bound devices; they are: {string.Join(", ", context.SensorChannels)}");
    }

    /// <summary>A lasting stimulus gives the channel back to its sensor when it ends.</summary>
    public override void Stop(LoopContext context) => context.Overrides.Clear(Index);

    internal static void ReadChannel(SensorStep step, JsonFields f) => step.Channel = f.String("channel", required: true) ?? "";
}

/// <summary>
/// The descriptor of one step kind: its name, a line of help, its own fields and its reader. Register it with
/// <see cref="StepKinds.Register"/> from the kind's own file; adding a kind is that one file.
/// </summary>
public sealed class StepKind
{
    public required string Name { get; init; }
    public required string Summary { get; init; }

    /// <summary>The kind's own fields, as "name: meaning" lines (the common ones are at, period, until, for, id).</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    /// <summary>Whether the step may last (<c>until</c> / <c>for</c>).</summary>
    public bool Lasting { get; init; }

    /// <summary>Reads the kind's own fields (problems go to the fields' error list); null when it cannot be built.</summary>
    public required Func<JsonFields, ScenarioTiming, ScenarioStep?> Read { get; init; }
}

/// <summary>The registry of step kinds: the scenario reader, the report and <c>ifm hil --list</c> use only this.</summary>
public static class StepKinds
{
    private static readonly KindRegistry<StepKind> Kinds = new("step kind", k => k.Name);

    public static IReadOnlyList<StepKind> Registered => Kinds.Registered;

    public static string[] All => Kinds.Names;

    public static void Register(StepKind kind) => Kinds.Register(kind);

    public static StepKind? Find(string? name) => Kinds.Find(name);

    /// <summary>Reads one entry of <c>steps</c>: the common fields, then the kind's.</summary>
    internal static ScenarioStep? Read(JsonElement element, string path, List<string> errors, ScenarioTiming timing)
    {
        if (Kinds.Open(element, path, errors) is not var (f, name, kind)) return null;
        int before = errors.Count;
        long? period = ReadTime(f, "at", "period", timing, required: true);
        long? end = null;
        if (kind.Lasting)
        {
            if (f.Has("until") && f.Has("for")) f.Add(null, "give \"until\" or \"for\", not both");
            end = ReadTime(f, "until", null, timing, required: false);
            if (f.Number("for", min: 0) is { } forSeconds && period is { } p) end = p + Math.Max(1, timing.PeriodOf(forSeconds));
            if (end is { } e && period is { } s && e <= s) f.Add("until", "must be after \"at\"");
        }

        string? id = f.String("id");
        ScenarioStep? step = kind.Read(f, timing);
        f.RejectUnknown();
        if (step is null || errors.Count > before) return null;
        step.Kind = name;
        step.Path = path;
        step.Id = id;
        step.Period = period ?? 0;
        step.EndPeriod = end;
        return step;
    }

    private static long? ReadTime(JsonFields f, string seconds, string? periodField, ScenarioTiming timing, bool required)
    {
        bool hasSeconds = f.Has(seconds), hasPeriod = periodField is not null && f.Has(periodField);
        if (hasSeconds && hasPeriod)
        {
            f.Add(null, $"give \"{seconds}\" (seconds) or \"{periodField}\", not both");
            return null;
        }

        long? p = hasPeriod ? f.Integer(periodField!, min: 0)
            : f.Number(seconds, required && !hasPeriod, min: 0) is { } s ? timing.PeriodOf(s) : null;
        if (p is { } v && v > timing.Periods)
        {
            f.Add(hasPeriod ? periodField : seconds, $"{timing.Show(v)} is after the end of the run ({timing.Show(timing.Periods)})");
            return null;
        }

        return p;
    }
}

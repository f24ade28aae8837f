using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Hil.Running;

namespace Ifm.Hil.Steps;

/// <summary><c>set</c>: the channel reads a value (until <c>until</c>/<c>for</c>, else to the end).</summary>
internal sealed class SetStep : SensorStep
{
    public float Value { get; init; }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"set {Channel} = {Value}");

    public override void Start(LoopContext context) => context.Overrides.Set(Index, Value);

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "set",
        Summary = "the sensor channel reads a fixed value",
        Fields = ["channel: \"device.channel\"", "value: the value read"],
        Lasting = true,
        Read = (f, _) =>
        {
            var s = new SetStep { Value = (float)(f.Number("value", required: true) ?? 0) };
            ReadChannel(s, f);
            return s;
        },
    });
}

/// <summary><c>stuck_at</c>: a sensor fault: the channel is stuck at a value.</summary>
internal sealed class StuckAtStep : SensorStep
{
    public float Value { get; init; }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"stuck_at {Channel} = {Value}");

    public override void Start(LoopContext context) => context.Overrides.Set(Index, Value);

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "stuck_at",
        Summary = "sensor fault: the channel is stuck at a value",
        Fields = ["channel: \"device.channel\"", "value: the stuck value"],
        Lasting = true,
        Read = (f, _) =>
        {
            var s = new StuckAtStep { Value = (float)(f.Number("value", required: true) ?? 0) };
            ReadChannel(s, f);
            return s;
        },
    });
}

/// <summary><c>ramp</c>: the channel goes linearly from <c>from</c> to <c>to</c> between <c>at</c> and <c>until</c>.</summary>
internal sealed class RampStep : SensorStep
{
    public float From { get; init; }
    public float To { get; init; }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"ramp {Channel} {From} → {To}");

    public override void Update(LoopContext context, long period)
    {
        long span = EndPeriod!.Value - Period;
        float x = span <= 1 ? 1f : (float)(period - Period) / (span - 1);
        context.Overrides.Set(Index, From + ((To - From) * x));
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "ramp",
        Summary = "the sensor channel ramps linearly from one value to another (needs until or for)",
        Fields = ["channel: \"device.channel\"", "from: value at \"at\"", "to: value at the end"],
        Lasting = true,
        Read = (f, _) =>
        {
            if (!f.Has("until") && !f.Has("for")) f.Add(null, "a ramp needs \"until\" or \"for\"");
            var s = new RampStep { From = (float)(f.Number("from", required: true) ?? 0), To = (float)(f.Number("to", required: true) ?? 0) };
            ReadChannel(s, f);
            return s;
        },
    });
}

/// <summary><c>noise</c>: Gaussian noise of standard deviation <c>sigma</c> added to the channel's own value.</summary>
internal sealed class NoiseStep : SensorStep
{
    public float Sigma { get; init; }

    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"noise on {Channel}, σ = {Sigma}");

    public override void Update(LoopContext context, long period)
    {
        context.Overrides.Offset(Index, Sigma * context.Gaussian());
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "noise",
        Summary = "Gaussian noise added to the sensor channel's value",
        Fields = ["channel: \"device.channel\"", "sigma: standard deviation (> 0)"],
        Lasting = true,
        Read = (f, _) =>
        {
            var s = new NoiseStep { Sigma = (float)(f.Number("sigma", required: true, min: 1e-12) ?? 0) };
            ReadChannel(s, f);
            return s;
        },
    });
}

/// <summary><c>dropout</c>: the channel's sensor brings no fresh sample (the last is held; the reads count as stale).</summary>
internal sealed class DropoutStep : SensorStep
{
    public override string Describe() => $"dropout of {Channel}";

    public override void Start(LoopContext context) => context.Overrides.Drop(Index);

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "dropout",
        Summary = "the sensor brings no fresh samples (held, counted stale)",
        Fields = ["channel: \"device.channel\""],
        Lasting = true,
        Read = (f, _) =>
        {
            var s = new DropoutStep();
            ReadChannel(s, f);
            return s;
        },
    });
}

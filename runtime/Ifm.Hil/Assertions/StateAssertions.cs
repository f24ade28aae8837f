using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Hil.Running;
using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;

namespace Ifm.Hil.Assertions;

/// <summary><c>no_nan</c>: every recorded sensor sample, actuator command and output is finite, and no run stopped on a non-finite output.</summary>
internal sealed class NoNanAssertion : ScenarioAssertion
{
    public override string Describe() => "no NaN or infinity in sensors, actuators and outputs";

    public override AssertionResult Evaluate(RunRecord run)
    {
        Trace t = run.Trace!;
        var (first, end) = Window(run);
        if (run.Segments.FirstOrDefault(s => s.Fault?.Contains("non-finite", StringComparison.Ordinal) == true) is { } bad) return new(false, bad.Fault!, "all finite");
        int ns = t.SensorNames.Count, na = t.ActuatorNames.Count, no = t.OutputNames.Count;
        for (long p = first; p < end; p++)
        {
            for (int i = 0; i < ns; i++) if (!float.IsFinite(t.Sensors[(p * ns) + i])) return new(false, $"{t.SensorNames[i]} is {t.Sensors[(p * ns) + i]} at {run.Timing.Show(p)}", "all finite");
            for (int i = 0; i < na; i++) if (!float.IsFinite(t.Actuators[(p * na) + i])) return new(false, $"{t.ActuatorNames[i]} is {t.Actuators[(p * na) + i]} at {run.Timing.Show(p)}", "all finite");
            for (int i = 0; i < no; i++) if (!float.IsFinite(t.Outputs[(p * no) + i])) return new(false, $"output {t.OutputNames[i]} is {t.Outputs[(p * no) + i]} at {run.Timing.Show(p)}", "all finite");
        }

        return new(true, $"{end - first} periods × {ns + na + no} values finite", "all finite");
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "no_nan",
        Summary = "no NaN or infinity in the sensors, actuator commands and outputs (and no non-finite fault)",
        Read = (_, _) => new NoNanAssertion(),
    });
}

/// <summary>
/// <c>safe_state</c>: within <c>within</c> periods of the step <c>after</c> (a fault), every actuator is in its safe state:
/// the run stopped and drove them safe without a failure, or (while the loop runs on, as on a pulled link) every bridge
/// actuator is commanded to its safe value.
/// </summary>
internal sealed class SafeStateAssertion : ScenarioAssertion
{
    public string After { get; init; } = "";
    public long Within { get; init; }

    private ScenarioStep? _step;

    public override string Describe() => $"actuators safe within {Within} periods of '{After}'";

    public override void Check(IReadOnlyList<ScenarioStep> steps, List<string> errors)
    {
        _step = StepById<ScenarioStep>(steps, After, "after", "step", errors);
    }

    public override AssertionResult Evaluate(RunRecord run)
    {
        string expected = $"≤ {Within} periods after the fault";
        long fault = run.Events.FirstOrDefault(e => e.Step == _step)?.Period ?? -1;
        if (fault < 0) return new(false, $"step '{After}' never took effect", expected);
        Trace t = run.Trace!;
        for (long p = fault; p < t.Count && p <= fault + Within; p++)
        {
            if (t.Safe[p] == 1) return new(true, $"safe (host side, every bridge actuator at its safe value) in {run.Timing.Show(p)}, {p - fault} periods after the fault", expected);
        }

        if (run.Segments.FirstOrDefault(s => s.Reason != "completed" && s.Reason != "restart" && s.EndPeriod >= fault) is { } stop && stop.EndPeriod <= fault + Within + 1)
        {
            return stop.SafeStateFailures == 0
                ? new(true, $"the run stopped ({stop.Reason}) in {run.Timing.Show(stop.EndPeriod)} and every actuator entered its safe state, {Math.Max(0, stop.EndPeriod - 1 - fault)} periods after the fault", expected)
                : new(false, $"the run stopped ({stop.Reason}) but {stop.SafeStateFailures} actuator(s) failed to enter the safe state", expected);
        }

        return new(false, $"not safe by {run.Timing.Show(Math.Min(fault + Within, Math.Max(0, t.Count - 1)))}", expected);
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "safe_state",
        Summary = "every actuator is in its safe state within K periods of a fault step",
        Fields = ["after: the id of the fault step", "within: K periods (0..1000000)"],
        Windowed = false,
        Read = (f, _) => new SafeStateAssertion { After = f.String("after", required: true) ?? "", Within = f.Integer("within", required: true, min: 0, max: 1_000_000) ?? 0 },
    });
}

/// <summary><c>learning_guard</c>: the plasticity NaN/Inf guard did (<c>tripped: true</c>) or did not trip.</summary>
internal sealed class LearningGuardAssertion : ScenarioAssertion
{
    public bool Tripped { get; init; }

    public override string Describe() => $"learning guard {(Tripped ? "tripped" : "not tripped")}";

    public override AssertionResult Evaluate(RunRecord run)
    {
        var (first, end) = Window(run);
        long at = -1;
        for (long p = first; p < end && at < 0; p++) if (run.Trace!.Guard[p]) at = p;
        string observed = at < 0 ? "not tripped" : $"tripped in {run.Timing.Show(at)}";
        return new((at >= 0) == Tripped, observed, Tripped ? "tripped" : "not tripped");
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "learning_guard",
        Summary = "the learning guard (plasticity NaN/Inf guard: learning frozen) did or did not trip",
        Fields = ["tripped: true or false"],
        Read = (f, _) => new LearningGuardAssertion { Tripped = f.Bool("tripped", required: true) ?? false },
    });
}

/// <summary>
/// <c>restored_state</c>: after every restart the runtime's learned state equals the checkpoint the previous run saved;
/// with <c>checkpoint: id</c>, the file that <c>checkpoint</c> step wrote equals the learned state at its period.
/// </summary>
internal sealed class RestoredStateAssertion : ScenarioAssertion
{
    public string? Checkpoint { get; init; }

    private ScenarioStep? _step;

    public override string Describe() => Checkpoint is null ? "learned state after restart equals the saved state" : $"checkpoint '{Checkpoint}' equals the learned state at its period";

    public override void Check(IReadOnlyList<ScenarioStep> steps, List<string> errors)
    {
        if (Checkpoint is null) return;
        _step = StepById<CheckpointStep>(steps, Checkpoint, "checkpoint", "checkpoint step", errors);
    }

    public override AssertionResult Evaluate(RunRecord run)
    {
        if (_step is not null)
        {
            const string bitEqual = "the file equals the state at its period";
            CheckpointCheck? c = run.Checkpoints.FirstOrDefault(c => c.Step == _step);
            return c is null ? new(false, $"step '{Checkpoint}' never took effect", bitEqual) : new(c.Equal, c.Detail, bitEqual);
        }

        if (run.Restores.Count == 0) return new(false, "no restart happened", "equal after each restart");
        RestoreCheck? bad = run.Restores.FirstOrDefault(r => !r.Equal);
        return bad is null
            ? new(true, string.Join("; ", run.Restores.Select(r => $"run {r.Segment}: {r.Detail}")), "equal after each restart")
            : new(false, $"run {bad.Segment}: {bad.Detail}", "equal after each restart");
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "restored_state",
        Summary = "after a restart step the learned state equals the state saved at the stop; with checkpoint: id, that checkpoint step's file equals the state at its period",
        Fields = ["checkpoint: the id of a checkpoint step (optional)"],
        Windowed = false,
        Read = (f, _) => new RestoredStateAssertion { Checkpoint = f.String("checkpoint") },
    });
}

/// <summary><c>outcome</c>: how the run ended (completed, fault, overrun, cancelled), optionally with text in its message.</summary>
internal sealed class OutcomeAssertion : ScenarioAssertion
{
    public static readonly string[] Reasons = ["completed", "fault", "overrun", "cancelled"];

    public string Reason { get; init; } = "completed";
    public string? Contains { get; init; }

    public override string Describe() => $"run ends {Reason}" + (Contains is null ? "" : $" with \"{Contains}\"");

    public override AssertionResult Evaluate(RunRecord run)
    {
        SegmentResult? last = run.Stopped ?? run.Segments.LastOrDefault();
        if (last is null) return new(false, "the runtime never ran", Reason);
        string observed = string.Create(CultureInfo.InvariantCulture, $"{last.Reason} in {run.Timing.Show(last.EndPeriod)}") + (last.Fault is null ? "" : $": {last.Fault}");
        bool ok = last.Reason == Reason && (Contains is null || (last.Fault?.Contains(Contains, StringComparison.OrdinalIgnoreCase) ?? false));
        return new(ok, observed, Reason + (Contains is null ? "" : $" with \"{Contains}\""));
    }

    [ModuleInitializer]
    internal static void Register() => AssertionKinds.Register(new AssertionKind
    {
        Name = "outcome",
        Summary = "how the run ended: completed, fault, overrun (safe-stop) or cancelled (a signal), optionally with text in the message",
        Fields = ["reason: completed | fault | overrun | cancelled", "contains: text the fault message contains"],
        Windowed = false,
        Read = (f, _) => new OutcomeAssertion { Reason = f.OneOf("reason", Reasons, required: true) ?? "completed", Contains = f.String("contains") },
    });
}

using Ifm.Hil.Scenarios;
using Ifm.Hil.Steps;

namespace Ifm.Hil.Running;

/// <summary>How one run of the runtime inside a scenario ended (a restart starts the next).</summary>
public sealed record SegmentResult(int Index, long FirstPeriod, long EndPeriod, string Reason, string? Fault, int SafeStateFailures, int ExitCode, double SteadyBytesPerPeriod, long SteadyPeriods);

/// <summary>A step as it happened: the period it took effect in and what the runner saw.</summary>
public sealed record StepEvent(ScenarioStep Step, long Period, string Outcome);

/// <summary>The learned state a restarted run began with, against the checkpoint the previous run saved.</summary>
public sealed record RestoreCheck(int Segment, bool Equal, string Detail);

/// <summary>A <c>checkpoint</c> step's file read back against the learned state at its period.</summary>
public sealed record CheckpointCheck(ScenarioStep Step, bool Equal, string Detail);

/// <summary>Everything a scenario's run left for its assertions and its report.</summary>
public sealed class RunRecord
{
    public required Scenario Scenario { get; init; }
    public required string Target { get; init; }
    public required ScenarioTiming Timing { get; init; }
    public Trace? Trace { get; set; }
    public List<SegmentResult> Segments { get; } = [];
    public List<StepEvent> Events { get; } = [];
    public List<RestoreCheck> Restores { get; } = [];
    public List<CheckpointCheck> Checkpoints { get; } = [];

    /// <summary>Lines the virtual MCU printed (EVENT, STATUS), each with the scenario period it arrived in.</summary>
    public List<(long Period, string Line)> McuLines { get; } = [];

    public long Periods => Trace?.Count ?? 0;

    /// <summary>The virtual MCU's process id (virtual-mcu target; it has exited when the run returns).</summary>
    public int? McuProcessId { get; set; }

    /// <summary>The pseudo-terminals the runner made (virtual-mcu target; closed when the run returns).</summary>
    public IReadOnlyList<string> Ptys { get; set; } = [];

    /// <summary>The runtime's log lines (what <c>ifm run</c> would have printed).</summary>
    public string Log { get; set; } = "";

    /// <summary>Why the scenario did not run to its end (a signal, the timeout), or null.</summary>
    public string? Interrupted { get; set; }

    /// <summary>The period the first run that did not complete stopped in (a fault, a safe-stop, a signal), or null.</summary>
    public SegmentResult? Stopped => Segments.FirstOrDefault(s => s.Reason != "completed" && s.Reason != "restart");
}

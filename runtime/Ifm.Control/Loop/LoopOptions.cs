using System.Runtime.CompilerServices;
using Ifm.Control.Service;

namespace Ifm.Control.Loop;

/// <summary>How a <see cref="ControlLoop"/> runs.</summary>
public sealed record LoopOptions
{
    /// <summary>Periods per second (up to 100 kHz; 1 kHz is the design target).</summary>
    public double RateHz { get; init; } = 100;

    /// <summary>Network ticks per period (k in read → encode → k × step → decode → write).</summary>
    public int TicksPerPeriod { get; init; } = 1;

    public OverrunPolicy OverrunPolicy { get; init; } = OverrunPolicy.Count;

    /// <summary>What a NaN or infinite network output does (default: a fault, safe state, exit 1).</summary>
    public NonFinitePolicy NonFinitePolicy { get; init; } = NonFinitePolicy.Fault;

    /// <summary>Non-finite periods in a row that <see cref="NonFinitePolicy.Hold"/> and <see cref="NonFinitePolicy.Reset"/> ride out before it is a fault.</summary>
    public int NonFiniteLimit { get; init; } = 100;

    /// <summary>Stop after this many periods (null: until cancelled).</summary>
    public long? MaxPeriods { get; init; }

    /// <summary>The last part of each wait that is spun instead of slept (see <see cref="Timing.HybridWaiter"/>).</summary>
    public TimeSpan SpinWindow { get; init; } = TimeSpan.FromMicroseconds(200);

    /// <summary>Periods excluded from the allocation accounting (first-call JIT, lazy initialisation).</summary>
    public int WarmupPeriods { get; init; } = 100;

    /// <summary>Fed with WATCHDOG=1 from the loop thread after completed periods (null: no systemd watchdog).</summary>
    public SystemdNotifier? Watchdog { get; init; }

    /// <summary>Period checkpoints of learned state: interval and writer (null: none during the run).</summary>
    public TimeSpan? CheckpointInterval { get; init; }

    public Checkpoints.BackgroundCheckpointWriter? CheckpointWriter { get; init; }

    /// <summary>Per-period recording (inputs, outputs, actuator commands, neurons, timing); null: none.</summary>
    public Recording.RunRecorder? Recorder { get; init; }

    /// <summary>
    /// The learning signal of the current period (reward, error), recorded with each period; NaN while the loop has
    /// none. A loop that computes one sets it through this box before the period ends.
    /// </summary>
    public StrongBox<float>? LearningSignal { get; init; }

    /// <summary>
    /// The model's learning signals, schedules and watchdog (from the map's and the run configuration's
    /// <c>learning</c>): updated every period between encode and step; null: none bound.
    /// </summary>
    public Ifm.Runtime.Learning.LearningController? Learning { get; init; }

    /// <summary>The dashboard's view of the loop (published every period) and its requests; null: no dashboard.</summary>
    public Dashboard.LiveSnapshot? Live { get; init; }

    /// <summary>Called on the loop thread at the start and the end of every period (stimuli, fault injection, traces); null: none.</summary>
    public IPeriodHook? Hook { get; init; }

    /// <summary>Test hook: while this file exists the loop blocks inside its period (a stalled loop).</summary>
    public string? StallFile { get; init; }

    public long PeriodNanoseconds => (long)Math.Round(1e9 / RateHz);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (!(RateHz > 0 && RateHz <= 100_000)) throw new ArgumentException($"rate must be in (0, 100000] Hz, got {RateHz}");
        if (TicksPerPeriod is < 1 or > 1_000_000) throw new ArgumentException($"ticks per period must be 1..1000000, got {TicksPerPeriod}");
        if (MaxPeriods is < 0) throw new ArgumentException($"max periods must be >= 0, got {MaxPeriods}");
        if (SpinWindow < TimeSpan.Zero) throw new ArgumentException("spin window must be >= 0");
        if (NonFiniteLimit is < 1 or > 1_000_000_000) throw new ArgumentException($"non-finite limit must be 1..1000000000 periods, got {NonFiniteLimit}");
        if (CheckpointInterval is { } c && c <= TimeSpan.Zero) throw new ArgumentException("checkpoint interval must be positive");
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Ifm.Control.Checkpoints;
using Ifm.Hil.Running;
using Ifm.Runtime.Engine;

namespace Ifm.Hil.Steps;

/// <summary>
/// <c>checkpoint</c>: the learned state is saved at a period while the runtime goes on. The snapshot is taken on the
/// loop thread between two ticks (the only place it is consistent: one copy of the state, the step's one allocation);
/// encoding, flush and the atomic rename happen on a writer thread, as the runtime's periodic checkpoints do.
/// <c>restored_state</c> with <c>checkpoint: id</c> reads the file back and compares it, bit for bit, with the state
/// at that period.
/// </summary>
internal sealed class CheckpointStep : ScenarioStep
{
    /// <summary>Where to save (relative to the scenario file); null: the record folder, else the run's work folder.</summary>
    public string? File { get; init; }

    /// <summary>The file the step wrote to in this scenario (set by the runner before the run).</summary>
    internal string Target { get; set; } = "";

    /// <summary>The learned state at the period, kept to compare the file with.</summary>
    internal SessionState? Saved { get; private set; }

    private BackgroundCheckpointWriter? _writer;

    public override StepThread Thread => StepThread.Loop;

    public override string Describe() => File is null ? "save a checkpoint" : $"save a checkpoint to {File}";

    public override void Start(LoopContext context)
    {
        Saved = context.Session.Snapshot();
        _writer = new BackgroundCheckpointWriter(context.Session, Target);
        _writer.Offer(Saved);
    }

    /// <summary>Runner, after the run: waits for the write, then compares the file with the state at the period.</summary>
    internal CheckpointCheck Finish()
    {
        if (Saved is null || _writer is null) return new(this, false, "the step never took effect");
        _writer.Dispose();
        if (_writer.LastError is { } e) return new(this, false, $"not saved: {e.Message}");
        if (!System.IO.File.Exists(Target)) return new(this, false, $"{Target} was not written");
        var (equal, detail) = StateComparison.Compare(Ifm.Runtime.Persistence.Checkpoint.Read(Target), Saved);
        return new(this, equal, equal ? string.Create(CultureInfo.InvariantCulture, $"{System.IO.Path.GetFileName(Target)}: {detail}") : detail);
    }

    [ModuleInitializer]
    internal static void Register() => StepKinds.Register(new StepKind
    {
        Name = "checkpoint",
        Summary = "save the learned state at this period (atomically, off the loop thread) while the runtime goes on; restored_state with checkpoint: id compares the file with it",
        Fields = ["path: the file (relative to the scenario; default: the --record folder, else a temporary one)"],
        Read = (f, _) => new CheckpointStep { File = f.String("path") },
    });
}

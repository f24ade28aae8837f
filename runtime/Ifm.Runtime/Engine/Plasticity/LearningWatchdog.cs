using Ifm.Runtime.Persistence;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>Settings of a <see cref="LearningWatchdog"/>.</summary>
public sealed record LearningWatchdogOptions
{
    /// <summary>
    /// The lowest acceptable moving performance (the mean of the values given to <see cref="LearningWatchdog.Observe"/>
    /// over <see cref="Window"/> periods; higher is better: a hit rate, a negated squared tracking error).
    /// </summary>
    public required float Floor { get; init; }

    /// <summary>Periods in the moving mean; the watchdog judges only once it is full.</summary>
    public int Window { get; init; } = 50;

    /// <summary>A good period every this many periods becomes the new last good snapshot.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>When set, every last good snapshot is also saved there atomically (<see cref="Checkpoint.Save"/>).</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// When set, called with every last good snapshot instead of saving it to <see cref="CheckpointPath"/> on the
    /// calling thread: a control loop hands it to a background checkpoint writer.
    /// </summary>
    public Action<SessionState>? Persist { get; init; }
}

/// <summary>
/// Guarded learning: watches a performance signal while a session keeps learning. While the moving performance is at
/// or above the floor it keeps a last good snapshot of the learned state (in memory, and on disk when configured);
/// when the moving performance falls below the floor, or the plasticity guard finds a NaN/Inf, it freezes learning
/// and rolls the session back to that snapshot, counts it and reports one line. Learning stays frozen until
/// <see cref="Resume"/>. <see cref="Observe"/> allocates nothing, except when it takes a snapshot (every
/// <see cref="LearningWatchdogOptions.SnapshotEvery"/> good periods).
/// </summary>
public sealed class LearningWatchdog
{
    private readonly INetworkSession _session;
    private readonly LearningWatchdogOptions _options;
    private readonly Action<string>? _log;
    private readonly float[] _ring;
    private int _filled, _at;
    private double _sum;
    private long _periods;

    public LearningWatchdog(INetworkSession session, LearningWatchdogOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SnapshotEvery, 1);
        if (!float.IsFinite(options.Floor)) throw new ArgumentException("the performance floor must be finite");
        _session = session;
        _options = options;
        _log = log;
        _ring = new float[options.Window];
        LastGood = session.Snapshot();
        SaveCheckpoint();
    }

    /// <summary>The state the next rollback restores.</summary>
    public SessionState LastGood { get; private set; }

    /// <summary>Rollbacks so far.</summary>
    public int Rollbacks { get; private set; }

    /// <summary>Snapshots taken (the first at construction).</summary>
    public int Snapshots { get; private set; } = 1;

    /// <summary>True after a rollback until <see cref="Resume"/>: learning is frozen.</summary>
    public bool Frozen { get; private set; }

    /// <summary>The moving performance (NaN until the window is full).</summary>
    public double MovingPerformance => _filled < _ring.Length ? double.NaN : _sum / _ring.Length;

    /// <summary>The log line of the last rollback, or null.</summary>
    public string? LastMessage { get; private set; }

    /// <summary>Call once per period, after the step, with that period's performance (NaN counts as failing).</summary>
    /// <returns>True when this call rolled the session back.</returns>
    public bool Observe(float performance)
    {
        _periods++;
        if (float.IsNaN(performance)) performance = float.NegativeInfinity;
        if (_filled == _ring.Length) _sum -= _ring[_at];
        else _filled++;
        _ring[_at] = performance;
        _sum += performance;
        _at = (_at + 1) % _ring.Length;
        if (Frozen) return false;

        var plasticity = _session.Plasticity;
        bool guard = plasticity.GuardTripped;
        bool low = _filled == _ring.Length && !(_sum / _ring.Length >= _options.Floor);
        if (guard || low)
        {
            RollBack(guard ? $"the NaN/Inf guard tripped ({plasticity.GuardMessage})" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"moving performance {_sum / _ring.Length:G4} fell below the floor {_options.Floor:G4}"));
            return true;
        }

        if (_filled == _ring.Length && _periods % _options.SnapshotEvery == 0)
        {
            LastGood = _session.Snapshot();
            Snapshots++;
            SaveCheckpoint();
        }

        return false;
    }

    /// <summary>Unfreezes learning after a rollback (the moving window starts over).</summary>
    public void Resume()
    {
        Frozen = false;
        _filled = 0;
        _at = 0;
        _sum = 0;
        _session.Plasticity.Enabled = true;
    }

    private void RollBack(string why)
    {
        var plasticity = _session.Plasticity;
        _session.Restore(LastGood);
        if (plasticity.GuardTripped) plasticity.ClearGuard();
        plasticity.Enabled = false;
        Frozen = true;
        Rollbacks++;
        LastMessage = $"learning frozen and rolled back to the snapshot of tick {LastGood.Tick}: {why} (rollback {Rollbacks})";
        _log?.Invoke(LastMessage);
    }

    private void SaveCheckpoint()
    {
        if (_options.Persist is { } persist) persist(LastGood);
        else if (_options.CheckpointPath is { } path) Checkpoint.Save(_session, path);
    }
}

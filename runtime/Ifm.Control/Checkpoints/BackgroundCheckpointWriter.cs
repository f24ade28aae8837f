using Ifm.Runtime.Engine;
using Ifm.Runtime.Persistence;

namespace Ifm.Control.Checkpoints;

/// <summary>
/// Writes checkpoints off the loop thread. The loop takes the snapshot (a copy of the learned state, which must
/// happen on the session's thread) and hands it over; encoding, fsync and the atomic rename happen here, so a
/// periodic checkpoint costs the loop one memory copy, not a disk flush. A snapshot offered while the previous
/// one is still being written replaces it (only the newest state matters).
/// </summary>
public sealed class BackgroundCheckpointWriter : IDisposable
{
    private readonly INetworkSession _session;
    private readonly string _path;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly object _writeGate = new();
    private SessionState? _pending;
    private bool _stopping;

    public BackgroundCheckpointWriter(INetworkSession session, string path)
    {
        _session = session;
        _path = path;
        _thread = new Thread(Run) { IsBackground = true, Name = "ifm-checkpoint" };
        _thread.Start();
    }

    public string Path => _path;

    /// <summary>Checkpoints written so far.</summary>
    public int Written { get; private set; }

    /// <summary>The last write failure (the loop goes on; the final checkpoint reports it).</summary>
    public Exception? LastError { get; private set; }

    public void Offer(SessionState state)
    {
        lock (_gate)
        {
            _pending = state;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Writes <paramref name="state"/> now on the calling thread (the final checkpoint at shutdown).</summary>
    public void WriteNow(SessionState state)
    {
        lock (_gate) _pending = null;
        Write(state);
        if (LastError is { } e) throw e;
    }

    private void Run()
    {
        while (true)
        {
            SessionState? state;
            lock (_gate)
            {
                while (_pending is null && !_stopping) Monitor.Wait(_gate);
                if (_pending is null) return;
                state = _pending;
                _pending = null;
            }

            Write(state);
        }
    }

    private void Write(SessionState state)
    {
        lock (_writeGate)
        {
            try
            {
                Checkpoint.Save(new FrozenSession(_session.Model, _session.Plasticity, state), _path);
                Written++;
                LastError = null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CheckpointException)
            {
                LastError = e;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
    }
}

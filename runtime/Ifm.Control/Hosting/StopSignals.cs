using System.Runtime.InteropServices;

namespace Ifm.Control.Hosting;

/// <summary>
/// Turns the signals that end a run into an orderly stop request: SIGINT (Ctrl-C), SIGTERM (kill, systemd stop) and
/// SIGHUP (the terminal or SSH session went away). Each cancels the token instead of killing the process, so the loop
/// finishes its period, the actuators enter their safe state, the learned state is saved and the report is written.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;

    private StopSignals(CancellationTokenSource stop)
    {
        _registrations =
        [
            Register(PosixSignal.SIGINT, stop),
            Register(PosixSignal.SIGTERM, stop),
            Register(PosixSignal.SIGHUP, stop),
        ];
    }

    /// <summary>Cancels <paramref name="stop"/> on SIGINT, SIGTERM or SIGHUP until disposed.</summary>
    public static StopSignals Register(CancellationTokenSource stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        return new StopSignals(stop);
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
    }

    private static PosixSignalRegistration Register(PosixSignal signal, CancellationTokenSource stop) =>
        PosixSignalRegistration.Create(signal, ctx =>
        {
            ctx.Cancel = true; // not the default action (termination): the run stops in order
            stop.Cancel();
        });
}

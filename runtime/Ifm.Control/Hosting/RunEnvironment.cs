using Ifm.Control.Diagnostics;
using Ifm.Control.Service;
using Ifm.Devices.Simulation;

namespace Ifm.Control.Hosting;

/// <summary>What <see cref="RunHost"/> gets from its caller besides the configuration.</summary>
public sealed class RunEnvironment
{
    public required RunLog Log { get; init; }

    /// <summary>Cancelled on SIGINT/SIGTERM (the CLI wires the signals) or by a test.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The backends <c>backend</c> may name (the CLI appends the OpenCL backend); the CPU engine alone by default.</summary>
    public Ifm.Runtime.Engine.BackendList Backends { get; init; } = Ifm.Runtime.Engine.BackendList.CpuOnly;

    /// <summary>sd_notify target (null when not under systemd Type=notify).</summary>
    public SystemdNotifier? Notifier { get; init; }

    /// <summary>How often the status line is refreshed (terminal) or written (plain/journal).</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Test hook file (<c>IFM_TEST_STALL_FILE</c>): the loop stalls while it exists.</summary>
    public string? StallFile { get; init; }

    /// <summary>Perturbations of the simulated Pong plant (<c>--perturb</c> with <c>--sim pong</c>).</summary>
    public IReadOnlyList<PongPerturbation> PongPerturbations { get; init; } = [];

    /// <summary>Perturbations of the simulated servo (<c>--perturb</c> with <c>--sim servo</c>).</summary>
    public IReadOnlyList<ServoPerturbation> ServoPerturbations { get; init; } = [];

    /// <summary>Schedule of the simulated Pavlov plant (default: 3 food, 10 paired, 3 bell trials).</summary>
    public PavlovSchedule? PavlovSchedule { get; init; }

    /// <summary>
    /// Creators of device types from other assemblies (the firmware bridge), asked before the hardware factory.
    /// The caller owns them and disposes them after <see cref="RunHost.Run"/> returns (devices are safe by then).
    /// </summary>
    public IReadOnlyList<Ifm.Devices.IDeviceProvider> DeviceProviders { get; init; } = [];

    /// <summary>The hybrid timer's spin window.</summary>
    public TimeSpan SpinWindow { get; init; } = TimeSpan.FromMicroseconds(200);

    /// <summary>Where to record every period (<c>--record run.ifmrec</c>); null: no recording.</summary>
    public string? RecordPath { get; init; }

    /// <summary>Bounds and neuron capture of the recording; the neuron default is spikes for spiking models, none otherwise.</summary>
    public Recording.RecorderOptions? RecorderOptions { get; init; }

    /// <summary>Where the live dashboard listens (<c>--dashboard</c>, loopback; or <c>--dashboard-bind</c>); null: none.</summary>
    public System.Net.IPEndPoint? Dashboard { get; init; }

    /// <summary>Whether <see cref="Dashboard"/> may be a non-loopback address (<c>--dashboard-bind</c>): then every request needs the token.</summary>
    public bool DashboardAllowRemote { get; init; }

    /// <summary>Where the Prometheus text endpoint listens (<c>--metrics</c>); null: none.</summary>
    public System.Net.IPEndPoint? Metrics { get; init; }

    /// <summary>
    /// Called once the session, the devices and the hardware are bound, before the loop thread starts (after a checkpoint
    /// was resumed): returns the hook the loop calls every period (hardware-in-the-loop scenarios), or null.
    /// </summary>
    public Func<RunBinding, Loop.IPeriodHook?>? Attach { get; init; }

    /// <summary>Periods excluded from the loop's allocation accounting (null: the loop's default).</summary>
    public int? WarmupPeriods { get; init; }

    /// <summary>How long to wait for a cancelled loop to finish its period before forcing the safe state.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>What <see cref="RunEnvironment.Attach"/> sees of a bound run.</summary>
public sealed record RunBinding(Ifm.Runtime.Model.IfmModel Model, Ifm.Runtime.Engine.INetworkSession Session, Ifm.Devices.Mapping.DeviceSet Devices,
    SimulatedHardware? Simulation, double RateHz, long? MaxPeriods);

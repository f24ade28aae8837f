using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// Where a session's ticks run: the CPU engine (<see cref="CpuBackend"/>) or a device (the OpenCL assembly's
/// <c>OpenClBackend</c>). A backend plugs into a <see cref="BackendList"/> the way an execution provider plugs into an
/// inference session; <c>ifm run/bench/replay</c>, the control loop, the C ABI and <see cref="IfmSession"/> all create
/// their sessions through that list. Adding a backend is a class implementing this interface, added to the lists its
/// hosts build (the CLI's and the C ABI's <c>Backends</c>).
/// </summary>
public interface IBackend
{
    /// <summary>The name users pick it by (<c>--backend</c>, <c>"backend"</c> in run.json, the C ABI's options): lowercase, e.g. "cpu".</summary>
    string Name { get; }

    /// <summary>The name in messages, e.g. "OpenCL".</summary>
    string DisplayName { get; }

    /// <summary>
    /// Creates a session of <paramref name="model"/> (states 0, plasticity enabled). Throws an
    /// <see cref="Ifm.Core.IfmException"/> with <see cref="Ifm.Core.IfmErrorCode.Backend"/> when the backend cannot run
    /// on this machine; its message says why in a few words (the list adds which backend).
    /// </summary>
    /// <param name="options">The CPU engine's layout choices; other backends may ignore them.</param>
    BackendSession Create(IfmModel model, SessionOptions options);
}

/// <summary>A session a backend made, with the device it runs on.</summary>
/// <param name="Description">The backend and device in a few words, e.g. "opencl (0:0 NVIDIA Orin)".</param>
/// <param name="DeviceName">The device alone, as in "12 µs/tick on NVIDIA Orin", e.g. "the CPU".</param>
public sealed record BackendSession(INetworkSession Session, string Description, string DeviceName);

/// <summary>The session a <see cref="BackendList"/> made, which backend runs it and why that one.</summary>
/// <param name="Backend">The <see cref="IBackend.Name"/> of the backend that runs it, e.g. "cpu".</param>
/// <param name="Description">The backend and device in a few words, e.g. "opencl (0:0 NVIDIA Orin)".</param>
/// <param name="Reason">One line: why this backend (auto's measurements, or why another was not usable); null when it was simply asked for.</param>
public sealed record BackendChoice(INetworkSession Session, string Backend, string Description, string? Reason);

/// <summary>The CPU engine (<see cref="CpuSession"/>): always available, the default.</summary>
public sealed class CpuBackend : IBackend
{
    public static CpuBackend Instance { get; } = new();

    public string Name => "cpu";

    public string DisplayName => "CPU";

    public BackendSession Create(IfmModel model, SessionOptions options) => new(new CpuSession(model, options), "cpu", "the CPU");
}

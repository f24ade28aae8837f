namespace Ifm.Runtime.OpenCL.Selection;

/// <summary>Where a session runs: <c>--backend cpu|opencl|auto</c>.</summary>
public enum Backend
{
    /// <summary>The CPU engine (the default).</summary>
    Cpu,

    /// <summary>An OpenCL device; fails with the reason when none is usable.</summary>
    OpenCl,

    /// <summary>Measure both on the model and take the faster; the CPU when OpenCL is unusable.</summary>
    Auto,
}

/// <summary>The session <see cref="SessionFactory"/> made, which backend it runs on and why that one.</summary>
/// <param name="Backend">"cpu" or "opencl".</param>
/// <param name="Description">The backend and device in a few words, e.g. "opencl (0:0 NVIDIA Orin)".</param>
/// <param name="Reason">One line: why this backend (measurements of auto, or why OpenCL was not usable); null when it was simply asked for.</param>
public sealed record BackendChoice(Ifm.Runtime.Engine.INetworkSession Session, string Backend, string Description, string? Reason);

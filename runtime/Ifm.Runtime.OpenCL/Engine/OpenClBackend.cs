using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// The OpenCL backend (<see cref="OpenClSession"/>) for a <see cref="BackendList"/>: <c>--backend opencl</c>, and a
/// candidate of <c>auto</c>. Fails with an <see cref="Interop.OpenClException"/> saying why when OpenCL is not usable.
/// </summary>
/// <param name="deviceSpec">"platform:device", part of a device or platform name, or null for the first GPU (else the first device).</param>
public sealed class OpenClBackend(string? deviceSpec = null) : IBackend
{
    public string Name => "opencl";

    public string DisplayName => "OpenCL";

    /// <summary>The device asked for (<c>--opencl-device</c>), or null.</summary>
    public string? DeviceSpec { get; } = deviceSpec;

    /// <remarks>The CPU layout options do not apply: the device keeps its own layout.</remarks>
    public BackendSession Create(IfmModel model, SessionOptions options)
    {
        var s = new OpenClSession(model, DeviceSpec);
        return new BackendSession(s, $"opencl ({s.Device.Id} {s.Device.Name})", s.Device.Name);
    }
}

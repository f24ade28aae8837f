using System.Globalization;

namespace Ifm.Runtime.OpenCL.Selection;

/// <summary>One OpenCL device as <see cref="OpenClDevices"/> found it.</summary>
/// <param name="Platform">Platform index (the order clGetPlatformIDs returns).</param>
/// <param name="Index">Device index within the platform.</param>
public sealed record OpenClDevice(
    int Platform,
    int Index,
    string PlatformName,
    string Name,
    string Type,
    string Version,
    int ComputeUnits,
    long GlobalMemoryBytes,
    nint PlatformHandle,
    nint DeviceHandle)
{
    /// <summary>"platform:device", the form <c>--opencl-device</c> accepts.</summary>
    public string Id => string.Create(CultureInfo.InvariantCulture, $"{Platform}:{Index}");

    public bool IsGpu => Type.Contains("GPU", StringComparison.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Id}  {Name} ({Type}, {ComputeUnits} compute units, {GlobalMemoryBytes / (1024 * 1024)} MiB) on {PlatformName}, {Version}");
}

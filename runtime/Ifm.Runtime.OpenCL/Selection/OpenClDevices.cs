using System.Globalization;
using System.Text;
using Ifm.Runtime.OpenCL.Interop;
using Silk.NET.OpenCL;

namespace Ifm.Runtime.OpenCL.Selection;

/// <summary>Lists the machine's OpenCL platforms and devices and finds the one a user named.</summary>
public static class OpenClDevices
{
    private const int PlatformNotFoundKhr = -1001;

    // The ICD loader's first clGetPlatformIDs initialises its driver table; concurrent first calls from several threads
    // can see no platform. Enumeration is serialised and its result kept for the process.
    private static readonly Lock Gate = new();
    private static IReadOnlyList<OpenClDevice>? _cached;

    /// <summary>
    /// Every device of every platform. Throws <see cref="OpenClException"/> when the OpenCL library is missing; returns an
    /// empty list when the loader finds no driver (no platform).
    /// </summary>
    public static IReadOnlyList<OpenClDevice> List()
    {
        lock (Gate) return _cached ??= Enumerate();
    }

    private static unsafe IReadOnlyList<OpenClDevice> Enumerate()
    {
        var cl = OpenClLibrary.Api;
        uint count = 0;
        int status = cl.GetPlatformIDs(0, null, &count);
        if (status == PlatformNotFoundKhr || count == 0) return [];
        ClStatus.Check(status, "clGetPlatformIDs");
        var platforms = new nint[count];
        fixed (nint* p = platforms) ClStatus.Check(cl.GetPlatformIDs(count, p, null), "clGetPlatformIDs");

        var result = new List<OpenClDevice>();
        for (int pi = 0; pi < platforms.Length; pi++)
        {
            string platformName = PlatformString(cl, platforms[pi], PlatformInfo.Name);
            uint deviceCount = 0;
            status = cl.GetDeviceIDs(platforms[pi], DeviceType.All, 0, null, &deviceCount);
            if (status == -1 || deviceCount == 0) continue; // CL_DEVICE_NOT_FOUND: a platform without devices
            ClStatus.Check(status, "clGetDeviceIDs");
            var devices = new nint[deviceCount];
            fixed (nint* d = devices) ClStatus.Check(cl.GetDeviceIDs(platforms[pi], DeviceType.All, deviceCount, d, null), "clGetDeviceIDs");
            for (int di = 0; di < devices.Length; di++)
            {
                var dev = devices[di];
                ulong type = DeviceValue<ulong>(cl, dev, DeviceInfo.Type);
                result.Add(new OpenClDevice(pi, di, platformName, DeviceString(cl, dev, DeviceInfo.Name).Trim(), TypeName(type),
                    DeviceString(cl, dev, DeviceInfo.Version).Trim(), (int)DeviceValue<uint>(cl, dev, DeviceInfo.MaxComputeUnits),
                    (long)DeviceValue<ulong>(cl, dev, DeviceInfo.GlobalMemSize), platforms[pi], dev));
            }
        }

        return result;
    }

    /// <summary>
    /// The device <paramref name="spec"/> names: "platform:device" indices, or a case-insensitive part of the device or
    /// platform name; null picks the first GPU, else the first device. Throws <see cref="OpenClException"/> with the
    /// reason when OpenCL is unavailable or nothing matches.
    /// </summary>
    public static OpenClDevice Find(string? spec)
    {
        var all = List();
        if (all.Count == 0) throw new OpenClException("no OpenCL platform or device found (the ICD loader lists no driver: install one, e.g. pocl-opencl-icd)");
        if (string.IsNullOrWhiteSpace(spec)) return all.FirstOrDefault(d => d.IsGpu) ?? all[0];

        var parts = spec.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int p)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int d))
        {
            return all.FirstOrDefault(x => x.Platform == p && x.Index == d)
                ?? throw new OpenClException($"OpenCL device {spec} does not exist (devices: {string.Join(", ", all.Select(x => x.Id + " " + x.Name))})");
        }

        return all.FirstOrDefault(x => x.Name.Contains(spec, StringComparison.OrdinalIgnoreCase))
            ?? all.FirstOrDefault(x => x.PlatformName.Contains(spec, StringComparison.OrdinalIgnoreCase))
            ?? throw new OpenClException($"no OpenCL device matches '{spec}' (devices: {string.Join(", ", all.Select(x => x.Id + " " + x.Name))})");
    }

    private static string TypeName(ulong type)
    {
        var parts = new List<string>();
        if ((type & (ulong)DeviceType.Gpu) != 0) parts.Add("GPU");
        if ((type & (ulong)DeviceType.Cpu) != 0) parts.Add("CPU");
        if ((type & (ulong)DeviceType.Accelerator) != 0) parts.Add("accelerator");
        return parts.Count == 0 ? "other" : string.Join("+", parts);
    }

    private static unsafe string PlatformString(CL cl, nint platform, PlatformInfo what)
    {
        nuint size = 0;
        ClStatus.Check(cl.GetPlatformInfo(platform, what, 0, null, &size), "clGetPlatformInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) ClStatus.Check(cl.GetPlatformInfo(platform, what, size, b, null), "clGetPlatformInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    internal static unsafe string DeviceString(CL cl, nint device, DeviceInfo what)
    {
        nuint size = 0;
        ClStatus.Check(cl.GetDeviceInfo(device, what, 0, null, &size), "clGetDeviceInfo");
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes) ClStatus.Check(cl.GetDeviceInfo(device, what, size, b, null), "clGetDeviceInfo");
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    internal static unsafe T DeviceValue<T>(CL cl, nint device, DeviceInfo what) where T : unmanaged
    {
        T value = default;
        ClStatus.Check(cl.GetDeviceInfo(device, what, (nuint)sizeof(T), &value, null), "clGetDeviceInfo");
        return value;
    }
}

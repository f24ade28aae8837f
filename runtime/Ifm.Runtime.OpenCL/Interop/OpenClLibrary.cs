using Silk.NET.OpenCL;

namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>
/// The process-wide OpenCL entry points: Silk.NET's bindings over libOpenCL.so.1 (the ICD loader), opened through
/// <see cref="OpenClNativeContext"/>. Loading is attempted once; when the library is missing the reason is kept and every
/// caller gets the same clear message.
/// </summary>
public static class OpenClLibrary
{
    private static readonly Lazy<(CL? Api, string? Error)> Loaded = new(Load);

    /// <summary>True when the OpenCL loader library could be loaded (it may still have no platform).</summary>
    public static bool IsLoaded => Loaded.Value.Api is not null;

    /// <summary>Why the library could not be loaded, or null.</summary>
    public static string? LoadError => Loaded.Value.Error;

    /// <summary>The API, or an <see cref="OpenClException"/> saying why OpenCL is unavailable.</summary>
    public static CL Api => Loaded.Value.Api ?? throw new OpenClException(Loaded.Value.Error!);

    private static (CL?, string?) Load()
    {
        const string Missing = "the OpenCL library (libOpenCL.so.1) is not installed: install an ICD loader (ocl-icd-libopencl1) and a driver";
        try
        {
            var context = OpenClNativeContext.TryOpen();
            return context is null ? (null, Missing) : (new CL(context), null);
        }
        catch (Exception e) when (e is FileNotFoundException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (null, Missing);
        }
    }
}

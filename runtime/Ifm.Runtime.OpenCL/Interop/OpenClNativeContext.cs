using System.Runtime.InteropServices;
using Silk.NET.Core.Contexts;

namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>
/// Resolves OpenCL entry points from the ICD loader opened with <see cref="NativeLibrary"/>. Used instead of
/// Silk.NET's default context, whose path resolver reads assembly locations and the deps.json (not available, and
/// flagged by the AOT analyzer, in a NativeAOT binary).
/// </summary>
internal sealed class OpenClNativeContext : INativeContext
{
    /// <summary>Names of the ICD loader, most specific first (Linux soname, then other platforms' names).</summary>
    private static readonly string[] Names = ["libOpenCL.so.1", "libOpenCL.so", "OpenCL.dll", "/System/Library/Frameworks/OpenCL.framework/OpenCL"];

    private readonly nint _library;

    private OpenClNativeContext(nint library) => _library = library;

    /// <summary>Opens the ICD loader, or returns null when none of its names can be loaded.</summary>
    public static OpenClNativeContext? TryOpen()
    {
        foreach (var name in Names)
        {
            if (NativeLibrary.TryLoad(name, out nint handle)) return new OpenClNativeContext(handle);
        }

        return null;
    }

    public nint GetProcAddress(string proc, int? slot = null) =>
        TryGetProcAddress(proc, out nint addr, slot) ? addr : throw new EntryPointNotFoundException($"the OpenCL library has no function {proc}");

    public bool TryGetProcAddress(string proc, out nint addr, int? slot = null) => NativeLibrary.TryGetExport(_library, proc, out addr);

    /// <summary>The loader stays loaded for the life of the process (OpenCL objects may outlive any one owner).</summary>
    public void Dispose()
    {
    }
}

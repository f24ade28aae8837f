using System.Runtime.InteropServices;

namespace Ifm.Runtime.OpenCL.Interop;

/// <summary>
/// Owns one OpenCL object reference and releases it exactly once (deterministically on Dispose, or by the finalizer
/// as a last resort). Subclasses name the clRelease* call for their kind of object.
/// </summary>
internal abstract class ClHandle : SafeHandle
{
    protected ClHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw handle for an OpenCL call (valid while this object is alive and not disposed).</summary>
    public nint Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return handle;
        }
    }
}

internal sealed class ClContext(nint handle) : ClHandle(handle)
{
    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseContext(handle) == 0;
}

internal sealed class ClCommandQueue(nint handle) : ClHandle(handle)
{
    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseCommandQueue(handle) == 0;
}

internal sealed class ClProgram(nint handle) : ClHandle(handle)
{
    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseProgram(handle) == 0;
}

internal sealed class ClKernel(nint handle) : ClHandle(handle)
{
    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseKernel(handle) == 0;
}

internal sealed class ClMem(nint handle) : ClHandle(handle)
{
    protected override bool ReleaseHandle() => OpenClLibrary.Api.ReleaseMemObject(handle) == 0;
}

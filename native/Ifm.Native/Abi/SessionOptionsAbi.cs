using System.Runtime.InteropServices;
using Ifm.Runtime.Engine;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.Native.Abi;

/// <summary><c>ifm_session_options</c> of ifm.h (ABI 1.1): the layout is ABI, fields are only appended.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SessionOptionsAbi
{
    public uint StructSize;
    public byte* Backend;
    public byte* Device;
    public int Layout;
    public int PlasticityOff;

    /// <summary>The backends the C ABI offers: the CPU engine and OpenCL on <paramref name="openClDevice"/>.</summary>
    public static BackendList Backends(string? openClDevice) => new(new OpenClBackend(openClDevice));
}

using System.Runtime.InteropServices;
using Ifm.Runtime.Engine;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.Native.Abi;

/// <summary><c>ifm_session_options</c> of ifm.h (ABI 1.1, <see cref="Threads"/> since 1.2): the layout is ABI, fields are only appended.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SessionOptionsAbi
{
    public uint StructSize;
    public byte* Backend;
    public byte* Device;
    public int Layout;
    public int PlasticityOff;
    public int Threads;

    /// <summary>The struct's size in ABI 1.1 (before <see cref="Threads"/>): the smallest struct_size accepted.</summary>
    public static readonly int SizeV11 = (int)Marshal.OffsetOf<SessionOptionsAbi>(nameof(Threads));

    /// <summary>
    /// The fields a program passed: the first <c>struct_size</c> bytes of its struct (a program built against an older
    /// ifm.h passes a shorter one), the rest zero (their defaults). Never reads past what the program owns.
    /// </summary>
    public static SessionOptionsAbi Read(SessionOptionsAbi* options)
    {
        var copy = default(SessionOptionsAbi);
        uint size = Math.Min(options->StructSize, (uint)sizeof(SessionOptionsAbi));
        Buffer.MemoryCopy(options, &copy, sizeof(SessionOptionsAbi), size);
        return copy;
    }

    /// <summary>The backends the C ABI offers: the CPU engine and OpenCL on <paramref name="openClDevice"/>.</summary>
    public static BackendList Backends(string? openClDevice) => new(new OpenClBackend(openClDevice));
}

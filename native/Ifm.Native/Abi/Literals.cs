using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ifm.Native.Abi;

/// <summary>
/// NUL-terminated UTF-8 strings handed to C. UTF-8 literals live in the image's read-only data, so their addresses
/// are fixed for the life of the process and C may keep the pointers.
/// </summary>
internal static unsafe partial class Literals
{
    public static byte* Empty => Address("\0"u8);

    public static byte* Version => Address("0.1.0\0"u8);

    private static byte* Address(ReadOnlySpan<byte> literal) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(literal));
}

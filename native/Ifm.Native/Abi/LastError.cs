using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Ifm.Native.Abi;

/// <summary>
/// The thread-local last-error message behind <c>ifm_last_error()</c>: a NUL-terminated UTF-8 string in a per-thread
/// native buffer, so the pointer handed to C stays valid until the next failing call on the same thread. Successful
/// calls leave it unchanged (like errno), which keeps the hot calls free of thread-local writes.
/// </summary>
internal static unsafe class LastError
{
    private const int Capacity = 1024;

    [ThreadStatic]
    private static byte* t_buffer;

    /// <summary>The message for C: never null (an empty string before the first failure on this thread).</summary>
    public static byte* Pointer => t_buffer != null ? t_buffer : Literals.Empty;

    /// <summary>Records <paramref name="message"/> (truncated to the buffer on a character boundary) and returns <paramref name="status"/>.</summary>
    public static int Set(int status, string message)
    {
        if (t_buffer == null)
        {
            t_buffer = (byte*)NativeMemory.Alloc(Capacity);
            if (t_buffer == null) return status;
        }

        var destination = new Span<byte>(t_buffer, Capacity - 1);
        Utf8.FromUtf16(message, destination, out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
        t_buffer[written] = 0;
        return status;
    }
}

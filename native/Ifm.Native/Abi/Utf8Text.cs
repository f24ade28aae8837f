using System.Text;

namespace Ifm.Native.Abi;

/// <summary>Strings across the boundary: NUL-terminated UTF-8 in, caller-owned buffers out.</summary>
internal static unsafe class Utf8Text
{
    /// <summary>Longest string accepted from C (paths, group names); a longer one is refused rather than scanned forever.</summary>
    public const int MaxInputBytes = 4096;

    /// <summary>Reads a NUL-terminated UTF-8 string; null when no NUL comes within <see cref="MaxInputBytes"/>.</summary>
    public static string? Read(byte* text)
    {
        int length = 0;
        while (length < MaxInputBytes && text[length] != 0) length++;
        return length == MaxInputBytes ? null : Encoding.UTF8.GetString(text, length);
    }

    /// <summary>
    /// Copies <paramref name="value"/> NUL-terminated into <paramref name="buffer"/> of <paramref name="capacity"/>
    /// bytes and stores its byte length (without the NUL) in <paramref name="length"/> when that is not NULL.
    /// Returns false when the buffer is too small (nothing is written to it then).
    /// </summary>
    public static bool Write(string value, byte* buffer, nuint capacity, nuint* length)
    {
        int needed = Encoding.UTF8.GetByteCount(value);
        if (length != null) *length = (nuint)needed;
        if (capacity < (nuint)needed + 1) return false;
        int written = Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, needed));
        buffer[written] = 0;
        return true;
    }
}

using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// Finds the neurons whose output is not zero (the spikes of a tick) with a vector scan over the bit patterns.
/// </summary>
/// <remarks>
/// <c>span.IndexOfAnyExcept(0f)</c> is not vectorised for floats (they are not bitwise-equatable: −0 and NaN), and it
/// dominated an event-driven tick. Here a value is active when any bit but the sign is set: −0 counts as zero,
/// NaN as active, the same as <c>y != 0</c>.
/// </remarks>
internal static class ActiveScan
{
    /// <summary>Index of the first value at or after <paramref name="from"/> that is not ±0, or −1.</summary>
    public static int Next(ReadOnlySpan<float> values, int from)
    {
        var bits = MemoryMarshal.Cast<float, int>(values);
        int n = bits.Length, i = from;
        if (Vector256.IsHardwareAccelerated)
        {
            var mask = Vector256.Create(0x7FFF_FFFF);
            ref int r = ref MemoryMarshal.GetReference(bits);
            for (; i <= n - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                var v = Vector256.LoadUnsafe(ref r, (nuint)i) & mask;
                uint nonzero = ~Vector256.Equals(v, Vector256<int>.Zero).ExtractMostSignificantBits() & 0xFFu;
                if (nonzero != 0) return i + BitOperations.TrailingZeroCount(nonzero);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var mask = Vector128.Create(0x7FFF_FFFF);
            ref int r = ref MemoryMarshal.GetReference(bits);
            for (; i <= n - Vector128<int>.Count; i += Vector128<int>.Count)
            {
                var v = Vector128.LoadUnsafe(ref r, (nuint)i) & mask;
                uint nonzero = ~Vector128.Equals(v, Vector128<int>.Zero).ExtractMostSignificantBits() & 0xFu;
                if (nonzero != 0) return i + BitOperations.TrailingZeroCount(nonzero);
            }
        }

        for (; i < n; i++)
        {
            if ((bits[i] & 0x7FFF_FFFF) != 0) return i;
        }

        return -1;
    }
}

using System.Numerics;

namespace Ifm.Control.Timing;

/// <summary>
/// A fixed-size log-linear histogram of durations in nanoseconds (exact below 256 ns, then 128 sub-buckets per
/// power of two: ≤ 0.8 % relative error), for p50/p99 without storing samples. <see cref="Record"/> is
/// allocation-free and O(1). One writer thread; readers on other threads see approximate (possibly torn) counts.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int Sub = 1 << SubBits;
    private const int Linear = 2 * Sub;
    private readonly long[] _counts = new long[((63 - SubBits) * Sub) + Sub];

    public long Count { get; private set; }
    public long Max { get; private set; }
    public long Min { get; private set; } = long.MaxValue;
    public double Sum { get; private set; }
    public double Mean => Count == 0 ? 0 : Sum / Count;

    public void Record(long value)
    {
        if (value < 0) value = 0;
        _counts[IndexOf(value)]++;
        Count++;
        Sum += value;
        if (value > Max) Max = value;
        if (value < Min) Min = value;
    }

    /// <summary>The value below which a fraction <paramref name="quantile"/> (0..1) of the samples lie (bucket midpoint, capped at <see cref="Max"/>); 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        long total = Count;
        if (total == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(quantile, 0, 1) * total));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                (long lo, long hi) = BoundsOf(i);
                return Math.Min(Max, lo + ((hi - lo) / 2));
            }
        }

        return Max;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
        Max = 0;
        Min = long.MaxValue;
        Sum = 0;
    }

    internal static int IndexOf(long value)
    {
        if (value < Linear) return (int)value;
        int e = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = e - SubBits;
        return ((e - SubBits) * Sub) + (int)(value >> shift);
    }

    internal static (long Lo, long Hi) BoundsOf(int index)
    {
        if (index < Linear) return (index, index + 1);
        int e = (index / Sub) + SubBits - 1;
        long m = (index % Sub) + Sub;
        int shift = e - SubBits;
        return (m << shift, (m + 1) << shift);
    }
}

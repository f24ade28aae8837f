using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// y = W·x for a dense row-major matrix whose row stride is a multiple of <see cref="StrideMultiple"/> floats and whose
/// padding columns are zero (so every row is a whole number of vectors and the loop has no scalar tail).
/// Four rows share each load of x. Vector512 on AVX-512 machines, Vector256 on AVX2, Vector128 on NEON (arm64 boards).
/// </summary>
internal static class DenseMatVec
{
    /// <summary>Row stride granularity: a whole Vector512 of floats.</summary>
    public const int StrideMultiple = 16;

    public static int Stride(int columns) => (columns + StrideMultiple - 1) / StrideMultiple * StrideMultiple;

    public static void Multiply(ReadOnlySpan<float> w, int rows, int stride, ReadOnlySpan<float> x, Span<float> y)
    {
        if (w.Length < (long)rows * stride || x.Length < stride || y.Length < rows || stride % StrideMultiple != 0)
            ThrowBadShape();

        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector512.IsHardwareAccelerated) Multiply512(ref wr, rows, stride, ref xr, ref yr);
        else if (Vector256.IsHardwareAccelerated) Multiply256(ref wr, rows, stride, ref xr, ref yr);
        else Multiply128(ref wr, rows, stride, ref xr, ref yr);
    }

    private static void Multiply512(ref float w, int rows, int stride, ref float x, ref float y)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            nuint o0 = (nuint)(r * stride), o1 = o0 + (nuint)stride, o2 = o1 + (nuint)stride, o3 = o2 + (nuint)stride;
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint c = 0; c < (nuint)stride; c += 16)
            {
                var xv = Vector512.LoadUnsafe(ref x, c);
                a0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref w, o0 + c), xv, a0);
                a1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref w, o1 + c), xv, a1);
                a2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref w, o2 + c), xv, a2);
                a3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref w, o3 + c), xv, a3);
            }

            Unsafe.Add(ref y, r) = Vector512.Sum(a0);
            Unsafe.Add(ref y, r + 1) = Vector512.Sum(a1);
            Unsafe.Add(ref y, r + 2) = Vector512.Sum(a2);
            Unsafe.Add(ref y, r + 3) = Vector512.Sum(a3);
        }

        for (; r < rows; r++)
        {
            nuint o = (nuint)(r * stride);
            Vector512<float> a = default;
            for (nuint c = 0; c < (nuint)stride; c += 16) a = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref w, o + c), Vector512.LoadUnsafe(ref x, c), a);
            Unsafe.Add(ref y, r) = Vector512.Sum(a);
        }
    }

    private static void Multiply256(ref float w, int rows, int stride, ref float x, ref float y)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            nuint o0 = (nuint)(r * stride), o1 = o0 + (nuint)stride, o2 = o1 + (nuint)stride, o3 = o2 + (nuint)stride;
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint c = 0; c < (nuint)stride; c += 8)
            {
                var xv = Vector256.LoadUnsafe(ref x, c);
                a0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, o0 + c), xv, a0);
                a1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, o1 + c), xv, a1);
                a2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, o2 + c), xv, a2);
                a3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, o3 + c), xv, a3);
            }

            Unsafe.Add(ref y, r) = Vector256.Sum(a0);
            Unsafe.Add(ref y, r + 1) = Vector256.Sum(a1);
            Unsafe.Add(ref y, r + 2) = Vector256.Sum(a2);
            Unsafe.Add(ref y, r + 3) = Vector256.Sum(a3);
        }

        for (; r < rows; r++)
        {
            nuint o = (nuint)(r * stride);
            Vector256<float> a = default;
            for (nuint c = 0; c < (nuint)stride; c += 8) a = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, o + c), Vector256.LoadUnsafe(ref x, c), a);
            Unsafe.Add(ref y, r) = Vector256.Sum(a);
        }
    }

    /// <summary>The path that runs on Raspberry Pi and Jetson (NEON).</summary>
    private static void Multiply128(ref float w, int rows, int stride, ref float x, ref float y)
    {
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            nuint o0 = (nuint)(r * stride), o1 = o0 + (nuint)stride, o2 = o1 + (nuint)stride, o3 = o2 + (nuint)stride;
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (nuint c = 0; c < (nuint)stride; c += 4)
            {
                var xv = Vector128.LoadUnsafe(ref x, c);
                a0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, o0 + c), xv, a0);
                a1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, o1 + c), xv, a1);
                a2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, o2 + c), xv, a2);
                a3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, o3 + c), xv, a3);
            }

            Unsafe.Add(ref y, r) = Vector128.Sum(a0);
            Unsafe.Add(ref y, r + 1) = Vector128.Sum(a1);
            Unsafe.Add(ref y, r + 2) = Vector128.Sum(a2);
            Unsafe.Add(ref y, r + 3) = Vector128.Sum(a3);
        }

        for (; r < rows; r++)
        {
            nuint o = (nuint)(r * stride);
            Vector128<float> a = default;
            for (nuint c = 0; c < (nuint)stride; c += 4) a = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, o + c), Vector128.LoadUnsafe(ref x, c), a);
            Unsafe.Add(ref y, r) = Vector128.Sum(a);
        }
    }

    private static void ThrowBadShape() => throw new ArgumentException("dense matrix, input or output buffer has the wrong size");
}

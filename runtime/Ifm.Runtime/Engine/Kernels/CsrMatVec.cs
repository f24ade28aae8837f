using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ifm.Engine.Kernels;

/// <summary>
/// y[i] = Σ_k w[k]·x[col[k]] over the CSR row i, for sparse networks. On AVX2 machines eight columns are gathered
/// per instruction; elsewhere (arm64 has no gather) four independent scalar accumulators hide the load latency.
/// </summary>
internal static class CsrMatVec
{
    public static void Multiply(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> col, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        int rows = rowStart.Length - 1;
        if (rows < 0 || y.Length < rows || col.Length != w.Length || rowStart[rows] > w.Length) ThrowBadShape();
        if (Avx2.IsSupported) MultiplyGather(rowStart, col, w, x, y);
        else MultiplyScalar(rowStart, col, w, x, y);
    }

    private static void MultiplyScalar(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> col, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        ref int cr = ref MemoryMarshal.GetReference(col);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float xr = ref MemoryMarshal.GetReference(x);
        int rows = rowStart.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            int k = rowStart[i], end = rowStart[i + 1];
            float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (; k + 4 <= end; k += 4)
            {
                a0 += Unsafe.Add(ref wr, k) * Unsafe.Add(ref xr, Unsafe.Add(ref cr, k));
                a1 += Unsafe.Add(ref wr, k + 1) * Unsafe.Add(ref xr, Unsafe.Add(ref cr, k + 1));
                a2 += Unsafe.Add(ref wr, k + 2) * Unsafe.Add(ref xr, Unsafe.Add(ref cr, k + 2));
                a3 += Unsafe.Add(ref wr, k + 3) * Unsafe.Add(ref xr, Unsafe.Add(ref cr, k + 3));
            }

            for (; k < end; k++) a0 += Unsafe.Add(ref wr, k) * Unsafe.Add(ref xr, Unsafe.Add(ref cr, k));
            y[i] = (a0 + a1) + (a2 + a3);
        }
    }

    private static unsafe void MultiplyGather(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> col, ReadOnlySpan<float> w, ReadOnlySpan<float> x, Span<float> y)
    {
        ref int cr = ref MemoryMarshal.GetReference(col);
        ref float wr = ref MemoryMarshal.GetReference(w);
        int rows = rowStart.Length - 1;
        fixed (float* xp = x)
        {
            for (int i = 0; i < rows; i++)
            {
                int k = rowStart[i], end = rowStart[i + 1];
                var acc0 = Vector256<float>.Zero;
                var acc1 = Vector256<float>.Zero;
                for (; k + 16 <= end; k += 16)
                {
                    var g0 = Avx2.GatherVector256(xp, Vector256.LoadUnsafe(ref cr, (nuint)k), 4);
                    var g1 = Avx2.GatherVector256(xp, Vector256.LoadUnsafe(ref cr, (nuint)(k + 8)), 4);
                    acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wr, (nuint)k), g0, acc0);
                    acc1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wr, (nuint)(k + 8)), g1, acc1);
                }

                if (k + 8 <= end)
                {
                    var g0 = Avx2.GatherVector256(xp, Vector256.LoadUnsafe(ref cr, (nuint)k), 4);
                    acc0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref wr, (nuint)k), g0, acc0);
                    k += 8;
                }

                float s = Vector256.Sum(acc0 + acc1);
                for (; k < end; k++) s += Unsafe.Add(ref wr, k) * xp[Unsafe.Add(ref cr, k)];
                y[i] = s;
            }
        }
    }

    private static void ThrowBadShape() => throw new ArgumentException("CSR matrix, input or output buffer has the wrong size");
}

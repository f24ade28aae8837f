using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ifm.Engine.Kernels;

/// <summary>
/// The dense-layout twin of <see cref="FusedHebbianCsr"/> for small, dense networks whose every edge carries a Hebbian
/// trace: W (base weights), A (α) and H are N×stride row-major matrices (absent edges have W = A = 0, so their
/// effective weight stays 0 as long as the bounds contain 0). Per row i, with c = η·y(t−1)_i:
/// <code>
///   if update: H[i,:] ← clip((1 − η)·H[i,:] + c·y(t−2))
///   syn_i = Σ_j clamp(W[i,j] + A[i,j]·H[i,j], w_min, w_max)·y(t−1)_j
/// </code>
/// Contiguous loads only (no gathers). Returns Σ|A·ΔH|.
/// </summary>
internal static class FusedHebbianDense
{
    public static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> a, Span<float> h, int rows, int stride,
        ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, FusedHebbianCsr.Parameters p)
    {
        long size = (long)rows * stride;
        if (w.Length < size || a.Length < size || h.Length < size || yPrev.Length < stride || yPrev2.Length < stride || syn.Length < rows
            || stride % DenseMatVec.StrideMultiple != 0) ThrowBadShape();
        return Vector256.IsHardwareAccelerated ? Run256(w, a, h, rows, stride, yPrev, yPrev2, syn, update, p) : Run128(w, a, h, rows, stride, yPrev, yPrev2, syn, update, p);
    }

    private static float Run256(ReadOnlySpan<float> w, ReadOnlySpan<float> a, Span<float> h, int rows, int stride,
        ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, FusedHebbianCsr.Parameters p)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float hr = ref MemoryMarshal.GetReference(h);
        ref float yp = ref MemoryMarshal.GetReference(yPrev);
        ref float ypp = ref MemoryMarshal.GetReference(yPrev2);
        var decay = Vector256.Create(1f - p.Eta);
        var lo = Vector256.Create(p.WMin);
        var hi = Vector256.Create(p.WMax);
        var one = Vector256<float>.One;
        var delta = Vector256<float>.Zero;
        for (int i = 0; i < rows; i++)
        {
            nuint o = (nuint)i * (nuint)stride;
            var c = Vector256.Create(p.Eta * yPrev[i]);
            var acc = Vector256<float>.Zero;
            for (nuint j = 0; j < (nuint)stride; j += 8)
            {
                var av = Vector256.LoadUnsafe(ref ar, o + j);
                var hv = Vector256.LoadUnsafe(ref hr, o + j);
                if (update)
                {
                    var hn = Vector256.MultiplyAddEstimate(decay, hv, c * Vector256.LoadUnsafe(ref ypp, j));
                    if (p.Clip) hn = Vector256.Min(Vector256.Max(hn, -one), one);
                    delta += Vector256.Abs(av * (hn - hv));
                    hn.StoreUnsafe(ref hr, o + j);
                    hv = hn;
                }

                var weff = Vector256.Min(Vector256.Max(Vector256.MultiplyAddEstimate(av, hv, Vector256.LoadUnsafe(ref wr, o + j)), lo), hi);
                acc = Vector256.MultiplyAddEstimate(weff, Vector256.LoadUnsafe(ref yp, j), acc);
            }

            syn[i] = Vector256.Sum(acc);
        }

        return Vector256.Sum(delta);
    }

    /// <summary>The NEON path (Raspberry Pi, Jetson).</summary>
    private static float Run128(ReadOnlySpan<float> w, ReadOnlySpan<float> a, Span<float> h, int rows, int stride,
        ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, FusedHebbianCsr.Parameters p)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float hr = ref MemoryMarshal.GetReference(h);
        ref float yp = ref MemoryMarshal.GetReference(yPrev);
        ref float ypp = ref MemoryMarshal.GetReference(yPrev2);
        var decay = Vector128.Create(1f - p.Eta);
        var lo = Vector128.Create(p.WMin);
        var hi = Vector128.Create(p.WMax);
        var one = Vector128<float>.One;
        var delta = Vector128<float>.Zero;
        for (int i = 0; i < rows; i++)
        {
            nuint o = (nuint)i * (nuint)stride;
            var c = Vector128.Create(p.Eta * yPrev[i]);
            var acc = Vector128<float>.Zero;
            for (nuint j = 0; j < (nuint)stride; j += 4)
            {
                var av = Vector128.LoadUnsafe(ref ar, o + j);
                var hv = Vector128.LoadUnsafe(ref hr, o + j);
                if (update)
                {
                    var hn = Vector128.MultiplyAddEstimate(decay, hv, c * Vector128.LoadUnsafe(ref ypp, j));
                    if (p.Clip) hn = Vector128.Min(Vector128.Max(hn, -one), one);
                    delta += Vector128.Abs(av * (hn - hv));
                    hn.StoreUnsafe(ref hr, o + j);
                    hv = hn;
                }

                var weff = Vector128.Min(Vector128.Max(Vector128.MultiplyAddEstimate(av, hv, Vector128.LoadUnsafe(ref wr, o + j)), lo), hi);
                acc = Vector128.MultiplyAddEstimate(weff, Vector128.LoadUnsafe(ref yp, j), acc);
            }

            syn[i] = Vector128.Sum(acc);
        }

        return Vector128.Sum(delta);
    }

    private static void ThrowBadShape() => throw new ArgumentException("fused Hebbian dense buffers have inconsistent sizes");
}

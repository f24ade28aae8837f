using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ifm.Engine.Kernels;

/// <summary>
/// The synaptic sum of a network whose every edge carries a Hebbian trace, fused with the trace update in one pass
/// over the edges (each edge's w, α, H and index are read once per tick):
/// <code>
///   if update: H_k ← (1 − η)·H_k + η·y_prev2[pre_k]·y_prev[i]   (clipped to [−1, 1] when asked)
///   syn_i = Σ_k clamp(w_k + α_k·H_k, w_min, w_max)·y_prev[pre_k]
/// </code>
/// where y_prev = y(t−1) and y_prev2 = y(t−2): the update that belongs to the end of tick t−1 is applied at the start
/// of tick t, just before its effective weights are needed. Returns Σ|α·ΔH| over the edges.
/// </summary>
internal static class FusedHebbianCsr
{
    public readonly record struct Parameters(float Eta, bool Clip, float WMin, float WMax);

    public static float Run(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> pre, ReadOnlySpan<float> w, ReadOnlySpan<float> alpha,
        Span<float> h, ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, Parameters p)
    {
        int rows = rowStart.Length - 1;
        if (rows < 0 || syn.Length < rows || pre.Length != w.Length || alpha.Length != w.Length || h.Length != w.Length
            || rowStart[rows] != w.Length || yPrev.Length < rows || yPrev2.Length < rows) ThrowBadShape();
        return Avx2.IsSupported ? RunAvx2(rowStart, pre, w, alpha, h, yPrev, yPrev2, syn, update, p) : RunScalar(rowStart, pre, w, alpha, h, yPrev, yPrev2, syn, update, p);
    }

    private static float RunScalar(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> pre, ReadOnlySpan<float> w, ReadOnlySpan<float> alpha,
        Span<float> h, ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, Parameters p)
    {
        float decay = 1f - p.Eta, delta = 0;
        int rows = rowStart.Length - 1;
        for (int i = 0; i < rows; i++)
        {
            float c = p.Eta * yPrev[i], acc = 0;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++)
            {
                int j = pre[k];
                float hk = h[k];
                if (update)
                {
                    float hn = decay * hk + c * yPrev2[j];
                    if (p.Clip) hn = Math.Clamp(hn, -1f, 1f);
                    delta += Math.Abs(alpha[k] * (hn - hk));
                    h[k] = hk = hn;
                }

                acc += Math.Clamp(w[k] + alpha[k] * hk, p.WMin, p.WMax) * yPrev[j];
            }

            syn[i] = acc;
        }

        return delta;
    }

    private static unsafe float RunAvx2(ReadOnlySpan<int> rowStart, ReadOnlySpan<int> pre, ReadOnlySpan<float> w, ReadOnlySpan<float> alpha,
        Span<float> h, ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, Parameters p)
    {
        ref int pr = ref MemoryMarshal.GetReference(pre);
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float ar = ref MemoryMarshal.GetReference(alpha);
        ref float hr = ref MemoryMarshal.GetReference(h);
        var vDecay = Vector256.Create(1f - p.Eta);
        var vMin = Vector256.Create(p.WMin);
        var vMax = Vector256.Create(p.WMax);
        var one = Vector256.Create(1f);
        var vDelta = Vector256<float>.Zero;
        float delta = 0, decay = 1f - p.Eta;
        int rows = rowStart.Length - 1;
        fixed (float* yp = yPrev, ypp = yPrev2)
        {
            for (int i = 0; i < rows; i++)
            {
                int k = rowStart[i], end = rowStart[i + 1];
                float c = p.Eta * yp[i];
                var vc = Vector256.Create(c);
                var acc = Vector256<float>.Zero;
                for (; k + 8 <= end; k += 8)
                {
                    var idx = Vector256.LoadUnsafe(ref pr, (nuint)k);
                    var a = Vector256.LoadUnsafe(ref ar, (nuint)k);
                    var hk = Vector256.LoadUnsafe(ref hr, (nuint)k);
                    if (update)
                    {
                        var hn = Vector256.MultiplyAddEstimate(vDecay, hk, vc * Avx2.GatherVector256(ypp, idx, 4));
                        if (p.Clip) hn = Vector256.Min(Vector256.Max(hn, -one), one);
                        vDelta += Vector256.Abs(a * (hn - hk));
                        hn.StoreUnsafe(ref hr, (nuint)k);
                        hk = hn;
                    }

                    var weff = Vector256.Min(Vector256.Max(Vector256.MultiplyAddEstimate(a, hk, Vector256.LoadUnsafe(ref wr, (nuint)k)), vMin), vMax);
                    acc = Vector256.MultiplyAddEstimate(weff, Avx2.GatherVector256(yp, idx, 4), acc);
                }

                float s = Vector256.Sum(acc);
                for (; k < end; k++)
                {
                    int j = Unsafe.Add(ref pr, k);
                    float hk = Unsafe.Add(ref hr, k), ak = Unsafe.Add(ref ar, k);
                    if (update)
                    {
                        float hn = decay * hk + c * ypp[j];
                        if (p.Clip) hn = Math.Clamp(hn, -1f, 1f);
                        delta += Math.Abs(ak * (hn - hk));
                        Unsafe.Add(ref hr, k) = hk = hn;
                    }

                    s += Math.Clamp(Unsafe.Add(ref wr, k) + ak * hk, p.WMin, p.WMax) * yp[j];
                }

                syn[i] = s;
            }
        }

        return delta + Vector256.Sum(vDelta);
    }

    private static void ThrowBadShape() => throw new ArgumentException("fused Hebbian CSR buffers have inconsistent sizes");
}

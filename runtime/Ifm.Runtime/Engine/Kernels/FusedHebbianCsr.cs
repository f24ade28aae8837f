using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// The synaptic sum of a network whose every edge carries a Hebbian trace, fused with the trace update in one pass
/// over the edges (each edge's w, α, H and index are read once per tick):
/// <code>
///   if update: H_k ← (1 − η)·H_k + η·y_prev2[pre_k]·y_prev[i]   (clipped to [−1, 1] when asked)
///   syn_i = Σ_k clamp(w_k + α_k·H_k, w_min, w_max)·y_prev[pre_k]
/// </code>
/// where y_prev = y(t−1) and y_prev2 = y(t−2): the update that belongs to the end of tick t−1 is applied at the start
/// of tick t, just before its effective weights are needed. Returns Σ|α·ΔH| over the edges.
/// <para>
/// Paths: AVX2 (per 8 edges, eight 8-byte loads of interleaved (y(t−1), y(t−2)) pairs; two accumulation chains), and a portable Vector128 path that loads the four
/// presynaptic outputs one by one (arm64 has no gather; this is the path of the Raspberry Pi and Jetson boards); each
/// row ends with a scalar tail. The update, the clip and the clamp are compile-time switches
/// (<see cref="IKernelSwitch"/>), and min/max are the native instructions ordered so that a NaN trace still reaches the
/// returned sum (the NaN/Inf guard reads it).
/// </para>
/// </summary>
internal static class FusedHebbianCsr
{
    public readonly record struct Parameters(float Eta, bool Clip, float WMin, float WMax);

    /// <param name="pairs">Scratch of at least 2 × <paramref name="yPrev"/>.Length floats: the x64 path interleaves
    /// y(t−1) and y(t−2) there, so one 8-byte load per edge fetches both.</param>
    public static float Run<TIndex>(ReadOnlySpan<int> rowStart, ReadOnlySpan<TIndex> pre, ReadOnlySpan<float> w, ReadOnlySpan<float> alpha,
        Span<float> h, ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> pairs, Span<float> syn, bool update, Parameters p)
        where TIndex : unmanaged
    {
        int rows = rowStart.Length - 1;
        if (rows < 0 || syn.Length < rows || pre.Length != w.Length || alpha.Length != w.Length || h.Length != w.Length
            || rowStart[rows] != w.Length || yPrev.Length < rows || yPrev2.Length != yPrev.Length || pairs.Length < 2 * yPrev.Length)
        {
            ThrowBadShape();
        }

        ColumnIndex.Check<TIndex>();
        var e = new Edges<TIndex>(rowStart, ref MemoryMarshal.GetReference(pre), ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(alpha),
            ref MemoryMarshal.GetReference(h), yPrev, yPrev2, pairs, syn);
        bool clamp = !(float.IsNegativeInfinity(p.WMin) && float.IsPositiveInfinity(p.WMax));
        if (!update) return clamp ? Width<TIndex, SwitchOff, SwitchOff, SwitchOn>(e, p) : Width<TIndex, SwitchOff, SwitchOff, SwitchOff>(e, p);
        if (p.Clip) return clamp ? Width<TIndex, SwitchOn, SwitchOn, SwitchOn>(e, p) : Width<TIndex, SwitchOn, SwitchOn, SwitchOff>(e, p);
        return clamp ? Width<TIndex, SwitchOn, SwitchOff, SwitchOn>(e, p) : Width<TIndex, SwitchOn, SwitchOff, SwitchOff>(e, p);
    }

    private static float Width<TIndex, TUpdate, TClip, TClamp>(in Edges<TIndex> e, Parameters p)
        where TIndex : unmanaged where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        if (Avx2.IsSupported) return RunAvx2<TIndex, TUpdate, TClip, TClamp>(e, p);
        return RunPortable<TIndex, TUpdate, TClip, TClamp>(e, p);
    }

    /// <summary>
    /// x64: the presynaptic outputs are loaded edge by edge, not gathered (on the Zen 5 development machine the
    /// gather instruction is the slower of the two by a quarter to a third), and y(t−1), y(t−2) are interleaved
    /// first so that one 8-byte load brings both: at 10k/1M this pass went from 874 to 578 µs, at 300/20 % (padded rows) from 12.8 to 7.3 µs.
    /// </summary>
    private static unsafe float RunAvx2<TIndex, TUpdate, TClip, TClamp>(in Edges<TIndex> e, Parameters p)
        where TIndex : unmanaged where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        var k8 = new HebbianTraceCell.Constants256(p);
        Vector256<float> d0 = default, d1 = default;
        float delta = 0;
        var rowStart = e.RowStart;
        int rows = rowStart.Length - 1;
        if (TUpdate.On) Interleave(e.YPrev, e.YPrev2, e.Pairs);
        fixed (float* yp = e.YPrev, ypp = e.YPrev2, pf = e.Pairs)
        {
            double* pairs = (double*)pf;
            int k = rowStart[0];
            for (int i = 0; i < rows; i++)
            {
                int end = rowStart[i + 1];
                float c = p.Eta * yp[i];
                var c8 = Vector256.Create(c);
                Vector256<float> acc0 = default, acc1 = default;
                for (; k + 16 <= end; k += 16)
                {
                    Vector256<float> y0, y20, y1, y21;
                    if (TUpdate.On)
                    {
                        (y0, y20) = LoadPairs(pairs, ref Unsafe.Add(ref e.Pre, k));
                        (y1, y21) = LoadPairs(pairs, ref Unsafe.Add(ref e.Pre, k + 8));
                    }
                    else
                    {
                        (y0, y20) = (CsrMatVec.Load8(yp, ref Unsafe.Add(ref e.Pre, k)), default);
                        (y1, y21) = (CsrMatVec.Load8(yp, ref Unsafe.Add(ref e.Pre, k + 8)), default);
                    }

                    acc0 = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref e.W, ref e.Alpha, ref e.H, (nuint)k, c8, y20, y0, acc0, ref d0, k8);
                    acc1 = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref e.W, ref e.Alpha, ref e.H, (nuint)(k + 8), c8, y21, y1, acc1, ref d1, k8);
                }

                if (k + 8 <= end)
                {
                    var (y, y2) = TUpdate.On
                        ? LoadPairs(pairs, ref Unsafe.Add(ref e.Pre, k))
                        : (CsrMatVec.Load8(yp, ref Unsafe.Add(ref e.Pre, k)), default);
                    acc0 = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref e.W, ref e.Alpha, ref e.H, (nuint)k, c8, y2, y, acc0, ref d0, k8);
                    k += 8;
                }

                float s = Vector256.Sum(acc0 + acc1);
                for (; k < end; k++) s += CellScalar<TIndex, TUpdate, TClip, TClamp>(e, k, c, yp, ypp, ref delta, p);
                e.Syn[i] = s;
            }
        }

        return delta + Vector256.Sum(d0 + d1);
    }

    /// <summary>pairs = y(t−1)_0, y(t−2)_0, y(t−1)_1, y(t−2)_1, …</summary>
    private static void Interleave(ReadOnlySpan<float> y, ReadOnlySpan<float> y2, Span<float> pairs)
    {
        ref float a = ref MemoryMarshal.GetReference(y);
        ref float b = ref MemoryMarshal.GetReference(y2);
        ref float o = ref MemoryMarshal.GetReference(pairs);
        int j = 0;
        for (; j + 8 <= y.Length; j += 8)
        {
            var va = Vector256.LoadUnsafe(ref a, (nuint)j);
            var vb = Vector256.LoadUnsafe(ref b, (nuint)j);
            var lo = Avx.UnpackLow(va, vb);   // a0 b0 a1 b1 | a4 b4 a5 b5
            var hi = Avx.UnpackHigh(va, vb);  // a2 b2 a3 b3 | a6 b6 a7 b7
            Avx.Permute2x128(lo, hi, 0x20).StoreUnsafe(ref o, (nuint)(2 * j));
            Avx.Permute2x128(lo, hi, 0x31).StoreUnsafe(ref o, (nuint)(2 * j + 8));
        }

        for (; j < y.Length; j++)
        {
            Unsafe.Add(ref o, 2 * j) = Unsafe.Add(ref a, j);
            Unsafe.Add(ref o, 2 * j + 1) = Unsafe.Add(ref b, j);
        }
    }

    /// <summary>Eight edges' (y(t−1), y(t−2)) pairs, split into the two vectors in edge order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe (Vector256<float> Y, Vector256<float> Y2) LoadPairs<TIndex>(double* pairs, ref TIndex pre) where TIndex : unmanaged
    {
        var lo = Vector256.Create(pairs[ColumnIndex.At(ref pre, 0)], pairs[ColumnIndex.At(ref pre, 1)], pairs[ColumnIndex.At(ref pre, 2)],
            pairs[ColumnIndex.At(ref pre, 3)]).AsSingle();
        var hi = Vector256.Create(pairs[ColumnIndex.At(ref pre, 4)], pairs[ColumnIndex.At(ref pre, 5)], pairs[ColumnIndex.At(ref pre, 6)],
            pairs[ColumnIndex.At(ref pre, 7)]).AsSingle();
        var y = Avx.Shuffle(lo, hi, 0b10_00_10_00);   // edges 0 1 4 5 | 2 3 6 7
        var y2 = Avx.Shuffle(lo, hi, 0b11_01_11_01);
        return (Avx2.Permute4x64(y.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(y2.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    /// <summary>Vector128 arithmetic with the presynaptic outputs loaded one by one (no gather instruction needed).</summary>
    private static unsafe float RunPortable<TIndex, TUpdate, TClip, TClamp>(in Edges<TIndex> e, Parameters p)
        where TIndex : unmanaged where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        var k4 = new HebbianTraceCell.Constants128(p);
        Vector128<float> d0 = default, d1 = default;
        float delta = 0;
        var rowStart = e.RowStart;
        int rows = rowStart.Length - 1;
        fixed (float* yp = e.YPrev, ypp = e.YPrev2)
        {
            int k = rowStart[0];
            for (int i = 0; i < rows; i++)
            {
                int end = rowStart[i + 1];
                float c = p.Eta * yp[i];
                var c4 = Vector128.Create(c);
                Vector128<float> acc0 = default, acc1 = default;
                for (; k + 8 <= end; k += 8)
                {
                    ref TIndex j = ref Unsafe.Add(ref e.Pre, k);
                    int j0 = ColumnIndex.At(ref j, 0), j1 = ColumnIndex.At(ref j, 1), j2 = ColumnIndex.At(ref j, 2), j3 = ColumnIndex.At(ref j, 3);
                    int j4 = ColumnIndex.At(ref j, 4), j5 = ColumnIndex.At(ref j, 5), j6 = ColumnIndex.At(ref j, 6), j7 = ColumnIndex.At(ref j, 7);
                    var y20 = TUpdate.On ? Vector128.Create(ypp[j0], ypp[j1], ypp[j2], ypp[j3]) : default;
                    var y21 = TUpdate.On ? Vector128.Create(ypp[j4], ypp[j5], ypp[j6], ypp[j7]) : default;
                    acc0 = HebbianTraceCell.Cell128<TUpdate, TClip, TClamp>(ref e.W, ref e.Alpha, ref e.H, (nuint)k, c4, y20, Vector128.Create(yp[j0], yp[j1], yp[j2], yp[j3]), acc0, ref d0, k4);
                    acc1 = HebbianTraceCell.Cell128<TUpdate, TClip, TClamp>(ref e.W, ref e.Alpha, ref e.H, (nuint)(k + 4), c4, y21, Vector128.Create(yp[j4], yp[j5], yp[j6], yp[j7]), acc1, ref d1, k4);
                }

                float s = Vector128.Sum(acc0 + acc1);
                for (; k < end; k++) s += CellScalar<TIndex, TUpdate, TClip, TClamp>(e, k, c, yp, ypp, ref delta, p);
                e.Syn[i] = s;
            }
        }

        return delta + Vector128.Sum(d0 + d1);
    }

    /// <summary>One edge of a row's tail: returns its contribution to the row's sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe float CellScalar<TIndex, TUpdate, TClip, TClamp>(in Edges<TIndex> e, int k, float c, float* yp, float* ypp, ref float delta, Parameters p)
        where TIndex : unmanaged where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        int j = ColumnIndex.At(ref e.Pre, k);
        float a = Unsafe.Add(ref e.Alpha, k);
        ref float h = ref Unsafe.Add(ref e.H, k);
        float hk = h;
        if (TUpdate.On)
        {
            float hn = MathF.FusedMultiplyAdd(1f - p.Eta, hk, c * ypp[j]);
            if (TClip.On) hn = Math.Clamp(hn, -1f, 1f);
            delta += Math.Abs(a * (hn - hk));
            h = hk = hn;
        }

        float weff = MathF.FusedMultiplyAdd(a, hk, Unsafe.Add(ref e.W, k));
        if (TClamp.On) weff = Math.Clamp(weff, p.WMin, p.WMax);
        return weff * yp[j];
    }

    private static void ThrowBadShape() => throw new ArgumentException("fused Hebbian CSR buffers have inconsistent sizes");

    /// <summary>The kernel's buffers (sizes checked once in <see cref="Run"/>).</summary>
    private readonly ref struct Edges<TIndex>(ReadOnlySpan<int> rowStart, ref TIndex pre, ref float w, ref float alpha, ref float h,
        ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> pairs, Span<float> syn)
    {
        public readonly ReadOnlySpan<int> RowStart = rowStart;
        public readonly ref TIndex Pre = ref pre;
        public readonly ref float W = ref w;
        public readonly ref float Alpha = ref alpha;
        public readonly ref float H = ref h;
        public readonly ReadOnlySpan<float> YPrev = yPrev;
        public readonly ReadOnlySpan<float> YPrev2 = yPrev2;
        public readonly Span<float> Pairs = pairs;
        public readonly Span<float> Syn = syn;
    }
}

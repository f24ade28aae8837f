using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// The dense-layout twin of <see cref="FusedHebbianCsr"/> for small, dense networks whose every edge carries a Hebbian
/// trace: W (base weights), A (α) and H are N×stride row-major matrices (absent edges have W = A = 0, so their
/// effective weight stays 0 as long as the bounds contain 0). Per row i, with c = η·y(t−1)_i:
/// <code>
///   if update: H[i,:] ← clip((1 − η)·H[i,:] + c·y(t−2))
///   syn_i = Σ_j clamp(W[i,j] + A[i,j]·H[i,j], w_min, w_max)·y(t−1)_j
/// </code>
/// Contiguous loads only (no gathers); two rows per pass share the loads of y(t−1) and y(t−2) and give the core two
/// independent accumulation chains. Vector512 on AVX-512 machines, Vector256 on AVX2, Vector128 on NEON (arm64 boards).
/// The update, the clip and the clamp are compile-time switches (<see cref="IKernelSwitch"/>): a kernel does only
/// the work its rule asks for. Min/max are the native instructions with the operands ordered so a NaN trace still
/// propagates to the returned Σ|A·ΔH| (the NaN/Inf guard reads it). Returns Σ|A·ΔH|.
/// </summary>
internal static class FusedHebbianDense
{
    public static float Run(ReadOnlySpan<float> w, ReadOnlySpan<float> a, Span<float> h, int rows, int stride,
        ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yPrev2, Span<float> syn, bool update, FusedHebbianCsr.Parameters p)
    {
        long size = (long)rows * stride;
        if (w.Length < size || a.Length < size || h.Length < size || yPrev.Length < stride || yPrev2.Length < stride || syn.Length < rows
            || stride % DenseMatVec.StrideMultiple != 0)
        {
            ThrowBadShape();
        }

        var m = new Matrices(ref MemoryMarshal.GetReference(w), ref MemoryMarshal.GetReference(a), ref MemoryMarshal.GetReference(h),
            ref MemoryMarshal.GetReference(yPrev), ref MemoryMarshal.GetReference(yPrev2), ref MemoryMarshal.GetReference(syn), rows, (nuint)stride);
        bool clamp = !(float.IsNegativeInfinity(p.WMin) && float.IsPositiveInfinity(p.WMax));
        if (!update) return clamp ? Width<SwitchOff, SwitchOff, SwitchOn>(m, p) : Width<SwitchOff, SwitchOff, SwitchOff>(m, p);
        if (p.Clip) return clamp ? Width<SwitchOn, SwitchOn, SwitchOn>(m, p) : Width<SwitchOn, SwitchOn, SwitchOff>(m, p);
        return clamp ? Width<SwitchOn, SwitchOff, SwitchOn>(m, p) : Width<SwitchOn, SwitchOff, SwitchOff>(m, p);
    }

    private static float Width<TUpdate, TClip, TClamp>(in Matrices m, FusedHebbianCsr.Parameters p)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        if (Vector512.IsHardwareAccelerated) return Run512<TUpdate, TClip, TClamp>(m, p);
        if (Vector256.IsHardwareAccelerated) return Run256<TUpdate, TClip, TClamp>(m, p);
        return Run128<TUpdate, TClip, TClamp>(m, p);
    }

    private static float Run512<TUpdate, TClip, TClamp>(in Matrices m, FusedHebbianCsr.Parameters p)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        ref float yp = ref m.YPrev;
        ref float ypp = ref m.YPrev2;
        var k = new HebbianTraceCell.Constants512(p);
        Vector512<float> d0 = default, d1 = default;
        nuint stride = m.Stride;
        int i = 0;
        for (; i + 2 <= m.Rows; i += 2)
        {
            nuint o0 = (nuint)i * stride, o1 = o0 + stride;
            var c0 = Vector512.Create(p.Eta * Unsafe.Add(ref yp, i));
            var c1 = Vector512.Create(p.Eta * Unsafe.Add(ref yp, i + 1));
            Vector512<float> acc0 = default, acc1 = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector512<float>.Count)
            {
                var y = Vector512.LoadUnsafe(ref yp, j);
                var y2 = TUpdate.On ? Vector512.LoadUnsafe(ref ypp, j) : default;
                acc0 = HebbianTraceCell.Cell512<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o0 + j, c0, y2, y, acc0, ref d0, k);
                acc1 = HebbianTraceCell.Cell512<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o1 + j, c1, y2, y, acc1, ref d1, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector512.Sum(acc0);
            Unsafe.Add(ref m.Syn, i + 1) = Vector512.Sum(acc1);
        }

        if (i < m.Rows)
        {
            nuint o = (nuint)i * stride;
            var c = Vector512.Create(p.Eta * Unsafe.Add(ref yp, i));
            Vector512<float> acc = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector512<float>.Count)
            {
                var y2 = TUpdate.On ? Vector512.LoadUnsafe(ref ypp, j) : default;
                acc = HebbianTraceCell.Cell512<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o + j, c, y2, Vector512.LoadUnsafe(ref yp, j), acc, ref d0, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector512.Sum(acc);
        }

        return Vector512.Sum(d0 + d1);
    }

    private static float Run256<TUpdate, TClip, TClamp>(in Matrices m, FusedHebbianCsr.Parameters p)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        ref float yp = ref m.YPrev;
        ref float ypp = ref m.YPrev2;
        var k = new HebbianTraceCell.Constants256(p);
        Vector256<float> d0 = default, d1 = default;
        nuint stride = m.Stride;
        int i = 0;
        for (; i + 2 <= m.Rows; i += 2)
        {
            nuint o0 = (nuint)i * stride, o1 = o0 + stride;
            var c0 = Vector256.Create(p.Eta * Unsafe.Add(ref yp, i));
            var c1 = Vector256.Create(p.Eta * Unsafe.Add(ref yp, i + 1));
            Vector256<float> acc0 = default, acc1 = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector256<float>.Count)
            {
                var y = Vector256.LoadUnsafe(ref yp, j);
                var y2 = TUpdate.On ? Vector256.LoadUnsafe(ref ypp, j) : default;
                acc0 = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o0 + j, c0, y2, y, acc0, ref d0, k);
                acc1 = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o1 + j, c1, y2, y, acc1, ref d1, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector256.Sum(acc0);
            Unsafe.Add(ref m.Syn, i + 1) = Vector256.Sum(acc1);
        }

        if (i < m.Rows)
        {
            nuint o = (nuint)i * stride;
            var c = Vector256.Create(p.Eta * Unsafe.Add(ref yp, i));
            Vector256<float> acc = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector256<float>.Count)
            {
                var y2 = TUpdate.On ? Vector256.LoadUnsafe(ref ypp, j) : default;
                acc = HebbianTraceCell.Cell256<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o + j, c, y2, Vector256.LoadUnsafe(ref yp, j), acc, ref d0, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector256.Sum(acc);
        }

        return Vector256.Sum(d0 + d1);
    }

    /// <summary>The NEON path (Raspberry Pi, Jetson).</summary>
    private static float Run128<TUpdate, TClip, TClamp>(in Matrices m, FusedHebbianCsr.Parameters p)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        ref float yp = ref m.YPrev;
        ref float ypp = ref m.YPrev2;
        var k = new HebbianTraceCell.Constants128(p);
        Vector128<float> d0 = default, d1 = default;
        nuint stride = m.Stride;
        int i = 0;
        for (; i + 2 <= m.Rows; i += 2)
        {
            nuint o0 = (nuint)i * stride, o1 = o0 + stride;
            var c0 = Vector128.Create(p.Eta * Unsafe.Add(ref yp, i));
            var c1 = Vector128.Create(p.Eta * Unsafe.Add(ref yp, i + 1));
            Vector128<float> acc0 = default, acc1 = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector128<float>.Count)
            {
                var y = Vector128.LoadUnsafe(ref yp, j);
                var y2 = TUpdate.On ? Vector128.LoadUnsafe(ref ypp, j) : default;
                acc0 = HebbianTraceCell.Cell128<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o0 + j, c0, y2, y, acc0, ref d0, k);
                acc1 = HebbianTraceCell.Cell128<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o1 + j, c1, y2, y, acc1, ref d1, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector128.Sum(acc0);
            Unsafe.Add(ref m.Syn, i + 1) = Vector128.Sum(acc1);
        }

        if (i < m.Rows)
        {
            nuint o = (nuint)i * stride;
            var c = Vector128.Create(p.Eta * Unsafe.Add(ref yp, i));
            Vector128<float> acc = default;
            for (nuint j = 0; j < stride; j += (nuint)Vector128<float>.Count)
            {
                var y2 = TUpdate.On ? Vector128.LoadUnsafe(ref ypp, j) : default;
                acc = HebbianTraceCell.Cell128<TUpdate, TClip, TClamp>(ref m.W, ref m.A, ref m.H, o + j, c, y2, Vector128.LoadUnsafe(ref yp, j), acc, ref d0, k);
            }

            Unsafe.Add(ref m.Syn, i) = Vector128.Sum(acc);
        }

        return Vector128.Sum(d0 + d1);
    }

    private static void ThrowBadShape() => throw new ArgumentException("fused Hebbian dense buffers have inconsistent sizes");

    /// <summary>The kernel's buffers as references (checked once in <see cref="Run"/>).</summary>
    private readonly ref struct Matrices(ref float w, ref float a, ref float h, ref float yPrev, ref float yPrev2, ref float syn, int rows, nuint stride)
    {
        public readonly ref float W = ref w;
        public readonly ref float A = ref a;
        public readonly ref float H = ref h;
        public readonly ref float YPrev = ref yPrev;
        public readonly ref float YPrev2 = ref yPrev2;
        public readonly ref float Syn = ref syn;
        public readonly int Rows = rows;
        public readonly nuint Stride = stride;
    }
}

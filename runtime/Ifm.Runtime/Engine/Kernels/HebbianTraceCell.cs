using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// One vector of edges of the fused Hebbian-trace pass, shared by <see cref="FusedHebbianDense"/> (matrix entries) and
/// <see cref="FusedHebbianCsr"/> (padded row slots): the trace update (when on), the effective weight and its product
/// with y(t−1), added to <c>acc</c>.
/// <code>
///   if update: H ← clip((1 − η)·H + c·y(t−2)),  delta += |α·ΔH|
///   acc += clamp(w + α·H, w_min, w_max)·y(t−1)
/// </code>
/// Min/max are the native instructions with the operands ordered so a NaN trace still propagates to the returned
/// Σ|α·ΔH| (the NaN/Inf guard reads it).
/// </summary>
internal static class HebbianTraceCell
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Cell512<TUpdate, TClip, TClamp>(ref float w, ref float a, ref float h, nuint at, Vector512<float> c,
        Vector512<float> y2, Vector512<float> y, Vector512<float> acc, ref Vector512<float> delta, in Constants512 k)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        var av = Vector512.LoadUnsafe(ref a, at);
        var hv = Vector512.LoadUnsafe(ref h, at);
        if (TUpdate.On)
        {
            var hn = Vector512.MultiplyAddEstimate(k.Decay, hv, c * y2);
            if (TClip.On) hn = Vector512.MinNative(k.One, Vector512.MaxNative(k.MinusOne, hn));
            delta += Vector512.Abs(av * (hn - hv));
            hn.StoreUnsafe(ref h, at);
            hv = hn;
        }

        var weff = Vector512.MultiplyAddEstimate(av, hv, Vector512.LoadUnsafe(ref w, at));
        if (TClamp.On) weff = Vector512.MinNative(k.Hi, Vector512.MaxNative(k.Lo, weff));
        return Vector512.MultiplyAddEstimate(weff, y, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Cell256<TUpdate, TClip, TClamp>(ref float w, ref float a, ref float h, nuint at, Vector256<float> c,
        Vector256<float> y2, Vector256<float> y, Vector256<float> acc, ref Vector256<float> delta, in Constants256 k)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        var av = Vector256.LoadUnsafe(ref a, at);
        var hv = Vector256.LoadUnsafe(ref h, at);
        if (TUpdate.On)
        {
            var hn = Vector256.MultiplyAddEstimate(k.Decay, hv, c * y2);
            if (TClip.On) hn = Vector256.MinNative(k.One, Vector256.MaxNative(k.MinusOne, hn));
            delta += Vector256.Abs(av * (hn - hv));
            hn.StoreUnsafe(ref h, at);
            hv = hn;
        }

        var weff = Vector256.MultiplyAddEstimate(av, hv, Vector256.LoadUnsafe(ref w, at));
        if (TClamp.On) weff = Vector256.MinNative(k.Hi, Vector256.MaxNative(k.Lo, weff));
        return Vector256.MultiplyAddEstimate(weff, y, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Cell128<TUpdate, TClip, TClamp>(ref float w, ref float a, ref float h, nuint at, Vector128<float> c,
        Vector128<float> y2, Vector128<float> y, Vector128<float> acc, ref Vector128<float> delta, in Constants128 k)
        where TUpdate : struct, IKernelSwitch where TClip : struct, IKernelSwitch where TClamp : struct, IKernelSwitch
    {
        var av = Vector128.LoadUnsafe(ref a, at);
        var hv = Vector128.LoadUnsafe(ref h, at);
        if (TUpdate.On)
        {
            var hn = Vector128.MultiplyAddEstimate(k.Decay, hv, c * y2);
            if (TClip.On) hn = Vector128.MinNative(k.One, Vector128.MaxNative(k.MinusOne, hn));
            delta += Vector128.Abs(av * (hn - hv));
            hn.StoreUnsafe(ref h, at);
            hv = hn;
        }

        var weff = Vector128.MultiplyAddEstimate(av, hv, Vector128.LoadUnsafe(ref w, at));
        if (TClamp.On) weff = Vector128.MinNative(k.Hi, Vector128.MaxNative(k.Lo, weff));
        return Vector128.MultiplyAddEstimate(weff, y, acc);
    }

    /// <summary>The rule's constants broadcast once per pass.</summary>
    internal readonly struct Constants512(FusedHebbianCsr.Parameters p)
    {
        public readonly Vector512<float> Decay = Vector512.Create(1f - p.Eta);
        public readonly Vector512<float> Lo = Vector512.Create(p.WMin);
        public readonly Vector512<float> Hi = Vector512.Create(p.WMax);
        public readonly Vector512<float> One = Vector512<float>.One;
        public readonly Vector512<float> MinusOne = -Vector512<float>.One;
    }

    internal readonly struct Constants256(FusedHebbianCsr.Parameters p)
    {
        public readonly Vector256<float> Decay = Vector256.Create(1f - p.Eta);
        public readonly Vector256<float> Lo = Vector256.Create(p.WMin);
        public readonly Vector256<float> Hi = Vector256.Create(p.WMax);
        public readonly Vector256<float> One = Vector256<float>.One;
        public readonly Vector256<float> MinusOne = -Vector256<float>.One;
    }

    internal readonly struct Constants128(FusedHebbianCsr.Parameters p)
    {
        public readonly Vector128<float> Decay = Vector128.Create(1f - p.Eta);
        public readonly Vector128<float> Lo = Vector128.Create(p.WMin);
        public readonly Vector128<float> Hi = Vector128.Create(p.WMax);
        public readonly Vector128<float> One = Vector128<float>.One;
        public readonly Vector128<float> MinusOne = -Vector128<float>.One;
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// Leaky integrate-and-fire (NIR meaning of the parameters, seconds): I = Σ w·y(t−1) + b + x,
/// v ← v + (dt/τ)·(v_leak − v + R·I); a spike (y = 1) when v &gt; v_threshold, then v ← v_reset (or v − v_threshold)
/// and the neuron rests for the refractory ticks (v held at v_reset, y = 0); y = 0 otherwise.
/// </summary>
/// <remarks>
/// Vector256 / Vector128 paths with the branches as selects, then a scalar tail. Every lane does the same float
/// operations in the same order as the scalar code (no fused multiply-add), so the paths agree bit for bit.
/// </remarks>
internal static class LifNeurons
{
    public static void Update(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<float> k,
        NeuronParameters p, Span<float> v, Span<float> output, Span<int> refractory)
    {
        var vth = p.VThreshold;
        var vreset = p.VReset;
        var vleak = p.VLeak;
        var r = p.Resistance;
        bool subtract = p.ResetMode == LifResetMode.SubtractThreshold;
        int refractoryTicks = p.RefractoryTicks;
        int n = v.Length;
        if (syn.Length < n || bias.Length < n || x.Length < n || k.Length < n || output.Length < n || refractory.Length < n ||
            vth.Length < n || vreset.Length < n || vleak.Length < n || r.Length < n)
        {
            ThrowLength();
        }

        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            i = Vector256Path(syn, bias, x, k, vth, vreset, vleak, r, subtract, refractoryTicks, v, output, refractory);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            i = Vector128Path(syn, bias, x, k, vth, vreset, vleak, r, subtract, refractoryTicks, v, output, refractory);
        }

        for (; i < n; i++)
        {
            if (refractory[i] > 0)
            {
                refractory[i]--;
                v[i] = vreset[i];
                output[i] = 0f;
                continue;
            }

            float current = syn[i] + bias[i] + x[i];
            float vi = v[i] + (k[i] * (vleak[i] - v[i] + (r[i] * current)));
            if (vi > vth[i])
            {
                output[i] = 1f;
                vi = subtract ? vi - vth[i] : vreset[i];
                refractory[i] = refractoryTicks;
            }
            else
            {
                output[i] = 0f;
            }

            v[i] = vi;
        }
    }

    private static int Vector256Path(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<float> k,
        ReadOnlySpan<float> vth, ReadOnlySpan<float> vreset, ReadOnlySpan<float> vleak, ReadOnlySpan<float> r, bool subtract, int refractoryTicks,
        Span<float> v, Span<float> output, Span<int> refractory)
    {
        ref float rs = ref MemoryMarshal.GetReference(syn);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rk = ref MemoryMarshal.GetReference(k);
        ref float rth = ref MemoryMarshal.GetReference(vth);
        ref float rre = ref MemoryMarshal.GetReference(vreset);
        ref float rle = ref MemoryMarshal.GetReference(vleak);
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float ro = ref MemoryMarshal.GetReference(output);
        ref int rf = ref MemoryMarshal.GetReference(refractory);
        var one = Vector256.Create(1f);
        var rest = Vector256.Create(refractoryTicks);
        int n = v.Length, i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            nuint u = (nuint)i;
            var refr = Vector256.LoadUnsafe(ref rf, u);
            var resting = Vector256.GreaterThan(refr, Vector256<int>.Zero).AsSingle();
            var vOld = Vector256.LoadUnsafe(ref rv, u);
            var current = Vector256.LoadUnsafe(ref rs, u) + Vector256.LoadUnsafe(ref rb, u) + Vector256.LoadUnsafe(ref rx, u);
            var vi = vOld + (Vector256.LoadUnsafe(ref rk, u) * (Vector256.LoadUnsafe(ref rle, u) - vOld + (Vector256.LoadUnsafe(ref rr, u) * current)));
            var th = Vector256.LoadUnsafe(ref rth, u);
            var reset = Vector256.LoadUnsafe(ref rre, u);
            var spike = Vector256.AndNot(Vector256.GreaterThan(vi, th), resting);
            var after = subtract ? vi - th : reset;
            Vector256.ConditionalSelect(resting, reset, Vector256.ConditionalSelect(spike, after, vi)).StoreUnsafe(ref rv, u);
            (one & spike).StoreUnsafe(ref ro, u);
            var spikeI = spike.AsInt32();
            Vector256.ConditionalSelect(resting.AsInt32(), refr - Vector256<int>.One, Vector256.ConditionalSelect(spikeI, rest, refr)).StoreUnsafe(ref rf, u);
        }

        return i;
    }

    private static int Vector128Path(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, ReadOnlySpan<float> k,
        ReadOnlySpan<float> vth, ReadOnlySpan<float> vreset, ReadOnlySpan<float> vleak, ReadOnlySpan<float> r, bool subtract, int refractoryTicks,
        Span<float> v, Span<float> output, Span<int> refractory)
    {
        ref float rs = ref MemoryMarshal.GetReference(syn);
        ref float rb = ref MemoryMarshal.GetReference(bias);
        ref float rx = ref MemoryMarshal.GetReference(x);
        ref float rk = ref MemoryMarshal.GetReference(k);
        ref float rth = ref MemoryMarshal.GetReference(vth);
        ref float rre = ref MemoryMarshal.GetReference(vreset);
        ref float rle = ref MemoryMarshal.GetReference(vleak);
        ref float rr = ref MemoryMarshal.GetReference(r);
        ref float rv = ref MemoryMarshal.GetReference(v);
        ref float ro = ref MemoryMarshal.GetReference(output);
        ref int rf = ref MemoryMarshal.GetReference(refractory);
        var one = Vector128.Create(1f);
        var rest = Vector128.Create(refractoryTicks);
        int n = v.Length, i = 0;
        for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            nuint u = (nuint)i;
            var refr = Vector128.LoadUnsafe(ref rf, u);
            var resting = Vector128.GreaterThan(refr, Vector128<int>.Zero).AsSingle();
            var vOld = Vector128.LoadUnsafe(ref rv, u);
            var current = Vector128.LoadUnsafe(ref rs, u) + Vector128.LoadUnsafe(ref rb, u) + Vector128.LoadUnsafe(ref rx, u);
            var vi = vOld + (Vector128.LoadUnsafe(ref rk, u) * (Vector128.LoadUnsafe(ref rle, u) - vOld + (Vector128.LoadUnsafe(ref rr, u) * current)));
            var th = Vector128.LoadUnsafe(ref rth, u);
            var reset = Vector128.LoadUnsafe(ref rre, u);
            var spike = Vector128.AndNot(Vector128.GreaterThan(vi, th), resting);
            var after = subtract ? vi - th : reset;
            Vector128.ConditionalSelect(resting, reset, Vector128.ConditionalSelect(spike, after, vi)).StoreUnsafe(ref rv, u);
            (one & spike).StoreUnsafe(ref ro, u);
            var spikeI = spike.AsInt32();
            Vector128.ConditionalSelect(resting.AsInt32(), refr - Vector128<int>.One, Vector128.ConditionalSelect(spikeI, rest, refr)).StoreUnsafe(ref rf, u);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength() => throw new ArgumentException("LIF update: every span must hold at least one value per neuron");
}

using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// Leaky integrate-and-fire (NIR meaning of the parameters, seconds): I = Σ w·y(t−1) + b + x,
/// v ← v + (dt/τ)·(v_leak − v + R·I); a spike (y = 1) when v &gt; v_threshold, then v ← v_reset (or v − v_threshold)
/// and the neuron rests for the refractory ticks (v held at v_reset, y = 0); y = 0 otherwise.
/// </summary>
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
        for (int i = 0; i < v.Length; i++)
        {
            if (refractory[i] > 0)
            {
                refractory[i]--;
                v[i] = vreset[i];
                output[i] = 0f;
                continue;
            }

            float current = syn[i] + bias[i] + x[i];
            float vi = v[i] + k[i] * (vleak[i] - v[i] + r[i] * current);
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
}

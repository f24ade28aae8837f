using System.Numerics.Tensors;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// Leaky integrator (continuous-time RNN, Euler): s ← (1 − dt/τ)·s + (dt/τ)·(Σ w·y(t−1) + b + x), y = f(s).
/// </summary>
internal static class LeakyNeurons
{
    /// <param name="k">dt/τ per neuron.</param>
    /// <param name="oneMinusK">1 − dt/τ per neuron.</param>
    /// <param name="x">External input (zeros for non-input neurons).</param>
    public static void Update(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> x,
        ReadOnlySpan<float> k, ReadOnlySpan<float> oneMinusK, Activation f, Span<float> state, Span<float> output, Span<float> scratch)
    {
        TensorPrimitives.Add(syn, bias, scratch);
        TensorPrimitives.Add(scratch, x, scratch);
        TensorPrimitives.Multiply(scratch, k, scratch);
        TensorPrimitives.Multiply(state, oneMinusK, state);
        TensorPrimitives.Add(state, scratch, state);
        Apply(f, state, output);
    }

    public static void Apply(Activation f, ReadOnlySpan<float> s, Span<float> y)
    {
        switch (f)
        {
            case Activation.Tanh:
                TensorPrimitives.Tanh(s, y);
                break;
            case Activation.Sigmoid:
                TensorPrimitives.Sigmoid(s, y);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(s, 0f, y);
                break;
            case Activation.Step:
                for (int i = 0; i < s.Length; i++) y[i] = s[i] > 0f ? 1f : 0f;
                break;
            default:
                s.CopyTo(y);
                break;
        }
    }
}

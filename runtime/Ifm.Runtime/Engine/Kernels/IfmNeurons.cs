using System.Numerics.Tensors;

namespace Ifm.Runtime.Engine.Kernels;

/// <summary>
/// The paper's state neuron (design brief §1, kind 1), exactly the reference implementation's cell:
/// hidden/output: u = Σ_j w_ij·y_j(t−1) + b_i + tanh(a_i·s_i(t−1)); input: u = x_i + b_i (+ Σ w·y if wired).
/// Then s = leaky_relu(u, 0.01), y = tanh(u).
/// </summary>
internal static class IfmNeurons
{
    public const float LeakySlope = 0.01f;

    /// <param name="syn">Σ_j w_ij·y_j(t−1) for these neurons.</param>
    /// <param name="scratch">Temporary buffer of the same length.</param>
    public static void UpdateRecurrent(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> a,
        Span<float> state, Span<float> output, Span<float> scratch)
    {
        // scratch = tanh(a·s); u = (syn + b) + scratch, kept in output until s and y are derived from it.
        TensorPrimitives.Multiply(a, state, scratch);
        TensorPrimitives.Tanh(scratch, scratch);
        TensorPrimitives.Add(syn, bias, output);
        TensorPrimitives.Add(output, scratch, output);
        Finish(output, state, output, scratch);
    }

    public static void UpdateInput(ReadOnlySpan<float> syn, ReadOnlySpan<float> bias, ReadOnlySpan<float> x,
        Span<float> state, Span<float> output, Span<float> scratch)
    {
        TensorPrimitives.Add(x, bias, output);
        TensorPrimitives.Add(output, syn, output);
        Finish(output, state, output, scratch);
    }

    /// <summary>s = leaky_relu(u), y = tanh(u); <paramref name="u"/> may alias <paramref name="y"/>.</summary>
    private static void Finish(ReadOnlySpan<float> u, Span<float> s, Span<float> y, Span<float> scratch)
    {
        TensorPrimitives.Multiply(u, LeakySlope, scratch);
        TensorPrimitives.Max(u, scratch, s);
        TensorPrimitives.Tanh(u, y);
    }
}

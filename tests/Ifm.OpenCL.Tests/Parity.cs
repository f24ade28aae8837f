using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Engine;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// Runs the same model on the CPU engine and on the OpenCL backend (PoCL here) tick by tick with the same inputs and
/// compares outputs every tick and every array of the final snapshots (states, weights, traces).
/// </summary>
internal static class Parity
{
    /// <summary>
    /// |a − b| ≤ RelativeTolerance·max(|a|, |b|, 1). Outputs are tanh/sigmoid values or spikes, whose natural scale is 1:
    /// a value near zero is a sum of terms of order 1 that cancelled, so its rounding error is relative to 1, not to itself.
    /// </summary>
    public const double RelativeTolerance = 1e-5;

    /// <param name="dyadicInputs">Inputs that are multiples of 1/64 (exact sums in any order: spiking parity).</param>
    /// <param name="beforeTick">Called with both sessions and the tick index before each tick (modulator, errors).</param>
    /// <param name="exactNeurons">Compare every neuron's output each tick for equality (spikes) and return the spike count.</param>
    public static long Run(IfmModel model, int ticks, bool dyadicInputs = false, Action<INetworkSession, int>? beforeTick = null, Action<float[], float[], int>? compareOutputs = null, bool exactNeurons = false, double tolerance = RelativeTolerance)
    {
        long spikes = 0;
        using var cpu = new CpuSession(model);
        using var gpu = new OpenClSession(model);
        var rng = new Random(11);
        var inputs = new float[model.InputCount];
        var outCpu = new float[model.OutputCount];
        var outGpu = new float[model.OutputCount];
        for (int t = 0; t < ticks; t++)
        {
            if (t % 5 == 0)
            {
                for (int i = 0; i < inputs.Length; i++)
                    inputs[i] = dyadicInputs ? rng.Next(-64, 129) / 64f : (float)(rng.NextDouble() * 2 - 1);
                cpu.SetInputs(inputs);
                gpu.SetInputs(inputs);
            }

            beforeTick?.Invoke(cpu, t);
            beforeTick?.Invoke(gpu, t);
            cpu.Step();
            gpu.Step();
            cpu.ReadOutputs(outCpu);
            gpu.ReadOutputs(outGpu);
            if (compareOutputs is not null) compareOutputs(outCpu, outGpu, t);
            else AssertClose(outCpu, outGpu, $"outputs at tick {t + 1}", tolerance);
            if (exactNeurons)
            {
                var all = gpu.ReadNeuronOutputs();
                for (int i = 0; i < all.Length; i++)
                {
                    if (cpu.NeuronOutputs[i] != all[i]) Assert.Fail($"neuron {i} at tick {t + 1}: CPU {cpu.NeuronOutputs[i]}, OpenCL {all[i]}");
                    if (all[i] == 1f) spikes++;
                }
            }
        }

        AssertSameState(cpu.Snapshot(), gpu.Snapshot(), tolerance);
        return spikes;
    }

    public static void AssertSameState(SessionState cpu, SessionState gpu, double tolerance = RelativeTolerance)
    {
        Assert.Equal(cpu.ModelId, gpu.ModelId);
        Assert.Equal(cpu.Tick, gpu.Tick);
        Assert.Equal(cpu.Floats.Keys.Order(StringComparer.Ordinal), gpu.Floats.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(cpu.Ints.Keys.Order(StringComparer.Ordinal), gpu.Ints.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, a) in cpu.Floats) AssertClose(a, gpu.Floats[name], $"snapshot array '{name}'", tolerance);
        foreach (var (name, a) in cpu.Ints) Assert.Equal(a, gpu.Ints[name]);
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = RelativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double tol = tolerance * Math.Max(1, Math.Max(Math.Abs(e), Math.Abs(a)));
            if (!(Math.Abs(e - a) <= tol)) Assert.Fail($"{what}: element {i}: CPU {e:R}, OpenCL {a:R} (difference {Math.Abs(e - a):G3} > {tol:G3})");
        }
    }

    /// <summary>Largest |a − b| / max(|a|, |b|, 1) over two arrays (diagnostics in failure messages).</summary>
    public static double MaxRelative(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]) / Math.Max(1, Math.Max(Math.Abs(a[i]), Math.Abs(b[i]))));
        return m;
    }
}

using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Model;
using Xunit;

namespace Ifm.Runtime.Tests;

/// <summary>The padded rows of the sparse layout and the two CSR kernels on them and on the model's own rows.</summary>
public class SparseKernelTests
{
    private static IfmModel Network(int neurons, double p, int seed) =>
        RandomNetwork.Create(new RandomNetworkOptions { Neurons = neurons, Connectivity = p, Seed = seed });

    [Fact]
    public void Padded_rows_hold_every_edge_in_order_and_pad_slots_read_the_zero_input()
    {
        var m = Network(97, 0.13, 3);
        var csr = new PaddedCsr(m);
        Assert.True(csr.Narrow);
        Assert.False(new PaddedCsr(m, narrowIndices: false).Narrow);
        Assert.Equal(m.NeuronCount, csr.ZeroInput);
        var seen = new bool[csr.Length];
        for (int i = 0; i < m.NeuronCount; i++)
        {
            int edges = m.RowStart[i + 1] - m.RowStart[i];
            int slots = csr.RowStart[i + 1] - csr.RowStart[i];
            Assert.Equal(0, slots % PaddedCsr.RowMultiple);
            Assert.True(slots >= edges && slots < edges + PaddedCsr.RowMultiple, $"row {i}: {edges} edges in {slots} slots");
            for (int k = m.RowStart[i]; k < m.RowStart[i + 1]; k++)
            {
                int slot = csr.Position[k];
                Assert.Equal(csr.RowStart[i] + (k - m.RowStart[i]), slot);
                Assert.Equal(m.Pre[k], csr.PreOf(slot));
                seen[slot] = true;
            }
        }

        for (int s = 0; s < csr.Length; s++)
        {
            if (!seen[s]) Assert.Equal(csr.ZeroInput, csr.PreOf(s));
        }

        var values = new float[m.EdgeCount];
        for (int k = 0; k < values.Length; k++) values[k] = k + 0.5f;
        var slotsOut = new float[csr.Length];
        csr.Scatter(values, slotsOut);
        var back = new float[m.EdgeCount];
        csr.Gather(slotsOut, back);
        Assert.Equal(values, back);
        Assert.Equal(values.Sum(), slotsOut.Sum());
    }

    [Theory]
    [InlineData(300, 0.2, true)]
    [InlineData(300, 0.2, false)]
    [InlineData(1000, 0.013, true)]
    [InlineData(1000, 0.013, false)]
    [InlineData(37, 0.5, true)]
    public void Csr_sum_on_model_rows_and_padded_rows_matches_a_double_precision_reference(int neurons, double p, bool narrow)
    {
        var m = Network(neurons, p, 7);
        var x = Activity(neurons + 1, neurons, 1);
        var reference = new double[neurons];
        for (int i = 0; i < neurons; i++)
        {
            for (int k = m.RowStart[i]; k < m.RowStart[i + 1]; k++) reference[i] += (double)m.Weight[k] * x[m.Pre[k]];
        }

        var plain = new float[neurons];
        CsrMatVec.Multiply(m.RowStart, m.Pre, m.Weight, x, plain);
        var csr = new PaddedCsr(m, narrow);
        Assert.Equal(narrow, csr.Narrow);
        var w = new float[csr.Length];
        csr.Scatter(m.Weight, w);
        var padded = new float[neurons];
        csr.Multiply(w, x, padded);
        for (int i = 0; i < neurons; i++)
        {
            Assert.Equal(reference[i], plain[i], 1e-5);
            Assert.Equal(reference[i], padded[i], 1e-5);
        }
    }

    [Theory]
    [InlineData(true, true, false, true)]
    [InlineData(true, true, false, false)]
    [InlineData(true, false, true, true)]
    [InlineData(false, false, false, true)]
    [InlineData(false, false, true, false)]
    public void Fused_trace_kernel_on_padded_rows_equals_a_scalar_reference(bool update, bool clip, bool clamp, bool narrow)
    {
        const int n = 211;
        var m = Network(n, 0.09, 12);
        var rng = new Random(5);
        var alpha = new float[m.EdgeCount];
        var h = new float[m.EdgeCount];
        for (int k = 0; k < alpha.Length; k++)
        {
            alpha[k] = (float)(rng.NextDouble() - 0.3);
            h[k] = (float)(rng.NextDouble() * 1.6 - 0.8);
        }

        var p = new FusedHebbianCsr.Parameters(0.3f, clip, clamp ? -0.05f : float.NegativeInfinity, clamp ? 0.06f : float.PositiveInfinity);
        var y1 = Activity(n + 1, n, 2);
        var y2 = Activity(n + 1, n, 3);

        // Reference, in doubles where the kernel sums: H is elementwise, so it must agree to the last bit but for FMA.
        var hRef = (float[])h.Clone();
        var synRef = new double[n];
        double deltaRef = 0;
        for (int i = 0; i < n; i++)
        {
            for (int k = m.RowStart[i]; k < m.RowStart[i + 1]; k++)
            {
                float hk = hRef[k];
                if (update)
                {
                    float hn = MathF.FusedMultiplyAdd(1f - p.Eta, hk, p.Eta * y1[i] * y2[m.Pre[k]]);
                    if (clip) hn = Math.Clamp(hn, -1f, 1f);
                    deltaRef += Math.Abs(alpha[k] * (hn - hk));
                    hRef[k] = hk = hn;
                }

                float weff = Math.Clamp(m.Weight[k] + alpha[k] * hk, p.WMin, p.WMax);
                synRef[i] += (double)weff * y1[m.Pre[k]];
            }
        }

        var csr = new PaddedCsr(m, narrow);
        float[] Slots(ReadOnlySpan<float> perEdge)
        {
            var s = new float[csr.Length];
            csr.Scatter(perEdge, s);
            return s;
        }

        var hSlots = Slots(h);
        var syn = new float[n];
        var pairs = new float[2 * y1.Length];
        float delta = csr.RunFusedHebbian(Slots(m.Weight), Slots(alpha), hSlots, y1, y2, pairs, syn, update, p);
        var hOut = new float[m.EdgeCount];
        csr.Gather(hSlots, hOut);
        for (int k = 0; k < hOut.Length; k++) Assert.Equal(hRef[k], hOut[k], 2e-6f);
        for (int s = 0; s < csr.Length; s++)
        {
            if (csr.PreOf(s) == csr.ZeroInput) Assert.Equal(0f, hSlots[s]); // pad slots never learn
        }

        for (int i = 0; i < n; i++) Assert.Equal(synRef[i], syn[i], 1e-4);
        Assert.Equal(deltaRef, delta, Math.Max(1e-6, deltaRef * 1e-5));
        if (update) Assert.True(deltaRef > 0);

        // The kernel takes any CSR: on the model's own rows the row tails run edge by edge.
        var hPlain = (float[])h.Clone();
        var synPlain = new float[n];
        float deltaPlain = FusedHebbianCsr.Run(m.RowStart, m.Pre, m.Weight, alpha, hPlain, y1, y2, pairs, synPlain, update, p);
        for (int k = 0; k < hPlain.Length; k++) Assert.Equal(hRef[k], hPlain[k], 2e-6f);
        for (int i = 0; i < n; i++) Assert.Equal(synRef[i], synPlain[i], 1e-4);
        Assert.Equal(deltaRef, deltaPlain, Math.Max(1e-6, deltaRef * 1e-5));
    }

    [Theory]
    [InlineData(65_535, true)]
    [InlineData(65_536, false)]
    public void Indices_are_16_bit_exactly_while_the_zero_input_fits(int neurons, bool narrow)
    {
        // A ring plus edges from and to the last neurons: the largest indices must survive the narrowing.
        var b = new ModelBuilder();
        b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1);
        b.AddPopulation("hidden", NeuronKind.Leaky, NeuronRole.Hidden, neurons - 2);
        b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 1);
        for (int i = 0; i < neurons; i += 97) b.AddEdge(i, (i + 1) % neurons, 0.5f);
        b.AddEdge(neurons - 1, 0, 0.25f);
        b.AddEdge(neurons - 2, neurons - 1, -0.75f);
        b.AddEdge(0, neurons - 1, 2f);
        var m = b.Build();
        var csr = new PaddedCsr(m);
        Assert.Equal(narrow, csr.Narrow);
        var x = Activity(neurons + 1, neurons, 9);
        var w = new float[csr.Length];
        csr.Scatter(m.Weight, w);
        var y = new float[neurons];
        csr.Multiply(w, x, y);
        Assert.Equal(0.25f * x[neurons - 1], y[0], 1e-6f);
        Assert.Equal(-0.75f * x[neurons - 2] + 2f * x[0], y[neurons - 1], 1e-6f);
    }

    /// <summary>Outputs in (−1, 1); zeros beyond the neurons (the pad slots' input).</summary>
    private static float[] Activity(int length, int neurons, int seed)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < neurons; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }
}

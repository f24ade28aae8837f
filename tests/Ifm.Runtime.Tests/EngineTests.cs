using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Tests;

public class EngineTests
{
    /// <summary>A straightforward scalar reference of the tick in double precision, written from the brief's equations.</summary>
    internal static double[] ReferenceRun(IfmModel m, float[][] inputs, int ticksPerInput)
    {
        int n = m.NeuronCount;
        var s = new double[n];
        var y = new double[n];
        var refractory = new int[n];
        var x = new double[n];
        foreach (var row in inputs)
        {
            for (int c = 0; c < m.InputCount; c++) x[m.InputNeurons[c]] = row[c];
            for (int t = 0; t < ticksPerInput; t++)
            {
                var yNew = new double[n];
                var syn = new double[n];
                for (int k = 0; k < m.EdgeCount; k++) syn[m.Post[k]] += m.Weight[k] * y[m.Pre[k]];
                foreach (var p in m.Populations)
                {
                    var q = p.Parameters;
                    for (int j = 0; j < p.Count; j++)
                    {
                        int i = p.Start + j;
                        double b = m.Bias[i];
                        switch (p.Kind)
                        {
                            case NeuronKind.Ifm:
                                double u = p.Role == NeuronRole.Input ? x[i] + b + syn[i] : syn[i] + b + Math.Tanh(q.A[j] * s[i]);
                                s[i] = u >= 0 ? u : 0.01 * u;
                                yNew[i] = Math.Tanh(u);
                                break;
                            case NeuronKind.Leaky:
                                double k = (double)m.Dt / q.Tau[j];
                                s[i] = (1 - k) * s[i] + k * (syn[i] + b + x[i]);
                                yNew[i] = q.Activation switch
                                {
                                    Activation.Tanh => Math.Tanh(s[i]),
                                    Activation.Sigmoid => 1 / (1 + Math.Exp(-s[i])),
                                    Activation.Relu => Math.Max(s[i], 0),
                                    _ => s[i],
                                };
                                break;
                            default:
                                if (refractory[i] > 0)
                                {
                                    refractory[i]--;
                                    s[i] = q.VReset[j];
                                    yNew[i] = 0;
                                    break;
                                }

                                double v = s[i] + (double)m.Dt / q.Tau[j] * (q.VLeak[j] - s[i] + q.Resistance[j] * (syn[i] + b + x[i]));
                                if (v > q.VThreshold[j])
                                {
                                    yNew[i] = 1;
                                    v = q.ResetMode == LifResetMode.ToReset ? q.VReset[j] : v - q.VThreshold[j];
                                    refractory[i] = q.RefractoryTicks;
                                }

                                s[i] = v;
                                break;
                        }
                    }
                }

                y = yNew;
            }
        }

        return y;
    }

    internal static IfmModel MixedModel(int seed = 3)
    {
        var rng = new Random(seed);
        var b = new ModelBuilder { Dt = 0.001f, Name = "mixed" };
        int inStart = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 4);
        int ifm = b.AddPopulation("ifm", NeuronKind.Ifm, NeuronRole.Hidden, 20, NeuronParameters.ForIfm(Rand(rng, 20, 0.2f, 0.8f)));
        int leaky = b.AddPopulation("leaky", NeuronKind.Leaky, NeuronRole.Hidden, 10, NeuronParameters.ForLeaky(Rand(rng, 10, 0.002f, 0.05f), Activation.Sigmoid));
        int lif = b.AddPopulation("lif", NeuronKind.Lif, NeuronRole.Hidden, 10,
            NeuronParameters.ForLif(Rand(rng, 10, 0.005f, 0.02f), Rand(rng, 10, 0.2f, 0.5f), new float[10], new float[10], Rand(rng, 10, 1f, 3f), LifResetMode.SubtractThreshold, 2));
        int outStart = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 3, NeuronParameters.ForLeaky(Rand(rng, 3, 0.003f, 0.01f), Activation.Tanh));
        int n = b.NeuronCount;
        for (int i = ifm; i < n; i++)
        {
            b.SetBias(i, (float)(rng.NextDouble() - 0.5) * 0.2f);
            for (int j = 0; j < n; j++)
            {
                if (rng.NextDouble() < 0.3) b.AddEdge(j, i, (float)(rng.NextDouble() * 2 - 1));
            }
        }

        _ = inStart + leaky + lif + outStart;
        return b.Build();
    }

    internal static float[] Rand(Random rng, int n, float lo, float hi) => [.. Enumerable.Range(0, n).Select(_ => lo + (float)rng.NextDouble() * (hi - lo))];

    [Theory]
    [InlineData(SynapseLayout.Dense)]
    [InlineData(SynapseLayout.Sparse)]
    public void Mixed_network_matches_the_scalar_reference(SynapseLayout layout)
    {
        var m = MixedModel();
        var rng = new Random(5);
        var inputs = Enumerable.Range(0, 20).Select(_ => Rand(rng, 4, -1, 1)).ToArray();
        var expected = ReferenceRun(m, inputs, 3);
        using var s = new CpuSession(m, new SessionOptions { Layout = layout });
        Assert.Equal(layout, s.Layout);
        var lif = m.FindPopulation("lif")!;
        bool spiked = false;
        foreach (var row in inputs)
        {
            s.SetInputs(row);
            s.Step(3);
            for (int i = lif.Start; i < lif.End; i++) spiked |= s.NeuronOutputs[i] == 1f;
        }

        Assert.True(spiked, "the LIF population must spike for this test to mean anything");
        for (int i = 0; i < m.NeuronCount; i++)
        {
            var pop = m.PopulationOf(i);
            if (pop.Kind == NeuronKind.Lif) Assert.Equal(expected[i], s.NeuronOutputs[i]); // spikes identical
            else Assert.Equal(expected[i], s.NeuronOutputs[i], 1e-4);
        }
    }

    [Fact]
    public void Dense_and_sparse_layouts_agree_on_a_reference_network()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 120, Connectivity = 0.1, Seed = 4 });
        using var dense = new CpuSession(m, new SessionOptions { Layout = SynapseLayout.Dense });
        using var sparse = new CpuSession(m, new SessionOptions { Layout = SynapseLayout.Sparse });
        var rng = new Random(1);
        var outD = new float[m.OutputCount];
        var outS = new float[m.OutputCount];
        for (int t = 0; t < 200; t++)
        {
            var x = Rand(rng, m.InputCount, 0, 1);
            dense.SetInputs(x);
            sparse.SetInputs(x);
            dense.Step();
            sparse.Step();
            dense.ReadOutputs(outD);
            sparse.ReadOutputs(outS);
            for (int i = 0; i < outD.Length; i++) Assert.Equal(outD[i], outS[i], 1e-5f);
        }
    }

    [Fact]
    public void Sessions_of_one_model_are_independent_and_reset_restores_the_start()
    {
        var m = MixedModel();
        using var a = new CpuSession(m);
        using var b = new CpuSession(m);
        a.SetInputs([1, 0.5f, -1, 0.2f]);
        a.Step(10);
        Assert.Equal(0, b.Tick);
        Assert.All(b.NeuronOutputs.ToArray(), v => Assert.Equal(0f, v));
        var first = a.NeuronOutputs.ToArray();
        a.Reset();
        Assert.Equal(0, a.Tick);
        a.SetInputs([1, 0.5f, -1, 0.2f]);
        a.Step(10);
        Assert.Equal(first, a.NeuronOutputs.ToArray());
    }

    [Fact]
    public void Snapshot_and_restore_continue_identically()
    {
        var m = MixedModel();
        using var a = new CpuSession(m);
        a.SetInputs([1, 0.5f, -1, 0.2f]);
        a.Step(7);
        var snap = a.Snapshot();
        a.Step(13);
        var expected = a.NeuronOutputs.ToArray();

        using var b = new CpuSession(m);
        b.Restore(snap);
        Assert.Equal(7, b.Tick);
        b.Step(13);
        Assert.Equal(expected, b.NeuronOutputs.ToArray());
    }

    [Fact]
    public void Restore_refuses_a_state_of_another_model()
    {
        using var a = new CpuSession(MixedModel(1));
        using var b = new CpuSession(MixedModel(2));
        var e = Assert.Throws<ArgumentException>(() => b.Restore(a.Snapshot()));
        Assert.Contains("belongs to model", e.Message);
    }

    [Fact]
    public void Bad_input_and_output_lengths_are_reported()
    {
        using var s = new CpuSession(MixedModel());
        Assert.Contains("4 input channels", Assert.Throws<ArgumentException>(() => s.SetInputs([1f])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SetInput(4, 1f));
        Assert.Contains("3 output channels", Assert.Throws<ArgumentException>(() => s.ReadOutputs(new float[2])).Message);
    }

    [Theory]
    [InlineData(SynapseLayout.Dense, NeuronKind.Ifm)]
    [InlineData(SynapseLayout.Sparse, NeuronKind.Ifm)]
    [InlineData(SynapseLayout.Sparse, NeuronKind.Leaky)]
    [InlineData(SynapseLayout.Sparse, NeuronKind.Lif)]
    public void A_tick_allocates_no_managed_memory(SynapseLayout layout, NeuronKind kind)
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 300, Connectivity = 0.2, Kind = kind });
        using var s = new CpuSession(m, new SessionOptions { Layout = layout });
        var inputs = new float[m.InputCount];
        var outputs = new float[m.OutputCount];
        inputs.AsSpan().Fill(0.5f);
        s.SetInputs(inputs);
        s.Step(100); // warm-up: JIT tiering, static constructors
        SteadyStateAllocation.AssertZero(t =>
        {
            inputs[t % inputs.Length] = t & 1;
            s.SetInputs(inputs);
            s.Step();
            s.ReadOutputs(outputs);
        });
    }

    [Fact]
    public void Reference_wiring_follows_the_paper()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 100, Inputs = 10, Outputs = 5, Connectivity = 0.3, Seed = 9 });
        var inputs = m.FindPopulation("in")!;
        var outputs = m.FindPopulation("out")!;
        for (int k = 0; k < m.EdgeCount; k++)
        {
            int pre = m.Pre[k], post = m.Post[k];
            Assert.False(post >= inputs.Start && post < inputs.End, "inputs receive nothing");
            Assert.False(pre >= outputs.Start && pre < outputs.End, "nobody receives from outputs");
            Assert.NotEqual(pre, post);
            if (post >= outputs.Start) Assert.True(pre >= inputs.End, "outputs receive only from hidden neurons");
        }

        // Incoming weights bounded by √(6/(fan_in + 1)); density near p for the allowed pairs.
        for (int i = 0; i < m.NeuronCount; i++)
        {
            int fanIn = m.RowStart[i + 1] - m.RowStart[i];
            float bound = MathF.Sqrt(6f / (fanIn + 1));
            for (int k = m.RowStart[i]; k < m.RowStart[i + 1]; k++) Assert.InRange(m.Weight[k], -bound, bound);
        }

        Assert.InRange(m.EdgeCount, 0.25 * (85 * 94 + 5 * 85), 0.35 * (85 * 94 + 5 * 85));
        var again = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 100, Inputs = 10, Outputs = 5, Connectivity = 0.3, Seed = 9 });
        Assert.Equal(m.Id, again.Id);
    }
}

using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

/// <summary>Event-driven spike propagation and event-driven STDP against the clock-driven kernels and a per-edge reference.</summary>
public sealed class EventDrivenTests
{
    /// <summary>
    /// n LIF neurons (τ 20 ms, threshold 1, reset 0) driven by a constant bias so that each fires at roughly
    /// <paramref name="hz"/>, with <paramref name="synapses"/> random distinct edges (no self-edges) of weight
    /// ±<paramref name="wScale"/>, dt = 0.1 ms: the shape of the spiking STDP benchmark (tests/bench/peers).
    /// </summary>
    internal static IfmModel Network(int n, int synapses, int seed, PlasticityRule? rule, float wScale = 20f, double hz = 25, double plasticShare = 1)
    {
        var rng = new Random(seed);
        const float dt = 1e-4f, tau = 0.02f;
        var b = new ModelBuilder { Name = "spiking", Dt = dt };
        NeuronParameters P(int count) => NeuronParameters.ForLif(
            Enumerable.Repeat(tau, count).ToArray(), Enumerable.Repeat(1f, count).ToArray(), new float[count], new float[count],
            Enumerable.Repeat(1f, count).ToArray(), LifResetMode.ToReset, 0);
        int inStart = b.AddPopulation("in", NeuronKind.Lif, NeuronRole.Input, 1, P(1));
        b.AddPopulation("lif", NeuronKind.Lif, NeuronRole.Hidden, n - 2, P(n - 2));
        b.AddPopulation("out", NeuronKind.Lif, NeuronRole.Output, 1, P(1));

        // A constant drive I gives a period τ·ln(I / (I − 1)); drives spread ±10 % around the one for the target rate.
        double i0 = 1 / (1 - Math.Exp(-1 / (hz * tau)));
        for (int i = 0; i < n; i++) b.SetBias(inStart + i, (float)(i0 * (0.9 + (0.2 * rng.NextDouble()))));
        int fixedGroup = plasticShare < 1 ? b.AddEdgeGroup("static") : 0;
        int g = rule is null ? 0 : b.AddEdgeGroup("stdp", rule);
        var seen = new HashSet<long>();
        while (seen.Count < synapses)
        {
            int pre = rng.Next(n), post = rng.Next(n);
            if (pre == post || !seen.Add(((long)pre * n) + post)) continue;
            b.AddEdge(pre, post, (float)((rng.NextDouble() * 2) - 1) * wScale, rng.NextDouble() < plasticShare ? g : fixedGroup);
        }

        return b.Build();
    }

    private static StdpRule BenchRule() => new(tauPlus: 0.02f, tauMinus: 0.02f, aPlus: 0.05f, aMinus: 0.0525f, wMin: -10f, wMax: 10f);

    [Theory]
    [InlineData(SynapseLayout.Dense)]
    [InlineData(SynapseLayout.Sparse)]
    public void Event_driven_propagation_spikes_exactly_like_the_clock_driven_kernels(SynapseLayout layout)
    {
        var m = Network(400, 16_000, seed: 3, rule: null);
        using var clock = new CpuSession(m, new SessionOptions { Layout = layout, SpikePropagation = SpikePropagationMode.ClockDriven });
        using var events = new CpuSession(m, new SessionOptions { Layout = layout, SpikePropagation = SpikePropagationMode.EventDriven });
        Assert.False(clock.EventDriven);
        Assert.True(events.EventDriven);
        long spikes = 0;
        for (int t = 0; t < 20_000; t++)
        {
            clock.Step();
            events.Step();
            var a = clock.NeuronOutputs;
            var b = events.NeuronOutputs;
            for (int i = 0; i < a.Length; i++)
            {
                if (a[i] != b[i]) Assert.Fail($"neuron {i} differs at tick {t + 1}: clock {a[i]}, event {b[i]}");
                if (a[i] != 0) spikes++;
            }
        }

        // The comparison means something only if the network spikes: ~25 Hz × 400 neurons × 2 s.
        Assert.InRange(spikes, 10_000, 40_000);
        Assert.Equal(20_000, events.PropagationTicks.Event);
    }

    [Fact]
    public void Auto_falls_back_to_the_matrix_kernel_on_busy_ticks_with_the_same_spikes()
    {
        // Every neuron spikes in the first tick (bias far above threshold with dt/τ = 1): that tick's work is all edges.
        var m = Network(200, 4_000, seed: 5, rule: null, hz: 25);
        using var clock = new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.ClockDriven });
        using var auto = new CpuSession(m, new SessionOptions { EventDrivenBelow = 0.02 });
        Assert.True(auto.EventDriven);
        for (int t = 0; t < 5_000; t++)
        {
            clock.Step();
            auto.Step();
            Assert.True(clock.NeuronOutputs.SequenceEqual(auto.NeuronOutputs), $"tick {t + 1}");
        }

        var (ev, cl) = auto.PropagationTicks;
        Assert.True(ev > 0 && cl > 0, $"event ticks {ev}, clock ticks {cl}: both paths should have run");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Event_driven_stdp_matches_a_pass_over_every_edge_bit_for_bit(double plasticShare)
    {
        // 1.0: the group holds every edge (its out-edges are contiguous runs of the weight array, the vector path);
        // 0.5: half the edges are static (each out-edge an index into the array).
        var m = Network(300, 9_000, seed: 7, rule: BenchRule(), plasticShare: plasticShare);
        using var s = new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.EventDriven });
        var rule = (StdpRule)m.EdgeGroups.Single(g => g.Rule is not null).Rule!;

        // The reference: the rule's definition (FORMAT.md §6) applied to every edge each tick, on the session's spikes.
        var w = m.Weight.ToArray();
        var x = new float[m.NeuronCount];
        var z = new float[m.NeuronCount];
        float dp = MathF.Exp(-m.Dt / rule.TauPlus), dm = MathF.Exp(-m.Dt / rule.TauMinus);
        var pre = m.Pre;
        var post = m.Post;
        int changed = 0;
        for (int t = 0; t < 10_000; t++)
        {
            s.Step();
            var y = s.NeuronOutputs;
            for (int i = 0; i < x.Length; i++)
            {
                x[i] *= dp;
                z[i] *= dm;
            }

            for (int k = 0; k < w.Length; k++)
            {
                float ys = y[post[k]], yp = y[pre[k]];
                if ((ys == 0 && yp == 0) || m.EdgeGroups[m.Group[k]].Rule is null) continue;
                float nw = Math.Clamp(w[k] + (rule.APlus * ys * x[pre[k]]) - (rule.AMinus * yp * z[post[k]]), rule.WMin, rule.WMax);
                if (nw != w[k]) changed++;
                w[k] = nw;
            }

            for (int i = 0; i < x.Length; i++)
            {
                x[i] += y[i];
                z[i] += y[i];
            }
        }

        Assert.True(changed > 10_000 * plasticShare, $"only {changed} weight changes: the comparison needs a learning network");
        var got = s.Weights;
        for (int k = 0; k < w.Length; k++)
        {
            if (got[k] != w[k]) Assert.Fail($"edge {pre[k]}→{post[k]}: session {got[k]}, reference {w[k]}");
        }
    }

    [Fact]
    public void Stdp_sessions_event_and_clock_driven_learn_the_same_weights()
    {
        var m = Network(300, 9_000, seed: 11, rule: BenchRule());
        using var clock = new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.ClockDriven });
        using var events = new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.EventDriven });
        for (int t = 0; t < 10_000; t++)
        {
            clock.Step();
            events.Step();

            // Reading the weights mid-run (they are gathered from the presynaptic array the learner writes) and a
            // snapshot restored into the session change nothing that follows.
            if (t % 1_000 == 999) Assert.True(clock.Weights.SequenceEqual(events.Weights), $"weights differ after tick {t + 1}");
            if (t == 4_999) events.Restore(events.Snapshot());
        }

        Assert.True(clock.NeuronOutputs.SequenceEqual(events.NeuronOutputs));
        Assert.True(clock.Weights.SequenceEqual(events.Weights));
        Assert.False(m.Weight.SequenceEqual(events.Weights));
    }

    [Theory]
    [InlineData(float.NaN, -1f, 1f)]
    [InlineData(-0f, 0f, 1f)]
    [InlineData(0f, -1f, -0f)]
    [InlineData(-0f, -0f, 0f)]
    [InlineData(5f, -1f, 1f)]
    [InlineData(-5f, -1f, 1f)]
    [InlineData(0.25f, -1f, 1f)]
    [InlineData(float.PositiveInfinity, -10f, 10f)]
    [InlineData(float.NegativeInfinity, -10f, 10f)]
    public void The_learners_branch_free_clamp_is_math_clamp_bit_for_bit(float v, float lo, float hi)
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(Math.Clamp(v, lo, hi)), BitConverter.SingleToInt32Bits(Ifm.Runtime.Engine.Plasticity.StdpLearner.Clamp(v, lo, hi)));
    }

    [Fact]
    public void Event_driven_is_refused_for_rate_neurons_that_send_edges_and_auto_stays_clock_driven()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 50, Connectivity = 0.2 });
        var e = Assert.Throws<Ifm.Core.IfmException>(() => new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.EventDriven }));
        Assert.Equal(Ifm.Core.IfmErrorCode.Configuration, e.Code);
        Assert.Contains("spiking", e.Message, StringComparison.Ordinal);
        using var s = new CpuSession(m);
        Assert.False(s.EventDriven);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_event_driven_tick_allocates_no_managed_memory(bool stdp)
    {
        var m = Network(300, 9_000, seed: 13, rule: stdp ? BenchRule() : null);
        using var s = new CpuSession(m, new SessionOptions { SpikePropagation = SpikePropagationMode.EventDriven });
        s.Step(500);
        SteadyStateAllocation.AssertZero(_ => s.Step());
    }
}

/// <summary>The multi-core synaptic sum: the same outputs, bit for bit, as one thread.</summary>
public sealed class MultiCoreTests
{
    [Theory]
    [InlineData(SynapseLayout.Dense, NeuronKind.Ifm, 3)]
    [InlineData(SynapseLayout.Sparse, NeuronKind.Ifm, 2)]
    [InlineData(SynapseLayout.Sparse, NeuronKind.Leaky, 4)]
    [InlineData(SynapseLayout.Dense, NeuronKind.Lif, 2)]
    public void Several_threads_tick_bit_for_bit_like_one(SynapseLayout layout, NeuronKind kind, int threads)
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 1_000, Connectivity = 0.05, Kind = kind, Seed = 4 });
        var clockOnly = new SessionOptions { Layout = layout, SpikePropagation = SpikePropagationMode.ClockDriven };
        using var one = new CpuSession(m, clockOnly);
        using var many = new CpuSession(m, clockOnly with { Threads = threads });
        Assert.Equal(threads, many.Threads);
        var inputs = new float[m.InputCount];
        var rng = new Random(2);
        for (int t = 0; t < 2_000; t++)
        {
            if (t % 10 == 0)
            {
                for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)((rng.NextDouble() * 4) - 2);
                one.SetInputs(inputs);
                many.SetInputs(inputs);
            }

            one.Step();
            many.Step();
            if (!one.NeuronOutputs.SequenceEqual(many.NeuronOutputs)) Assert.Fail($"outputs differ at tick {t + 1}");
        }

        Assert.True(one.NeuronStates.SequenceEqual(many.NeuronStates));
    }

    [Fact]
    public void Row_partitions_cover_every_row_once_on_block_boundaries()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 2_000, Connectivity = 0.02, Seed = 6 });
        foreach (int parts in new[] { 2, 3, 7 })
        {
            var b = TickWorkers.Partition(m.NeuronCount, parts, m.RowStart);
            Assert.Equal(0, b[0]);
            Assert.Equal(m.NeuronCount, b[parts]);
            for (int p = 1; p < parts; p++)
            {
                Assert.True(b[p] >= b[p - 1]);
                Assert.True(b[p] % 64 == 0 || b[p] == m.NeuronCount);
            }
        }
    }

    [Fact]
    public void A_multi_core_tick_allocates_no_managed_memory_on_the_calling_thread()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 500, Connectivity = 0.1 });
        using var s = new CpuSession(m, new SessionOptions { Threads = 2 });
        s.Step(200);
        SteadyStateAllocation.AssertZero(_ => s.Step(), callsPerWindow: 2_000);
        Assert.True(s.Threads == 2);
    }

    [Fact]
    public void Zero_threads_is_refused()
    {
        var m = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 50 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new CpuSession(m, new SessionOptions { Threads = 0 }));
    }
}

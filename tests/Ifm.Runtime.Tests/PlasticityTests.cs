using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

/// <summary>Each rule against updates worked out by hand from the brief's equations.</summary>
public class PlasticityTests
{
    private const float Tol = 1e-6f;

    /// <summary>Two IFM input neurons (a, b) driving one IFM output o through plastic edges a→o (w = 0.5) and b→o (w = −0.25).</summary>
    private static IfmModel TwoToOne(PlasticityRule rule, float alphaA = 0f, float alphaB = 0f, NeuronKind kind = NeuronKind.Ifm)
    {
        var b = new ModelBuilder();
        int i = b.AddPopulation("in", kind, NeuronRole.Input, 2, labels: ["a", "b"]);
        int o = b.AddPopulation("out", kind, NeuronRole.Output, 1, kind == NeuronKind.Ifm ? NeuronParameters.ForIfm([0f]) : null, ["o"]);
        int g = b.AddEdgeGroup("plastic", rule);
        b.AddEdge(i, o, 0.5f, g, alphaA);
        b.AddEdge(i + 1, o, -0.25f, g, alphaB);
        return b.Build();
    }

    private static float W(CpuSession s, int pre, int post) => s.Weights[s.Model.FindEdge(pre, post)];

    [Fact]
    public void Hebbian_trace_follows_hand_computed_ticks()
    {
        var m = TwoToOne(new HebbianTraceRule(eta: 0.5f, clip: false), alphaA: 2f, alphaB: 1f);
        using var s = new CpuSession(m);
        s.SetInputs([1f, -1f]);

        // Tick 1: y_a = tanh 1 = 0.76159416, y_b = −0.76159416, y_o = tanh(0) = 0 (reads y(0) = 0). H = 0.5·0·0 = 0.
        s.Step();
        Assert.Equal(0.5f, W(s, 0, 2), Tol);

        // Tick 2: u_o = 0.5·0.76159416 − 0.25·(−0.76159416) = 0.57119562, y_o = 0.51623680.
        // H_a = 0.5·0 + 0.5·0.76159416·0.51623680 = 0.19658147 → w_eff = 0.5 + 2·0.19658147 = 0.89316293
        // H_b = 0.5·(−0.76159416)·0.51623680 = −0.19658147 → w_eff = −0.25 + 1·(−0.19658147) = −0.44658147
        s.Step();
        Assert.Equal(0.51623680f, s.NeuronOutputs[2], Tol);
        Assert.Equal(0.89316293f, W(s, 0, 2), Tol);
        Assert.Equal(-0.44658147f, W(s, 1, 2), Tol);

        // Tick 3 uses the effective weights: u_o = (0.89316293 + 0.44658147)·0.76159416 = 1.02034...
        s.Step();
        float u = 0.89316293f * 0.76159416f + (-0.44658147f) * (-0.76159416f);
        Assert.Equal(MathF.Tanh(u), s.NeuronOutputs[2], 1e-5f);
        float h = 0.5f * 0.19658147f + 0.5f * 0.76159416f * MathF.Tanh(u);
        Assert.Equal(0.5f + 2 * h, W(s, 0, 2), 1e-5f);
    }

    [Fact]
    public void Hebbian_trace_clip_and_weight_bounds_hold()
    {
        var m = TwoToOne(new HebbianTraceRule(eta: 1f, clip: true, wMin: -0.3f, wMax: 0.6f), alphaA: 10f, alphaB: 10f);
        using var s = new CpuSession(m);
        s.SetInputs([3f, -3f]);
        s.Step(50);
        Assert.Equal(0.6f, W(s, 0, 2));
        Assert.Equal(-0.3f, W(s, 1, 2));
        Assert.Equal(2, s.Plasticity.CountWeightsAtBounds());
        var state = s.Snapshot();
        Assert.All(state.Floats["plasticity.plastic.H"], h => Assert.InRange(h, -1f, 1f));
    }

    [Fact]
    public void Three_factor_rule_changes_nothing_while_the_modulator_is_zero()
    {
        var m = TwoToOne(new NeuromodulatedRule(eta: 0.5f, new ModulatorSource(ModulatorKind.External)), alphaA: 1f, alphaB: 1f);
        using var s = new CpuSession(m);
        s.SetInputs([1f, 1f]);
        s.Step(20);
        Assert.Equal(0.5f, W(s, 0, 2));
        Assert.Equal(-0.25f, W(s, 1, 2));
        var e = s.Snapshot().Floats["plasticity.plastic.E"];
        Assert.NotEqual(0f, e[0]); // the eligibility trace is building up...

        // ...and one tick of M = 2 turns it into H: H = clip(0 + 2·E), w_eff = w + α·H, with E after that tick.
        var before = s.Snapshot();
        s.Plasticity.SetModulator(2f);
        s.Step();
        var yA = before.Floats["output"][0];
        var yO = s.NeuronOutputs[2];
        float eNew = 0.5f * before.Floats["plasticity.plastic.E"][0] + 0.5f * yA * yO;
        Assert.Equal(0.5f + Math.Clamp(2 * eNew, -1, 1), W(s, 0, 2), 1e-6f);
    }

    [Fact]
    public void Three_factor_rule_reads_the_modulator_from_an_input_channel()
    {
        var b = new ModelBuilder();
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 2, labels: ["cue", "reward"]);
        int o = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1, labels: ["o"]);
        int g = b.AddEdgeGroup("plastic", new NeuromodulatedRule(0.5f, new ModulatorSource(ModulatorKind.Input, "reward")));
        b.AddEdge(i, o, 0.1f, g, alpha: 1f);
        using var s = new CpuSession(b.Build());
        s.SetInputs([1f, 0f]);
        s.Step(10);
        Assert.Equal(0.1f, W(s, 0, 2));
        s.SetInputs([1f, 1f]);
        s.Step();
        Assert.True(W(s, 0, 2) > 0.1f);
    }

    private static IfmModel SpikingPair(StdpRule rule)
    {
        // Two LIF neurons driven only by their own inputs (no recurrent edges carry current: the plastic edge has w = 0
        // and resistance routes only x), so the test controls exactly when each spikes.
        var b = new ModelBuilder { Dt = 0.001f };
        var p = NeuronParameters.ForLif([0.001f, 0.001f], [0.5f, 0.5f], [0f, 0f], [0f, 0f], [1f, 1f], LifResetMode.ToReset, 0);
        int n = b.AddPopulation("n", NeuronKind.Lif, NeuronRole.Input, 2, p, ["pre", "post"]);
        int g = b.AddEdgeGroup("stdp", rule);
        b.AddEdge(n, n + 1, 0f, g);
        return b.Build();
    }

    /// <summary>dt/τ = 1 with v_leak = 0: v = R·I each tick, so x = 1 spikes this tick and x = 0 does not.</summary>
    private static void Spike(CpuSession s, bool pre, bool post)
    {
        s.SetInputs([pre ? 1f : 0f, post ? 1f : 0f]);
        s.Step();
    }

    [Fact]
    public void Stdp_potentiates_when_pre_precedes_post_with_an_exponential_window()
    {
        var rule = new StdpRule(tauPlus: 0.002f, tauMinus: 0.002f, aPlus: 0.1f, aMinus: 0.12f, wMin: -1f, wMax: 1f);
        foreach (int gap in new[] { 1, 2, 3 })
        {
            using var s = new CpuSession(SpikingPair(rule));
            Spike(s, pre: true, post: false);
            for (int k = 1; k < gap; k++) Spike(s, false, false);
            Spike(s, pre: false, post: true);
            // x_pre = e^{−gap·dt/τ₊} when the post spike arrives: Δw = A₊·e^{−gap/2}
            Assert.Equal(0.1f * MathF.Exp(-gap * 0.5f), W(s, 0, 1), 1e-6f);
        }
    }

    [Fact]
    public void Stdp_depresses_when_post_precedes_pre_and_same_tick_spikes_cancel()
    {
        var rule = new StdpRule(tauPlus: 0.002f, tauMinus: 0.004f, aPlus: 0.1f, aMinus: 0.12f, wMin: -1f, wMax: 1f);
        using (var s = new CpuSession(SpikingPair(rule)))
        {
            Spike(s, pre: false, post: true);
            Spike(s, false, false);
            Spike(s, pre: true, post: false);
            Assert.Equal(-0.12f * MathF.Exp(-2 * 0.25f), W(s, 0, 1), 1e-6f);
        }

        using (var s = new CpuSession(SpikingPair(rule)))
        {
            Spike(s, pre: true, post: true);
            Assert.Equal(0f, W(s, 0, 1));
        }
    }

    [Fact]
    public void Stdp_clamps_to_its_bounds()
    {
        var rule = new StdpRule(0.01f, 0.01f, aPlus: 0.5f, aMinus: 0.5f, wMin: -0.2f, wMax: 0.3f);
        using var s = new CpuSession(SpikingPair(rule));
        for (int k = 0; k < 20; k++)
        {
            Spike(s, pre: true, post: false);
            Spike(s, pre: false, post: true);
        }

        Assert.Equal(0.3f, W(s, 0, 1));
    }

    [Fact]
    public void Oja_rule_follows_hand_computed_ticks()
    {
        var m = TwoToOne(new OjaRule(eta: 0.1f));
        using var s = new CpuSession(m);
        s.SetInputs([1f, 0f]);
        s.Step(); // y_o(1) = 0: Δw = 0
        Assert.Equal(0.5f, W(s, 0, 2));
        s.Step(); // y_o(2) = tanh(0.5·tanh 1) = 0.36078; Δw_a = 0.1·y_o·(tanh 1 − y_o·0.5)
        float ya = MathF.Tanh(1f), yo = MathF.Tanh(0.5f * ya);
        Assert.Equal(yo, s.NeuronOutputs[2], Tol);
        Assert.Equal(0.5f + 0.1f * yo * (ya - yo * 0.5f), W(s, 0, 2), Tol);
        Assert.Equal(-0.25f + 0.1f * yo * (0f - yo * -0.25f), W(s, 1, 2), Tol);
    }

    [Fact]
    public void Pes_moves_weights_against_the_supplied_error()
    {
        var m = TwoToOne(new PesRule(kappa: 0.2f));
        using var s = new CpuSession(m);
        s.SetInputs([1f, -1f]);
        s.Step();
        s.Plasticity.SetErrors([0.5f]);
        s.Step(); // Δw_j = −0.2·0.5·y_j(1)
        float ya = MathF.Tanh(1f);
        Assert.Equal(0.5f - 0.1f * ya, W(s, 0, 2), Tol);
        Assert.Equal(-0.25f + 0.1f * ya, W(s, 1, 2), Tol);
        s.Plasticity.SetErrors([0f]);
        var w = s.Weights.ToArray();
        s.Step(5);
        Assert.Equal(w, s.Weights.ToArray());
    }

    [Fact]
    public void Pes_refuses_edges_that_do_not_end_at_an_output()
    {
        var b = new ModelBuilder();
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        int h = b.AddPopulation("h", NeuronKind.Ifm, NeuronRole.Hidden, 1);
        b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1);
        int g = b.AddEdgeGroup("pes", new PesRule(0.1f));
        b.AddEdge(i, h, 1f, g);
        Assert.Contains("does not end at an output neuron", Assert.Throws<ModelValidationException>(() => b.Build()).Message);
    }

    [Fact]
    public void Freeze_scale_and_group_switches_stop_learning()
    {
        var m = TwoToOne(new HebbianTraceRule(0.5f), alphaA: 1f, alphaB: 1f);
        using var s = new CpuSession(m);
        s.SetInputs([1f, 1f]);
        s.Plasticity.Enabled = false;
        s.Step(10);
        Assert.Equal(0.5f, W(s, 0, 2));
        s.Plasticity.Enabled = true;
        s.Plasticity.LearningRateScale = 0f;
        s.Step(10);
        Assert.Equal(0.5f, W(s, 0, 2));
        s.Plasticity.LearningRateScale = 1f;
        s.Plasticity.SetGroupEnabled(s.Plasticity.FindGroup("plastic"), false);
        s.Step(10);
        Assert.Equal(0.5f, W(s, 0, 2));
        s.Plasticity.SetGroupEnabled(0, true);
        s.Step(10);
        Assert.NotEqual(0.5f, W(s, 0, 2));
        Assert.True(s.Plasticity.Statistics.LastMeanAbsDelta > 0);
        Assert.Equal(10, s.Plasticity.Statistics.LearningTicks);
    }

    [Fact]
    public void Nan_guard_trips_freezes_and_reports_and_rollback_recovers()
    {
        var m = TwoToOne(new OjaRule(eta: 1e30f));
        using var s = new CpuSession(m);
        s.SetInputs([1f, 1f]);
        var good = s.Snapshot();
        s.Step(20);
        Assert.True(s.Plasticity.GuardTripped);
        Assert.False(s.Plasticity.Enabled);
        Assert.Contains("edge group 'plastic'", s.Plasticity.GuardMessage);
        Assert.Contains("non-finite", s.Plasticity.GuardMessage);
        Assert.All(s.Weights.ToArray(), w => Assert.True(float.IsFinite(w)));
        var frozen = s.Weights.ToArray();
        s.Step(5);
        Assert.Equal(frozen, s.Weights.ToArray());

        s.Restore(good);
        s.Plasticity.ClearGuard();
        Assert.Equal([0.5f, -0.25f], s.Weights.ToArray());
        Assert.True(s.Plasticity.Enabled);
    }

    [Fact]
    public void A_plastic_tick_allocates_nothing()
    {
        var b = new ModelBuilder();
        var net = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 200, Connectivity = 0.2 });
        var m = WithRuleOnEveryEdge(net, new HebbianTraceRule(0.1f), 0.5f);
        foreach (var kind in Enum.GetValues<FusedHebbianTests.FusedKind>())
        {
            using var s = new CpuSession(m, FusedHebbianTests.Options(kind));
            Assert.NotEqual(FusedKernel.None, s.FusedKernel);
            var x = new float[m.InputCount];
            x.AsSpan().Fill(0.7f);
            s.SetInputs(x);
            s.Step(100);
            SteadyStateAllocation.AssertZero(t =>
            {
                s.Plasticity.SetModulator(t);
                s.Step();
            });
            Assert.True(s.Plasticity.Statistics.TotalAbsDelta > 0);
        }
    }

    /// <summary>The same network with every edge in one plastic group (α for every edge).</summary>
    internal static IfmModel WithRuleOnEveryEdge(IfmModel m, PlasticityRule rule, float alpha)
    {
        var b = new ModelBuilder { Name = m.Name, Dt = m.Dt };
        foreach (var p in m.Populations) b.AddPopulation(p.Name, p.Kind, p.Role, p.Count, p.Parameters, p.Labels);
        for (int i = 0; i < m.NeuronCount; i++) b.SetBias(i, m.Bias[i]);
        int g = b.AddEdgeGroup("plastic", rule);
        for (int k = 0; k < m.EdgeCount; k++) b.AddEdge(m.Pre[k], m.Post[k], m.Weight[k], g, alpha);
        return b.Build();
    }

    [Fact]
    public void Plastic_models_round_trip_through_the_file_format()
    {
        var rules = new PlasticityRule[]
        {
            new HebbianTraceRule(0.1f, clip: false, wMin: -2, wMax: 2),
            new NeuromodulatedRule(0.2f, new ModulatorSource(ModulatorKind.Input, "a")),
            new OjaRule(0.01f),
            new PesRule(0.3f, wMin: -1f, wMax: 1f),
        };
        foreach (var rule in rules)
        {
            var m = TwoToOne(rule, 0.25f, -0.5f);
            var bytes = IfmFile.ToBytes(m);
            var back = IfmFile.Read(bytes);
            Assert.Equal(bytes, IfmFile.ToBytes(back));
            Assert.Equal(rule.ToString(), back.EdgeGroups[0].Rule!.ToString());
            Assert.Equal(m.Alpha.ToArray(), back.Alpha.ToArray());
        }

        var stdp = SpikingPair(new StdpRule(0.02f, 0.03f, 0.1f, 0.2f, -1, 1));
        Assert.Equal(IfmFile.ToBytes(stdp), IfmFile.ToBytes(IfmFile.Read(IfmFile.ToBytes(stdp))));
    }

    [Fact]
    public void Version_1_files_still_load_and_plasticity_needs_version_2()
    {
        var stat = EngineTests.MixedModel();
        var bytes = IfmFile.ToBytes(stat);
        Assert.Contains("\"ifm.version\":\"1\"", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(stat.Id, IfmFile.Read(bytes).Id);

        var plastic = IfmFile.ToBytes(TwoToOne(new OjaRule(0.1f)));
        var v1 = FormatTests.EditMetadata(plastic, (meta, graph) => meta["ifm.version"] = "1");
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(v1));
        Assert.Contains("need format version 2", e.Message);
    }

    [Fact]
    public void Unknown_rules_and_bad_parameters_are_reported()
    {
        var bad = FormatTests.EditMetadata(IfmFile.ToBytes(TwoToOne(new OjaRule(0.1f))),
            (meta, graph) => graph["edge_groups"]![0]!["plasticity"]!["rule"] = "bcm");
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(bad));
        Assert.Contains("unknown plasticity rule 'bcm'", e.Message);
        Assert.Throws<ModelValidationException>(() => TwoToOne(new HebbianTraceRule(eta: 2f)));
    }
}

public class FusedHebbianTests
{
    /// <summary>The three ways a fused session runs: sparse layout; dense layout with the sparse fused kernel (the
    /// static kernel is dense when learning is frozen); dense layout with the dense fused kernel.</summary>
    public enum FusedKind { Sparse, DenseLayoutSparseKernel, DenseKernel }

    internal static SessionOptions Options(FusedKind kind) => kind switch
    {
        FusedKind.Sparse => new SessionOptions { Layout = SynapseLayout.Sparse },
        FusedKind.DenseLayoutSparseKernel => new SessionOptions { Layout = SynapseLayout.Dense, FusedDenseAbove = 1 },
        _ => new SessionOptions { Layout = SynapseLayout.Dense, FusedDenseAbove = 0 },
    };

    [Theory]
    [InlineData(true, -10f, 10f, FusedKind.Sparse)]
    [InlineData(false, -0.2f, 0.3f, FusedKind.Sparse)]
    [InlineData(true, -10f, 10f, FusedKind.DenseLayoutSparseKernel)]
    [InlineData(true, -10f, 10f, FusedKind.DenseKernel)]
    [InlineData(false, -0.2f, 0.3f, FusedKind.DenseKernel)]
    public void Fused_trace_path_equals_the_generic_learner(bool clip, float wMin, float wMax, FusedKind kind)
    {
        var net = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 150, Connectivity = 0.15, Seed = 8 });
        var m = PlasticityTests.WithRuleOnEveryEdge(net, new HebbianTraceRule(0.3f, clip, wMin, wMax), 0.8f);
        using var fused = new CpuSession(m, Options(kind));
        Assert.Equal(kind == FusedKind.DenseKernel ? FusedKernel.Dense : FusedKernel.Sparse, fused.FusedKernel);
        using var generic = new CpuSession(m, new SessionOptions { Layout = SynapseLayout.Sparse, FusedPlasticity = false });
        var rng = new Random(2);
        var x = new float[m.InputCount];
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble() * 2 - 1;
            fused.SetInputs(x);
            generic.SetInputs(x);
            if (t == 150) { fused.Plasticity.LearningRateScale = 0.5f; generic.Plasticity.LearningRateScale = 0.5f; }
            fused.Step();
            generic.Step();
            if (t % 37 == 0)
            {
                // Reads in the middle of the run must see the pending update (and must not disturb the run).
                var a = fused.Weights.ToArray();
                var b = generic.Weights.ToArray();
                for (int k = 0; k < a.Length; k++) Assert.Equal(b[k], a[k], 1e-4f);
            }
        }

        for (int i = 0; i < m.NeuronCount; i++) Assert.Equal(generic.NeuronOutputs[i], fused.NeuronOutputs[i], 1e-4f);
        var hf = fused.Snapshot().Floats["plasticity.plastic.H"];
        var hg = generic.Snapshot().Floats["plasticity.plastic.H"];
        for (int k = 0; k < hf.Length; k++) Assert.Equal(hg[k], hf[k], 1e-4f);
        Assert.Equal(generic.Plasticity.Statistics.LearningTicks, fused.Plasticity.Statistics.LearningTicks);
        Assert.Equal(generic.Plasticity.Statistics.TotalAbsDelta, fused.Plasticity.Statistics.TotalAbsDelta, generic.Plasticity.Statistics.TotalAbsDelta * 1e-5);
    }

    [Theory]
    [InlineData(FusedKind.Sparse, false)]
    [InlineData(FusedKind.DenseLayoutSparseKernel, false)]
    [InlineData(FusedKind.DenseKernel, false)]
    [InlineData(FusedKind.Sparse, true)]
    [InlineData(FusedKind.DenseLayoutSparseKernel, true)]
    [InlineData(FusedKind.DenseKernel, true)]
    public void Frozen_fused_learning_keeps_the_learned_weights_and_resumes_like_the_generic_learner(FusedKind kind, bool bounded)
    {
        var net = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 130, Connectivity = 0.2, Seed = 11 });
        var rule = bounded ? new HebbianTraceRule(0.3f, true, -0.3f, 0.35f) : new HebbianTraceRule(0.3f);
        var m = PlasticityTests.WithRuleOnEveryEdge(net, rule, 0.7f);
        using var fused = new CpuSession(m, Options(kind));
        using var generic = new CpuSession(m, new SessionOptions { Layout = SynapseLayout.Sparse, FusedPlasticity = false });
        var rng = new Random(4);
        var x = new float[m.InputCount];
        for (int t = 0; t < 200; t++)
        {
            // learn, freeze (static kernel on the learned weights), learn again, then freeze through the scale
            bool on = t < 60 || (t >= 110 && t < 150);
            fused.Plasticity.Enabled = generic.Plasticity.Enabled = on || t >= 150;
            fused.Plasticity.LearningRateScale = generic.Plasticity.LearningRateScale = t >= 150 ? 0f : 1f;
            for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble() * 2 - 1;
            fused.SetInputs(x);
            generic.SetInputs(x);
            fused.Step();
            generic.Step();
            for (int i = 0; i < m.NeuronCount; i++) Assert.Equal(generic.NeuronOutputs[i], fused.NeuronOutputs[i], 1e-4f);
        }

        var a = fused.Weights.ToArray();
        var b = generic.Weights.ToArray();
        for (int k = 0; k < a.Length; k++) Assert.Equal(b[k], a[k], 1e-4f);
        Assert.Equal(generic.Plasticity.Statistics.LearningTicks, fused.Plasticity.Statistics.LearningTicks);
        Assert.True(generic.Plasticity.Statistics.LearningTicks > 0);
    }

    [Theory]
    [InlineData(FusedKind.Sparse)]
    [InlineData(FusedKind.DenseLayoutSparseKernel)]
    [InlineData(FusedKind.DenseKernel)]
    public void Fused_snapshot_restore_and_checkpoint_continue_identically(FusedKind kind)
    {
        var net = RandomNetwork.Create(new RandomNetworkOptions { Neurons = 120, Connectivity = 0.2, Seed = 5 });
        var m = PlasticityTests.WithRuleOnEveryEdge(net, new HebbianTraceRule(0.2f), 0.5f);
        var layout = Options(kind);
        using var a = new CpuSession(m, layout);
        a.SetInputs(Enumerable.Repeat(0.6f, m.InputCount).ToArray());
        a.Step(40);
        var snap = a.Snapshot();
        a.Step(20);
        using var b = new CpuSession(m, layout);
        b.Restore(snap);
        b.Step(20);
        Assert.Equal(a.NeuronOutputs.ToArray(), b.NeuronOutputs.ToArray());
    }
}

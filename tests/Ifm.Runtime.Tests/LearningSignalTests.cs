using Ifm.Core;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Learning;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

/// <summary>Learning signals bound from the world: expressions, validation against the model's rules, schedules, the watchdog.</summary>
public sealed class LearningSignalTests
{
    private static readonly string[] Channels = ["servo.target", "servo.position", "servo.error", "button.pressed"];

    private static float Eval(string text, params float[] frame)
    {
        var e = SignalExpression.Parse(text, r => Array.IndexOf(Channels, r) is int i and >= 0 ? (i, null) : (0, "unknown"));
        return e.Evaluate(frame);
    }

    [Theory]
    [InlineData("servo.target - servo.position", 0.5f)]
    [InlineData("-servo.error", -0.25f)]
    [InlineData("2 * servo.target - servo.position / 4", 1.875f)]
    [InlineData("-(servo.target - servo.position) * 3", -1.5f)]
    [InlineData("abs(servo.position - servo.target)", 0.5f)]
    [InlineData("min(servo.target, servo.position) + max(1, 2)", 2.5f)]
    [InlineData("clamp(10 * servo.error, -1, 1)", 1f)]
    [InlineData("1e-1 + 2.5E1", 25.1f)]
    [InlineData("- -button.pressed", 1f)]
    public void Expressions_evaluate_with_the_usual_precedence(string text, float expected)
    {
        Assert.Equal(expected, Eval(text, 1f, 0.5f, 0.25f, 1f), 5);
    }

    [Theory]
    [InlineData("servo.nope", "'servo.nope': unknown at column 1")]
    [InlineData("1 + ", "a value is missing at column 5")]
    [InlineData("sqrt(servo.error)", "unknown function 'sqrt'")]
    [InlineData("servo", "neither a number, a function nor a reference")]
    [InlineData("(servo.error", "')' is missing")]
    [InlineData("servo.error servo.target", "unexpected 's' at column 13")]
    [InlineData("", "empty")]
    [InlineData("min(1)", "expected ','")]
    public void Malformed_expressions_are_refused_with_the_column(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => Eval(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_not_a_stack_overflow()
    {
        Assert.Throws<FormatException>(() => Eval(new string('(', 5000) + "1" + new string(')', 5000)));
        Assert.Throws<FormatException>(() => Eval(new string('-', 100) + "1"));
        Assert.Equal(200f, Eval(string.Join(" + ", Enumerable.Repeat("1", 200)))); // long but flat: fine
    }

    /// <summary>out0 = tanh(w·in0) with PES on w (group "pes"), a second, static group, and a neuromodulated model.</summary>
    private static IfmModel Pes(float kappa = 0.1f)
    {
        var b = new ModelBuilder { Name = "pes-test" };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["in0"]);
        int one = b.AddPopulation("one", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int output = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 2, NeuronParameters.ForIfm([0f, 0f]), ["out0", "out1"]);
        b.SetBias(one, 3f);
        int fixedGroup = b.AddEdgeGroup("static");
        b.AddEdge(input, output, 1f, fixedGroup);
        b.AddEdge(input, output + 1, 1f, fixedGroup);
        int pes = b.AddEdgeGroup("pes", new PesRule(kappa, -2f, 2f));
        b.AddEdge(one, output, 0f, pes);
        return b.Build();
    }

    private static int PesEdge(CpuSession s) => Array.IndexOf(s.Model.Group.ToArray(), s.Model.FindEdgeGroup("pes"));

    private static IfmModel Modulated()
    {
        var b = new ModelBuilder { Name = "mod-test" };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["in0"]);
        int output = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["out0"]);
        int g = b.AddEdgeGroup("nm", new NeuromodulatedRule(0.5f, new ModulatorSource(ModulatorKind.External)));
        b.AddEdge(input, output, 0.5f, g);
        return b.Build();
    }

    /// <summary>A built-in sim map's default error binding (errorsOptional) is dropped with a note on a model whose rule takes none.</summary>
    [Fact]
    public void An_optional_error_binding_on_a_model_without_pes_is_a_note_not_a_refusal()
    {
        using var s = new CpuSession(Modulated());
        var c = LearningController.Create(LearningSpec.Parse("""{"errors": {"out0": "1"}}""", "test.json"), s, Channels, "test.json", errorsOptional: true);
        Assert.Contains(c.Notes, n => n.Contains("errors.out0 is not used: no pes edge of the model ends at output 'out0'", StringComparison.Ordinal));
        Assert.False(c.HasSignals);
    }

    private static IfmException Refused(IfmModel model, string json)
    {
        using var s = new CpuSession(model);
        var e = Assert.Throws<IfmException>(() => LearningController.Create(LearningSpec.Parse(json, "test.json"), s, Channels, "test.json"));
        Assert.Equal(IfmErrorCode.Configuration, e.Code);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void Bindings_that_do_not_fit_the_model_are_clear_errors()
    {
        Assert.Contains("test.json: learning.errors.out0: 'servo.nope': 'servo' has no channel 'nope'; its channels: servo.target, servo.position, servo.error",
            Refused(Pes(), """{"errors": {"out0": "servo.nope"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("no sensor channel 'wheel.speed'", Refused(Pes(), """{"errors": {"out0": "wheel.speed"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.modulator: no rule of the model takes an external modulator (its plastic groups: 'pes': pes)",
            Refused(Pes(), """{"modulator": "button.pressed"}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.errors.out1: no pes edge of the model ends at output 'out1'", Refused(Pes(), """{"errors": {"out1": "servo.error"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.errors.out7: the model has no output channel 'out7'; its outputs: out0, out1", Refused(Pes(), """{"errors": {"out7": "1"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.errors.out0: no pes edge", Refused(Modulated(), """{"errors": {"out0": "1"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("the model has no input channel 'in9'; its inputs: in0", Refused(Pes(), """{"errors": {"out0": "input.in9"}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.groups.static: edge group 'static' has no plasticity rule", Refused(Pes(), """{"groups": {"static": {}}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.groups.nope: the model has no edge group 'nope'", Refused(Pes(), """{"groups": {"nope": {}}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.groups.pes.schedule[1]: ticks must increase", Refused(Pes(), """{"groups": {"pes": {"schedule": [[10, 1], [5, 0]]}}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.groups.pes.rateScale: must be finite and ≥ 0", Refused(Pes(), """{"groups": {"pes": {"rateScale": -1}}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.watchdog: needs learning.performance", Refused(Pes(), """{"watchdog": {"floor": 0}}""").Message, StringComparison.Ordinal);
        Assert.Contains("learning.watchdog.floor: required", Refused(Pes(), """{"performance": "1", "watchdog": {}}""").Message, StringComparison.Ordinal);
        Assert.Contains("expected ')', found '}' at column 9", Refused(Pes(), """{"errors": {"out0": "min(1, 2}"}}""").Message, StringComparison.Ordinal);
        var json = Assert.Throws<IfmException>(() => LearningSpec.Parse("""{"error": {}}""", "run.json"));
        Assert.Contains("run.json: ", json.Message, StringComparison.Ordinal);
        Assert.Contains("keys: modulator, errors, performance", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_static_model_gets_its_signals_computed_but_not_fed()
    {
        var b = new ModelBuilder { Name = "static" };
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1, labels: ["in0"]);
        int o = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1, labels: ["out0"]);
        b.AddEdge(i, o, 1f);
        using var s = new CpuSession(b.Build());
        var c = LearningController.Create(LearningSpec.Parse("""{"errors": {"out0": "-servo.error"}, "modulator": "1", "performance": "-abs(servo.error)"}""", "t"), s, Channels);
        Assert.Contains(c.Notes, n => n.Contains("no plastic edges", StringComparison.Ordinal));
        c.Update([0f], [0f], [0f, 0f, -0.5f, 0f]);
        Assert.Equal(0.5f, c.Errors[0]);
        Assert.Equal(-0.5f, c.Performance);
    }

    [Fact]
    public void Bound_errors_and_modulator_reach_the_rules_and_unbound_rules_are_noted()
    {
        using var s = new CpuSession(Pes(kappa: 0.5f));
        var note = LearningController.Create(new LearningSpec(), s);
        Assert.Contains(note.Notes, n => n.Contains("pes edges end at output 'out0' but learning.errors binds no error", StringComparison.Ordinal));
        var c = LearningController.Create(LearningSpec.Parse("""{"errors": {"out0": "servo.position - servo.target"}}""", "t"), s, Channels);
        float before = s.Weights[PesEdge(s)];
        for (int k = 0; k < 5; k++)
        {
            c.Update([0f], [0f, 0f], [1f, 0.5f, 0.5f, 0f]); // measured − target = −0.5: w grows
            s.Step();
        }

        Assert.Equal(-0.5f, c.Errors[0]);
        Assert.True(s.Weights[PesEdge(s)] > before + 0.5f, $"w {before} → {s.Weights[PesEdge(s)]}");

        using var m = new CpuSession(Modulated());
        var mc = LearningController.Create(LearningSpec.Parse("""{"modulator": "2 * button.pressed"}""", "t"), m, Channels);
        Assert.Empty(mc.Notes);
        var silent = LearningController.Create(new LearningSpec(), m, Channels);
        Assert.Contains(silent.Notes, n => n.Contains("M(t) stays 0", StringComparison.Ordinal));
        mc.Update([1f], [0f], [0f, 0f, 0f, 1f]);
        Assert.Equal(2f, mc.Modulator);
    }

    [Fact]
    public void A_non_finite_signal_feeds_zero_and_is_counted()
    {
        using var s = new CpuSession(Pes());
        var c = LearningController.Create(LearningSpec.Parse("""{"errors": {"out0": "1 / servo.error"}, "performance": "servo.error"}""", "t"), s, Channels);
        float w = s.Weights[PesEdge(s)];
        c.Update([0f], [0f, 0f], [0f, 0f, 0f, 0f]);
        s.Step();
        Assert.Equal(0f, c.Errors[0]);
        Assert.Equal(1, c.NonFiniteSignals);
        Assert.Equal(w, s.Weights[PesEdge(s)]);
    }

    [Fact]
    public void Group_schedules_interpolate_the_rate_scale_by_tick_and_group_scales_change_learning()
    {
        using var s = new CpuSession(Pes());
        var c = LearningController.Create(LearningSpec.Parse("""{"groups": {"pes": {"rateScale": 2, "schedule": [[10, 1], [20, 0]]}}}""", "t"), s);
        int g = s.Plasticity.FindGroup("pes");
        Assert.Equal(2f, s.Plasticity.GetGroupRateScale(g));
        var expected = new Dictionary<long, float> { [0] = 2f, [10] = 2f, [15] = 1f, [19] = 0.2f, [20] = 0f, [40] = 0f };
        for (long t = 0; t <= 40; t++)
        {
            c.Update([0f], [0f, 0f], []);
            if (expected.TryGetValue(t, out float e)) Assert.Equal(e, s.Plasticity.GetGroupRateScale(g), 5);
            s.Step();
        }

        // Per-group scale: a group at 0 learns nothing, at 2 twice as fast as at 1 (PES Δw is linear in κ).
        float Delta(float scale)
        {
            using var x = new CpuSession(Pes());
            x.Plasticity.SetGroupRateScale(x.Plasticity.FindGroup("pes"), scale);
            x.Plasticity.SetErrors([0.1f, 0f]);
            x.Step();
            x.Step();
            return x.Weights[PesEdge(x)];
        }

        Assert.Equal(0f, Delta(0f));
        Assert.Equal(2 * Delta(1f), Delta(2f), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Plasticity.SetGroupRateScale(g, float.NaN));
    }

    [Fact]
    public void The_watchdog_rolls_back_bit_for_bit_and_freezes_when_performance_falls()
    {
        using var s = new CpuSession(Pes(kappa: 0.5f));
        var c = LearningController.Create(LearningSpec.Parse(
            """{"errors": {"out0": "servo.error"}, "performance": "-abs(servo.error)", "watchdog": {"floor": -0.5, "window": 4, "snapshotEvery": 4}}""", "t"), s, Channels);
        float[] good = [0f, 0f, 0.1f, 0f];
        for (int k = 0; k < 12; k++)
        {
            c.Update([0f], [0f, 0f], good);
            s.Step();
        }

        var snapshot = c.Watchdog!.LastGood;
        float[] snapshotWeights = [.. snapshot.Floats["weight"]];
        Assert.Equal(0, c.Rollbacks);
        float[] bad = [0f, 0f, 5f, 0f];
        int steps = 0;
        float[] beforeRollback = [];
        while (steps < 20)
        {
            beforeRollback = [.. s.Weights];
            c.Update([0f], [0f, 0f], bad);
            if (c.Rollbacks > 0) break;
            s.Step();
            steps++;
        }

        Assert.Equal(1, c.Rollbacks);
        Assert.True(c.Frozen);
        Assert.False(s.Plasticity.Enabled);
        Assert.True(steps <= 4, $"{steps} bad periods before the rollback (window 4)");
        Assert.NotEqual(snapshotWeights, beforeRollback); // learning had moved the weights: the next assert is not vacuous
        Assert.Equal(snapshotWeights, s.Weights.ToArray());
        Assert.Equal(snapshot.Tick, s.Tick);
        for (int k = 0; k < 5; k++)
        {
            c.Update([0f], [0f, 0f], bad);
            s.Step();
        }

        Assert.Equal(snapshotWeights, s.Weights.ToArray()); // frozen: nothing learned after the rollback
        Assert.Equal(1, c.Rollbacks);
        Assert.Contains("fell below the floor", c.Watchdog.LastMessage, StringComparison.Ordinal);
    }
}

using Ifm.Runtime.Engine.Kernels;

namespace Ifm.Runtime.Model.Neurons;

/// <summary>
/// The NIR kinds (neuromorphs/NIR, parameters with NIR's meaning, seconds), discretised with forward Euler at the
/// model's dt, in the update order Norse uses for LIF: I = (Σw·y + b) + x;
/// LIF v ← v + (dt/τ)·((v_leak − v) + R·I). Spiking kinds: a spike (y = 1) when v &gt; v_threshold, then
/// v ← v_reset (or v − v_threshold) and the neuron rests for the refractory ticks (v held at v_reset, y = 0).
/// Current-based kinds first update the synaptic current i ← i + (dt/τ_syn)·(w_in·I − i) and drive the membrane with
/// the new i (so a same-tick input reaches v in the same tick).
/// Each kind also gives its derivative (<see cref="NeuronModel.Backward"/>); spikes are differentiated through the
/// fast-sigmoid surrogate <see cref="NeuronModel.SurrogateDerivative"/>.
/// </summary>
internal abstract class NirNeuron(NirKind kind) : NeuronModel
{
    protected static readonly NeuronParameterSpec TauSpec = new("tau", 0.02f, true, "membrane time constant (s)");
    protected static readonly NeuronParameterSpec ThresholdSpec = new("v_threshold", 1f, false, "firing threshold");
    protected static readonly NeuronParameterSpec ResetSpec = new("v_reset", 0f, false, "membrane after a spike");
    protected static readonly NeuronParameterSpec LeakSpec = new("v_leak", 0f, false, "resting potential");
    protected static readonly NeuronParameterSpec ResistanceSpec = new("resistance", 1f, false, "input resistance R");
    protected static readonly NeuronParameterSpec TauSynSpec = new("tau_syn", 0.005f, true, "synaptic time constant (s)");
    protected static readonly NeuronParameterSpec WInSpec = new("w_in", 1f, false, "input weight of the synaptic current");

    /// <summary>Kinds added after format version 2 need version 3.</summary>
    public override int FormatVersion => Kind == NeuronKind.Lif ? 1 : 3;

    public sealed override NeuronKind Kind => kind.Kind;

    public sealed override string Name => kind.Name;

    public sealed override string Equation => kind.Equation;

    public sealed override int StateCount => kind.StateCount;

    public sealed override IReadOnlyList<NeuronParameterSpec> ParameterSpecs => kind.Parameters;

    private int Code => kind.Code;

    private string KernelName => kind.KernelName;

    internal override IEnumerable<(string Name, int Code)> KernelCodes => [(KernelName, Code)];

    public override NeuronCell Pack(NeuronParameters p, int j, NeuronRole role, float dt)
    {
        var c = new NeuronCell
        {
            Code = Code,
            Mode = p.ResetMode == LifResetMode.SubtractThreshold ? 1 : 0,
            RefractoryTicks = Spiking ? p.RefractoryTicks : 0,
            P0 = p.Tau.Length > 0 ? dt / p.Tau[j] : dt,
            P4 = p.Resistance[j],
        };
        if (p.VThreshold.Length > 0) c.P1 = p.VThreshold[j];
        if (p.VReset.Length > 0) c.P2 = p.VReset[j];
        if (p.VLeak.Length > 0) c.P3 = p.VLeak[j];
        if (p.TauSyn.Length > 0) c.P5 = dt / p.TauSyn[j];
        if (p.WIn.Length > 0) c.P6 = p.WIn[j];
        return c;
    }

    /// <summary>A refractory tick: the membrane is held at v_reset and the neuron cannot spike. False when not resting.</summary>
    protected static bool Resting(in NeuronCell c, ref NeuronVars v, out float pre)
    {
        if (v.Refractory <= 0)
        {
            pre = 0f;
            return false;
        }

        v.Refractory--;
        v.S0 = c.P2;
        pre = c.P2;
        return true;
    }

    /// <summary>
    /// Spike test and reset on the integrated membrane <paramref name="vi"/>; returns y. <paramref name="smooth"/>: the
    /// surrogate's smooth spike and the matching soft reset (<see cref="NeuronModel.StepSmooth"/>).
    /// </summary>
    protected static float Fire(in NeuronCell c, float vi, ref NeuronVars v, bool smooth)
    {
        if (smooth)
        {
            float y = SmoothSpike(vi - c.P1);
            v.S0 = c.Mode == 1 ? vi - y * c.P1 : (1f - y) * vi + y * c.P2;
            return y;
        }

        if (vi > c.P1)
        {
            v.S0 = c.Mode == 1 ? vi - c.P1 : c.P2;
            v.Refractory = c.RefractoryTicks;
            return 1f;
        }

        v.S0 = vi;
        return 0f;
    }

    /// <summary>
    /// ∂L/∂v of the integrated membrane through <see cref="Fire"/>: the reset's dependence on v and the spike's
    /// surrogate derivative (<paramref name="gs0"/> = ∂L/∂S0(t)).
    /// </summary>
    protected static double FireBackward(in NeuronCell c, in NeuronTape r, double gy, double gs0)
    {
        double v = r.Pre, y = r.Y;
        double gv, gyt;
        if (c.Mode == 1)
        {
            gv = gs0;
            gyt = gy - gs0 * c.P1;
        }
        else
        {
            gv = gs0 * (1 - y);
            gyt = gy + gs0 * (c.P2 - v);
        }

        return gv + gyt * SurrogateDerivative(v - c.P1);
    }

    /// <summary>Backward of <see cref="Current"/>: ∂L/∂i(t) = <paramref name="gi"/> to ∂L/∂i(t − 1) in gs1; returns ∂L/∂I.</summary>
    protected static double CurrentBackward(in NeuronCell c, double gi, out double gs1)
    {
        double ks = c.P5;
        gs1 = gi * (1 - ks);
        return gi * ks * c.P6;
    }

    /// <summary>i ← i + (dt/τ_syn)·(w_in·I − i).</summary>
    protected static float Current(in NeuronCell c, float current, ref NeuronVars v)
    {
        float i = v.S1 + c.P5 * (c.P6 * current - v.S1);
        v.S1 = i;
        return i;
    }

    /// <summary>The current the membrane integrates: I, or for the CUBA kinds the synaptic current's update.</summary>
    protected float Input(in NeuronCell c, float current, ref NeuronVars v) => kind.StateCount > 1 ? Current(c, current, ref v) : current;

    /// <summary>The integrated membrane: v + (dt/τ)·((v_leak − v) + R·I) with a leak, v + dt·R·I without.</summary>
    protected float Membrane(in NeuronCell c, float v, float current) => kind.Leaky ? v + c.P0 * ((c.P3 - v) + c.P4 * current) : v + c.P0 * (c.P4 * current);

    /// <summary>∂v(t)/∂v(t − 1) of <see cref="Membrane"/>: 1 − dt/τ with a leak, 1 without.</summary>
    protected double Retained(in NeuronCell c) => kind.Leaky ? 1 - (double)c.P0 : 1;

    /// <summary>∂L/∂v(t − 1) into <paramref name="gs0"/>; returns ∂L/∂(membrane input).</summary>
    protected abstract double MembraneBackward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0);

    /// <summary>The membrane's derivative, then (the CUBA kinds) the synaptic current's; no gain.</summary>
    public sealed override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        double g = MembraneBackward(c, r, gy, ref gs0);
        if (StateCount == 1)
        {
            gs1 = 0;
            return g;
        }

        return CurrentBackward(c, gs1 + g, out gs1);
    }
}

/// <summary>The non-spiking kinds (LI, integrator, CUBA-LI): the output is the membrane.</summary>
internal abstract class IntegratingNeuron(NirKind kind) : NirNeuron(kind)
{
    public sealed override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float current = Input(c, (syn + bias) + x, ref v);
        float vi = Membrane(c, v.S0, current);
        v.S0 = vi;
        pre = vi;
        return vi;
    }

    protected sealed override double MembraneBackward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0)
    {
        double gv = gy + gs0;
        gs0 = gv * Retained(c);
        return gv * c.P0 * c.P4;
    }
}

/// <summary>
/// The spiking kinds (LIF, CUBA-LIF, IF): input current, refractory rest, membrane update, spike and reset, in that
/// order, and their derivative. A kind gives its membrane update and, with a synaptic current, its input.
/// </summary>
internal abstract class FiringNeuron(NirKind kind) : NirNeuron(kind)
{
    public sealed override bool Spiking => true;

    public sealed override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: false);

    public sealed override float StepSmooth(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: true);

    private float Update(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre, bool smooth)
    {
        float current = Input(c, (syn + bias) + x, ref v);
        if (!smooth && Resting(c, ref v, out pre)) return 0f;

        float vi = Membrane(c, v.S0, current);
        pre = vi;
        return Fire(c, vi, ref v, smooth);
    }

    /// <summary>
    /// Backward of the membrane and the spike (the membrane's input gain is dt/τ·R for every kind; the synaptic
    /// current runs while resting). A resting neuron passes nothing back to the membrane.
    /// </summary>
    protected sealed override double MembraneBackward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0)
    {
        if (r.Resting)
        {
            gs0 = 0;
            return 0;
        }

        double gv = FireBackward(c, r, gy, gs0);
        gs0 = gv * Retained(c);
        return gv * c.P0 * c.P4;
    }
}

/// <summary>Leaky integrate-and-fire: v ← v + (dt/τ)·((v_leak − v) + R·I), spike and reset.</summary>
internal sealed class LifNeuron() : FiringNeuron(new(NeuronKind.Lif, "lif", 3, "LIF", [TauSpec, ThresholdSpec, ResetSpec, LeakSpec, ResistanceSpec], Leaky: true)
{
    Equation = "v ← v + dt/τ·((v_leak − v) + R·I); spike when v > v_threshold, then reset",
})
{
    internal override void UpdateCpu(in NeuronBlock b) =>
        LifNeurons.Update(b.Syn, b.Bias, b.X, b.K, b.Population.Parameters, b.State, b.Y, b.Refractory);
}

/// <summary>Current-based LIF: i ← i + (dt/τ_syn)·(w_in·I − i); v ← v + (dt/τ)·((v_leak − v) + R·i); spike and reset.</summary>
internal sealed class CubaLifNeuron() : FiringNeuron(new(NeuronKind.CubaLif, "cuba_lif", 4, "CUBA_LIF", [TauSpec, TauSynSpec, ThresholdSpec, ResetSpec, LeakSpec, ResistanceSpec, WInSpec], Leaky: true, StateCount: 2)
{
    Equation = "i ← i + dt/τ_syn·(w_in·I − i); v ← v + dt/τ·((v_leak − v) + R·i); spike when v > v_threshold, then reset",
});

/// <summary>Leaky integrator: v ← v + (dt/τ)·((v_leak − v) + R·I); y = v.</summary>
internal sealed class LiNeuron() : IntegratingNeuron(new(NeuronKind.Li, "li", 5, "LI", [TauSpec, LeakSpec, ResistanceSpec], Leaky: true)
{
    Equation = "v ← v + dt/τ·((v_leak − v) + R·I); y = v",
});

/// <summary>Integrate-and-fire: v ← v + dt·R·I; spike and reset.</summary>
internal sealed class IfNeuron() : FiringNeuron(new(NeuronKind.If, "if", 6, "IF", [ThresholdSpec, ResetSpec, ResistanceSpec], Leaky: false)
{
    Equation = "v ← v + dt·R·I; spike when v > v_threshold, then reset",
});

/// <summary>Integrator: v ← v + dt·R·I; y = v.</summary>
internal sealed class IntegratorNeuron() : IntegratingNeuron(new(NeuronKind.Integrator, "integrator", 7, "INTEGRATOR", [ResistanceSpec], Leaky: false)
{
    Equation = "v ← v + dt·R·I; y = v",
});

/// <summary>Current-based leaky integrator: i ← i + (dt/τ_syn)·(w_in·I − i); v ← v + (dt/τ)·((v_leak − v) + R·i); y = v.</summary>
internal sealed class CubaLiNeuron() : IntegratingNeuron(new(NeuronKind.CubaLi, "cuba_li", 8, "CUBA_LI", [TauSpec, TauSynSpec, LeakSpec, ResistanceSpec, WInSpec], Leaky: true, StateCount: 2)
{
    Equation = "i ← i + dt/τ_syn·(w_in·I − i); v ← v + dt/τ·((v_leak − v) + R·i); y = v",
});

/// <summary>
/// What a NIR kind is: its kind, name, kernel code and name, parameters, whether its membrane leaks towards v_leak,
/// its state count (2: a synaptic current) and its equation.
/// </summary>
internal sealed record NirKind(NeuronKind Kind, string Name, int Code, string KernelName, IReadOnlyList<NeuronParameterSpec> Parameters, bool Leaky, int StateCount = 1)
{
    public required string Equation { get; init; }
}

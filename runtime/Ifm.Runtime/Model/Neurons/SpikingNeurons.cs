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
internal abstract class NirNeuron : NeuronModel
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

    protected abstract int Code { get; }

    protected abstract string KernelName { get; }

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
}

/// <summary>Leaky integrate-and-fire: v ← v + (dt/τ)·((v_leak − v) + R·I), spike and reset.</summary>
internal sealed class LifNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.Lif;

    public override string Name => "lif";

    public override string Equation => "v ← v + dt/τ·((v_leak − v) + R·I); spike when v > v_threshold, then reset";

    public override bool Spiking => true;

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [TauSpec, ThresholdSpec, ResetSpec, LeakSpec, ResistanceSpec];

    protected override int Code => 3;

    protected override string KernelName => "LIF";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: false);

    public override float StepSmooth(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: true);

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        gs1 = 0;
        if (r.Resting)
        {
            gs0 = 0;
            return 0;
        }

        double gv = FireBackward(c, r, gy, gs0);
        double k = c.P0;
        gs0 = gv * (1 - k);
        return gv * k * c.P4;
    }

    private static float Update(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre, bool smooth)
    {
        if (!smooth && Resting(c, ref v, out pre)) return 0f;

        float current = (syn + bias) + x;
        float vi = v.S0 + c.P0 * ((c.P3 - v.S0) + c.P4 * current);
        pre = vi;
        return Fire(c, vi, ref v, smooth);
    }

    internal override void UpdateCpu(in NeuronBlock b) =>
        LifNeurons.Update(b.Syn, b.Bias, b.X, b.K, b.Population.Parameters, b.State, b.Y, b.Refractory);
}

/// <summary>Current-based LIF: i ← i + (dt/τ_syn)·(w_in·I − i); v ← v + (dt/τ)·((v_leak − v) + R·i); spike and reset.</summary>
internal sealed class CubaLifNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.CubaLif;

    public override string Name => "cuba_lif";

    public override string Equation => "i ← i + dt/τ_syn·(w_in·I − i); v ← v + dt/τ·((v_leak − v) + R·i); spike when v > v_threshold, then reset";

    public override int StateCount => 2;

    public override bool Spiking => true;

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [TauSpec, TauSynSpec, ThresholdSpec, ResetSpec, LeakSpec, ResistanceSpec, WInSpec];

    protected override int Code => 4;

    protected override string KernelName => "CUBA_LIF";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: false);

    public override float StepSmooth(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: true);

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        double gi = gs1;
        if (r.Resting)
        {
            gs0 = 0;
        }
        else
        {
            double gv = FireBackward(c, r, gy, gs0);
            double k = c.P0;
            gs0 = gv * (1 - k);
            gi += gv * k * c.P4;
        }

        return CurrentBackward(c, gi, out gs1);
    }

    private static float Update(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre, bool smooth)
    {
        float i = Current(c, (syn + bias) + x, ref v);
        if (!smooth && Resting(c, ref v, out pre)) return 0f;

        float vi = v.S0 + c.P0 * ((c.P3 - v.S0) + c.P4 * i);
        pre = vi;
        return Fire(c, vi, ref v, smooth);
    }
}

/// <summary>Leaky integrator: v ← v + (dt/τ)·((v_leak − v) + R·I); y = v.</summary>
internal sealed class LiNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.Li;

    public override string Name => "li";

    public override string Equation => "v ← v + dt/τ·((v_leak − v) + R·I); y = v";

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [TauSpec, LeakSpec, ResistanceSpec];

    protected override int Code => 5;

    protected override string KernelName => "LI";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float current = (syn + bias) + x;
        float vi = v.S0 + c.P0 * ((c.P3 - v.S0) + c.P4 * current);
        v.S0 = vi;
        pre = vi;
        return vi;
    }

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        gs1 = 0;
        double gv = gy + gs0;
        double k = c.P0;
        gs0 = gv * (1 - k);
        return gv * k * c.P4;
    }
}

/// <summary>Integrate-and-fire: v ← v + dt·R·I; spike and reset.</summary>
internal sealed class IfNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.If;

    public override string Name => "if";

    public override string Equation => "v ← v + dt·R·I; spike when v > v_threshold, then reset";

    public override bool Spiking => true;

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [ThresholdSpec, ResetSpec, ResistanceSpec];

    protected override int Code => 6;

    protected override string KernelName => "IF";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: false);

    public override float StepSmooth(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Update(c, syn, bias, x, ref v, out pre, smooth: true);

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        gs1 = 0;
        if (r.Resting)
        {
            gs0 = 0;
            return 0;
        }

        double gv = FireBackward(c, r, gy, gs0);
        gs0 = gv;
        return gv * c.P0 * c.P4;
    }

    private static float Update(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre, bool smooth)
    {
        if (!smooth && Resting(c, ref v, out pre)) return 0f;

        float current = (syn + bias) + x;
        float vi = v.S0 + c.P0 * (c.P4 * current);
        pre = vi;
        return Fire(c, vi, ref v, smooth);
    }
}

/// <summary>Integrator: v ← v + dt·R·I; y = v.</summary>
internal sealed class IntegratorNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.Integrator;

    public override string Name => "integrator";

    public override string Equation => "v ← v + dt·R·I; y = v";

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [ResistanceSpec];

    protected override int Code => 7;

    protected override string KernelName => "INTEGRATOR";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float current = (syn + bias) + x;
        float vi = v.S0 + c.P0 * (c.P4 * current);
        v.S0 = vi;
        pre = vi;
        return vi;
    }

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        gs1 = 0;
        double gv = gy + gs0;
        gs0 = gv;
        return gv * c.P0 * c.P4;
    }
}

/// <summary>Current-based leaky integrator: i ← i + (dt/τ_syn)·(w_in·I − i); v ← v + (dt/τ)·((v_leak − v) + R·i); y = v.</summary>
internal sealed class CubaLiNeuron : NirNeuron
{
    public override NeuronKind Kind => NeuronKind.CubaLi;

    public override string Name => "cuba_li";

    public override string Equation => "i ← i + dt/τ_syn·(w_in·I − i); v ← v + dt/τ·((v_leak − v) + R·i); y = v";

    public override int StateCount => 2;

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [TauSpec, TauSynSpec, LeakSpec, ResistanceSpec, WInSpec];

    protected override int Code => 8;

    protected override string KernelName => "CUBA_LI";

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float i = Current(c, (syn + bias) + x, ref v);
        float vi = v.S0 + c.P0 * ((c.P3 - v.S0) + c.P4 * i);
        v.S0 = vi;
        pre = vi;
        return vi;
    }

    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        gGain = 0;
        double gv = gy + gs0;
        double k = c.P0;
        gs0 = gv * (1 - k);
        return CurrentBackward(c, gs1 + gv * k * c.P4, out gs1);
    }
}

using System.Globalization;
using Ifm.Runtime.Engine.Kernels;

namespace Ifm.Runtime.Model;

/// <summary>
/// The one definition of a neuron kind: its .ifm name, how many state variables a neuron keeps, its per-neuron
/// parameters, and its scalar reference update <see cref="Step"/>. Everything else derives from it: the .ifm reader and
/// writer and the model validation read <see cref="ParameterSpecs"/>; the per-neuron constants every backend uses come
/// from <see cref="Pack"/>; the trainer's forward pass calls <see cref="Step"/>; the CPU engine runs <see cref="Step"/>
/// unless the kind supplies a vectorised kernel; the OpenCL kernel (Kernels/tick.cl) implements the same operations
/// under the kernel code names of <see cref="KernelCodes"/>. The parity tests run every kind on every backend against
/// <see cref="Step"/>.
/// </summary>
/// <remarks>
/// Adding a kind: a <see cref="NeuronKind"/> value, a subclass listed in <see cref="NeuronModels"/>, its branch in
/// tick.cl (and a vectorised CPU kernel if the scalar loop is too slow), and its tests.
/// </remarks>
public abstract class NeuronModel
{
    public abstract NeuronKind Kind { get; }

    /// <summary>Name in the .ifm graph ("ifm", "leaky", "lif", "cuba_lif", …) and on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>The update in one line (documentation, <c>ifm inspect</c>).</summary>
    public abstract string Equation { get; }

    /// <summary>State variables per neuron: 1 (s or v) or 2 (v and the synaptic current i).</summary>
    public virtual int StateCount => 1;

    /// <summary>The per-neuron parameter arrays, in .ifm tensor order.</summary>
    public abstract IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; }

    /// <summary>True when the population has an output function (the "activation" option).</summary>
    public virtual bool HasActivation => false;

    /// <summary>True for spiking kinds: outputs are 0/1; the "reset" and "refractory_ticks" options apply.</summary>
    public virtual bool Spiking => false;

    /// <summary>The oldest .ifm format version that can hold this kind (readers before it refuse the file).</summary>
    public virtual int FormatVersion => 1;

    /// <summary>Kernel code names and values (tick.cl's KIND_* constants; the CPU and the trainer use the values).</summary>
    internal abstract IEnumerable<(string Name, int Code)> KernelCodes { get; }

    /// <summary>Checks relations between parameters of neuron <paramref name="i"/>; returns an error or null.</summary>
    public virtual string? Validate(NeuronParameters p, int i) =>
        Spiking && p.VReset[i] >= p.VThreshold[i] ? $"neuron {i}: v_reset ({F(p.VReset[i])}) must be below v_threshold ({F(p.VThreshold[i])})" : null;

    /// <summary>The constants of neuron <paramref name="j"/> of a population (kernel code, options, derived coefficients).</summary>
    public abstract NeuronCell Pack(NeuronParameters p, int j, NeuronRole role, float dt);

    /// <summary>
    /// The reference update of one neuron for one tick, in float32, with the exact operation order every backend uses.
    /// </summary>
    /// <param name="c">The neuron's constants (<see cref="Pack"/>).</param>
    /// <param name="syn">Σ_j w_ij·y_j over the neuron's incoming edges.</param>
    /// <param name="bias">b_i.</param>
    /// <param name="x">External input (zero except for input neurons).</param>
    /// <param name="v">State variables and refractory counter, updated in place.</param>
    /// <param name="pre">The value the output was derived from (u, s, or the membrane before reset), for gradients.</param>
    /// <returns>The neuron's output y.</returns>
    public abstract float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre);

    /// <summary>
    /// The update the trainer's gradient checks run forward: <see cref="Step"/>, except that spiking kinds replace the
    /// spike by the surrogate's smooth function <c>y = ½ + ½·β·d/(1 + β|d|)</c>, d = v − v_threshold, and do not rest
    /// (so <see cref="Backward"/> is the exact derivative). Rate kinds: <see cref="Step"/>.
    /// </summary>
    public virtual float StepSmooth(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre) =>
        Step(c, syn, bias, x, ref v, out pre);

    /// <summary>
    /// The derivative of one tick of <see cref="Step"/> (spiking kinds: the spike's surrogate derivative
    /// <see cref="SurrogateDerivative"/>; exact for <see cref="StepSmooth"/>), in double: the trainer's backward pass.
    /// </summary>
    /// <param name="c">The neuron's constants, as the forward pass used them.</param>
    /// <param name="r">What the forward pass recorded of this tick.</param>
    /// <param name="gy">∂L/∂y(t).</param>
    /// <param name="gs0">On entry ∂L/∂S0(t), on return ∂L/∂S0(t − 1).</param>
    /// <param name="gs1">On entry ∂L/∂S1(t), on return ∂L/∂S1(t − 1) (kinds with one state variable: 0).</param>
    /// <param name="gGain">∂L/∂P0 where the trainer learns it (<see cref="LearnsGain"/>), else 0.</param>
    /// <returns>∂L/∂I, the gradient of the tick's input current I = (Σw·y + b) + x (syn, bias and x share it).</returns>
    public abstract double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain);

    /// <summary>True when slot P0 of the constants holds a per-neuron gain the trainer keeps in θ (the IFM gain a).</summary>
    public virtual bool HasGain => false;

    /// <summary>True when the trainer learns the gain of a neuron in this role (<see cref="HasGain"/>).</summary>
    public virtual bool LearnsGain(NeuronRole role) => false;

    /// <summary>A population's parameters with its gains (<see cref="HasGain"/>) replaced by <paramref name="gains"/>.</summary>
    public virtual NeuronParameters WithGains(NeuronParameters p, float[] gains) => p;

    /// <summary>Sharpness β of the spike surrogate (per unit of membrane potential).</summary>
    public const float SurrogateBeta = 5f;

    /// <summary>The fast-sigmoid surrogate of the spike's derivative: ∂y/∂v = ½β/(1 + β|v − v_th|)².</summary>
    public static double SurrogateDerivative(double d)
    {
        double q = 1 + SurrogateBeta * Math.Abs(d);
        return 0.5 * SurrogateBeta / (q * q);
    }

    /// <summary>The smooth spike of <see cref="StepSmooth"/>: ½ + ½·β·d/(1 + β|d|).</summary>
    public static float SmoothSpike(float d) => 0.5f + 0.5f * SurrogateBeta * d / (1f + SurrogateBeta * Math.Abs(d));

    /// <summary>
    /// The CPU engine's update of a population: the scalar reference per neuron, unless a kind overrides it with a
    /// vectorised kernel that computes the same values.
    /// </summary>
    internal virtual void UpdateCpu(in NeuronBlock b)
    {
        for (int i = 0; i < b.Y.Length; i++)
        {
            var v = new NeuronVars { S0 = b.State[i], S1 = b.State2[i], Refractory = b.Refractory[i] };
            b.Y[i] = Step(b.Cells[i], b.Syn[i], b.Bias[i], b.X[i], ref v, out _);
            b.State[i] = v.S0;
            b.State2[i] = v.S1;
            b.Refractory[i] = v.Refractory;
        }
    }

    public override string ToString() => Name;

    protected static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One per-neuron parameter of a kind: its .ifm name, its default value, and whether it must be positive.</summary>
public readonly record struct NeuronParameterSpec(string Name, float Default, bool Positive, string Meaning);

/// <summary>
/// The per-neuron constants of a kind's update, derived once from the parameters (<see cref="NeuronModel.Pack"/>).
/// Slot meaning is shared by all kinds that use it: P0 = dt/τ (or dt for kinds without leak; IFM: a),
/// P1 = v_threshold (leaky: 1 − dt/τ), P2 = v_reset, P3 = v_leak, P4 = R, P5 = dt/τ_syn, P6 = w_in.
/// </summary>
public struct NeuronCell
{
    public const int Slots = 8;

    /// <summary>Kernel code (<see cref="NeuronModel.KernelCodes"/>).</summary>
    public int Code;

    /// <summary>Leaky: activation; spiking: 1 = subtract threshold, 0 = to v_reset.</summary>
    public int Mode;

    public int RefractoryTicks;
    public float P0, P1, P2, P3, P4, P5, P6, P7;

    internal readonly float Slot(int s) => s switch { 0 => P0, 1 => P1, 2 => P2, 3 => P3, 4 => P4, 5 => P5, 6 => P6, _ => P7 };
}

/// <summary>What the trainer's forward pass records of one neuron's tick for <see cref="NeuronModel.Backward"/>.</summary>
/// <param name="Pre">The value the output was derived from (<see cref="NeuronModel.Step"/>'s <c>pre</c>).</param>
/// <param name="Y">The output y(t).</param>
/// <param name="S0">S0(t − 1), the state before the tick.</param>
/// <param name="S1">S1(t − 1), the synaptic current before the tick.</param>
/// <param name="Resting">A spiking neuron spent the tick refractory.</param>
public readonly record struct NeuronTape(float Pre, float Y, float S0, float S1, bool Resting);

/// <summary>A neuron's evolving variables: S0 (s, or the membrane v), S1 (synaptic current i), the refractory counter.</summary>
public struct NeuronVars
{
    public float S0;
    public float S1;
    public int Refractory;
}

/// <summary>One population's slices of the CPU engine's buffers, for <see cref="NeuronModel.UpdateCpu"/>.</summary>
internal readonly ref struct NeuronBlock
{
    public ReadOnlySpan<float> Syn { get; init; }
    public ReadOnlySpan<float> Bias { get; init; }
    public ReadOnlySpan<float> X { get; init; }
    public Span<float> State { get; init; }
    public Span<float> State2 { get; init; }
    public Span<float> Y { get; init; }
    public Span<float> Scratch { get; init; }
    public Span<int> Refractory { get; init; }
    public ReadOnlySpan<NeuronCell> Cells { get; init; }

    /// <summary>dt/τ and 1 − dt/τ per neuron (kinds with a time constant).</summary>
    public ReadOnlySpan<float> K { get; init; }
    public ReadOnlySpan<float> OneMinusK { get; init; }
    public Population Population { get; init; }
}

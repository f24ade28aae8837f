using Ifm.Runtime.Engine.Kernels;

namespace Ifm.Runtime.Model.Neurons;

/// <summary>
/// The paper's state neuron (design brief §1, kind 1), exactly the reference implementation's cell:
/// hidden/output: u = (Σ_j w_ij·y_j + b_i) + tanh(a_i·s_i); input: u = (x_i + b_i) + Σ w·y. Then s = leaky_relu(u, 0.01), y = tanh(u).
/// </summary>
internal sealed class IfmNeuron : NeuronModel
{
    public const int InputCode = 0;
    public const int RecurrentCode = 1;

    public override NeuronKind Kind => NeuronKind.Ifm;

    public override string Name => "ifm";

    public override string Equation => "u = Σw·y + b + tanh(a·s) (input: x + b + Σw·y); s = leaky_relu(u, 0.01); y = tanh(u)";

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [new("a", 0.5f, false, "state gain")];

    internal override IEnumerable<(string Name, int Code)> KernelCodes => [("IFM_INPUT", InputCode), ("IFM", RecurrentCode)];

    public override NeuronCell Pack(NeuronParameters p, int j, NeuronRole role, float dt) =>
        new() { Code = role == NeuronRole.Input ? InputCode : RecurrentCode, P0 = p.A[j] };

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float u = c.Code == InputCode ? (x + bias) + syn : (syn + bias) + MathF.Tanh(c.P0 * v.S0);
        pre = u;
        v.S0 = MathF.Max(u, u * IfmNeurons.LeakySlope);
        return MathF.Tanh(u);
    }

    /// <summary>u = I + tanh(a·s) (input: u = I); s = leaky_relu(u); y = tanh(u).</summary>
    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        double y = r.Y;
        double gu = gy * (1 - y * y) + gs0 * (r.Pre > 0 ? 1 : 0.01);
        gs1 = 0;
        if (c.Code == InputCode)
        {
            gs0 = 0;
            gGain = 0;
            return gu;
        }

        double g = Math.Tanh((double)(c.P0 * r.S0));
        double dc = gu * (1 - g * g);
        gGain = dc * r.S0;
        gs0 = dc * c.P0;
        return gu;
    }

    public override bool HasGain => true;

    public override bool LearnsGain(NeuronRole role) => role != NeuronRole.Input;

    public override NeuronParameters WithGains(NeuronParameters p, float[] gains) => NeuronParameters.ForIfm(gains);

    internal override void UpdateCpu(in NeuronBlock b)
    {
        if (b.Population.Role == NeuronRole.Input) IfmNeurons.UpdateInput(b.Syn, b.Bias, b.X, b.State, b.Y, b.Scratch);
        else IfmNeurons.UpdateRecurrent(b.Syn, b.Bias, b.Population.Parameters.A, b.State, b.Y, b.Scratch);
    }
}

/// <summary>Leaky integrator (continuous-time RNN, Euler): s ← s·(1 − dt/τ) + ((Σw·y + b) + x)·(dt/τ), y = f(s).</summary>
internal sealed class LeakyNeuron : NeuronModel
{
    public const int Code = 2;

    public override NeuronKind Kind => NeuronKind.Leaky;

    public override string Name => "leaky";

    public override string Equation => "s ← s·(1 − dt/τ) + (Σw·y + b + x)·dt/τ; y = f(s)";

    public override IReadOnlyList<NeuronParameterSpec> ParameterSpecs { get; } = [new("tau", 0.02f, true, "time constant (s)")];

    public override bool HasActivation => true;

    internal override IEnumerable<(string Name, int Code)> KernelCodes => [("LEAKY", Code)];

    public override NeuronCell Pack(NeuronParameters p, int j, NeuronRole role, float dt)
    {
        float k = dt / p.Tau[j];
        return new() { Code = Code, Mode = (int)p.Activation, P0 = k, P1 = 1f - k };
    }

    public override float Step(in NeuronCell c, float syn, float bias, float x, ref NeuronVars v, out float pre)
    {
        float s = v.S0 * c.P1 + ((syn + bias) + x) * c.P0;
        v.S0 = s;
        pre = s;
        return (Activation)c.Mode switch
        {
            Activation.Tanh => MathF.Tanh(s),
            Activation.Sigmoid => 1f / (1f + MathF.Exp(-s)),
            Activation.Relu => MathF.Max(s, 0f),
            Activation.Step => s > 0f ? 1f : 0f,
            _ => s,
        };
    }

    /// <summary>s = (1 − k)·s(t−1) + k·I, k = dt/τ; y = f(s).</summary>
    public override double Backward(in NeuronCell c, in NeuronTape r, double gy, ref double gs0, ref double gs1, out double gGain)
    {
        double k = c.P0;
        double y = r.Y;
        double fPrime = (Activation)c.Mode switch
        {
            Activation.Tanh => 1 - y * y,
            Activation.Sigmoid => y * (1 - y),
            Activation.Relu => r.Pre > 0 ? 1 : 0,
            Activation.Step => 0,  // the step's derivative is zero almost everywhere: nothing trains through it
            _ => 1,
        };
        double gst = gs0 + gy * fPrime;
        gs0 = (1 - k) * gst;
        gs1 = 0;
        gGain = 0;
        return k * gst;
    }

    internal override void UpdateCpu(in NeuronBlock b) =>
        LeakyNeurons.Update(b.Syn, b.Bias, b.X, b.K, b.OneMinusK, b.Population.Parameters.Activation, b.State, b.Y, b.Scratch);
}

namespace Ifm.Runtime.Model;

/// <summary>The neuron function ψ_s / φ a population runs (design brief §1).</summary>
public enum NeuronKind
{
    /// <summary>The paper's state neuron: s = leaky_relu(u), y = tanh(u), u = Σw·y + b + tanh(a·s).</summary>
    Ifm,

    /// <summary>Continuous-time rate neuron integrated with Euler steps: s ← (1 − dt/τ)·s + (dt/τ)·I, y = f(s).</summary>
    Leaky,

    /// <summary>Leaky integrate-and-fire spiking neuron (NIR parameter meaning, seconds).</summary>
    Lif,
}

/// <summary>Where a neuron sits in the graph.</summary>
public enum NeuronRole
{
    /// <summary>Receives an external stimulus x(t) from an input channel.</summary>
    Input,

    /// <summary>Internal neuron.</summary>
    Hidden,

    /// <summary>Observable neuron: its output is read by the caller (drives actuators).</summary>
    Output,
}

/// <summary>Output function f of a leaky-integrator population.</summary>
public enum Activation
{
    Tanh,
    Sigmoid,
    Relu,
    Identity,
}

/// <summary>What a LIF neuron's membrane does after a spike.</summary>
public enum LifResetMode
{
    /// <summary>v ← v_reset.</summary>
    ToReset,

    /// <summary>v ← v − v_threshold.</summary>
    SubtractThreshold,
}

namespace Ifm.Runtime.Model;

/// <summary>
/// The neuron function ψ_s / φ a population runs (design brief §1). Each kind is defined once, with its parameters and
/// its scalar reference update, by a <see cref="NeuronModel"/> (<see cref="NeuronModels.Of"/>).
/// </summary>
public enum NeuronKind
{
    /// <summary>The paper's state neuron: s = leaky_relu(u), y = tanh(u), u = Σw·y + b + tanh(a·s).</summary>
    Ifm,

    /// <summary>Continuous-time rate neuron integrated with Euler steps: s ← (1 − dt/τ)·s + (dt/τ)·I, y = f(s).</summary>
    Leaky,

    /// <summary>Leaky integrate-and-fire spiking neuron (NIR parameter meaning, seconds).</summary>
    Lif,

    /// <summary>Current-based LIF (NIR CubaLIF): a synaptic current state feeds the LIF membrane.</summary>
    CubaLif,

    /// <summary>Leaky integrator (NIR LI): the LIF membrane without threshold; the output is the membrane.</summary>
    Li,

    /// <summary>Integrate-and-fire without leak (NIR IF).</summary>
    If,

    /// <summary>Pure integrator (NIR I): dv/dt = R·I; the output is v.</summary>
    Integrator,

    /// <summary>Current-based leaky integrator (NIR CubaLI): synaptic current, then LI membrane; the output is v.</summary>
    CubaLi,
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

    /// <summary>Heaviside step: y = 1 if s &gt; 0, else 0 (NIR's Threshold node, with the threshold as a negative bias).</summary>
    Step,
}

/// <summary>What a spiking neuron's membrane does after a spike.</summary>
public enum LifResetMode
{
    /// <summary>v ← v_reset.</summary>
    ToReset,

    /// <summary>v ← v − v_threshold.</summary>
    SubtractThreshold,
}

/// <summary>When the signal of an edge reaches its post neuron.</summary>
public enum TickTiming
{
    /// <summary>Every edge carries one tick of delay: tick t reads the outputs of tick t − 1 (the paper's network).</summary>
    Synchronous,

    /// <summary>
    /// Populations update in their order within a tick; an edge from an earlier population to a later one delivers the
    /// output of the same tick, every other edge (within a population, or back to an earlier one: the edges that close
    /// a cycle) the output of the previous tick. This is how NIR graphs and the frameworks that export them
    /// (snnTorch, Norse, …) run a feed-forward chain within one time step.
    /// </summary>
    FeedForward,
}

using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// One running instance of a model: neuron states, outputs and (for plastic models) learned weights. Backends
/// (<see cref="CpuSession"/>, the OpenCL backend) implement it; the control loop and the C ABI talk to this.
/// </summary>
/// <remarks>
/// Tick semantics are synchronous: during tick t every neuron reads the outputs all neurons had at the end of
/// tick t − 1, so a signal needs one tick per edge it crosses. Inputs set with <see cref="SetInputs"/> stay in
/// force for every following tick until changed. <see cref="Step"/>, <see cref="SetInputs"/> and
/// <see cref="ReadOutputs"/> allocate no managed memory. A session is not thread-safe: use one thread at a time.
/// </remarks>
public interface INetworkSession : IDisposable
{
    IfmModel Model { get; }

    /// <summary>Online learning controls (allocation-free).</summary>
    Plasticity.IPlasticityControl Plasticity { get; }

    /// <summary>Ticks run since creation or the last <see cref="Reset"/>.</summary>
    long Tick { get; }

    /// <summary>Sets every input channel (length <see cref="IfmModel.InputCount"/>).</summary>
    void SetInputs(ReadOnlySpan<float> values);

    /// <summary>Sets one input channel.</summary>
    void SetInput(int channel, float value);

    /// <summary>Runs <paramref name="ticks"/> synchronous ticks.</summary>
    void Step(int ticks = 1);

    /// <summary>Copies the output channels (length <see cref="IfmModel.OutputCount"/>) after the last tick.</summary>
    void ReadOutputs(Span<float> destination);

    /// <summary>Returns states, outputs, inputs and learned state to their initial values.</summary>
    void Reset();

    /// <summary>Copies the whole session state (allocates; not for the hot path).</summary>
    SessionState Snapshot();

    /// <summary>Restores a state taken from a session of the same model.</summary>
    void Restore(SessionState state);
}

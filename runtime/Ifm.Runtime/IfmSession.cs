using Ifm.Core;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;

namespace Ifm.Runtime;

/// <summary>How <see cref="IfmSession"/> runs a model.</summary>
public sealed record IfmSessionOptions
{
    public static IfmSessionOptions Default { get; } = new();

    /// <summary>A name in <see cref="Backends"/> ("cpu", "opencl" when the OpenCL backend is in the list) or "auto" (measure, keep the fastest).</summary>
    public string Backend { get; init; } = "cpu";

    /// <summary>The backends to choose from: the CPU engine alone unless others are appended, e.g. <c>new BackendList(new OpenClBackend())</c>.</summary>
    public BackendList Backends { get; init; } = BackendList.CpuOnly;

    /// <summary>The CPU engine's weight layout (auto, dense, sparse).</summary>
    public SynapseLayout Layout { get; init; } = SynapseLayout.Auto;

    /// <summary>Run the model's plasticity rules (true) or freeze the learned weights (false).</summary>
    public bool Plasticity { get; init; } = true;
}

/// <summary>
/// The place to start: a model file in, a running session out — load, pick a backend, set inputs, step, read
/// outputs, save and load the learned state. What <c>InferenceSession</c> is to onnxruntime. The CLI, the control
/// loop and the C ABI use the same parts underneath (<see cref="IfmFile"/>, <see cref="BackendList"/>,
/// <see cref="INetworkSession"/>, <see cref="Checkpoint"/>); <see cref="Network"/> gives the session itself.
/// </summary>
/// <remarks>
/// <see cref="SetInputs"/>, <see cref="Step"/> and <see cref="ReadOutputs"/> allocate nothing: call them from a control
/// loop. A session is not thread-safe: one thread at a time. Failures are <see cref="IfmException"/>s whose
/// <see cref="IfmException.Code"/> says what kind (model format, checkpoint, backend, ...).
/// </remarks>
public sealed class IfmSession : IDisposable
{
    private readonly BackendChoice _choice;

    /// <summary>Creates a session of a model already loaded (e.g. with <see cref="IfmFile.Read(string)"/> or built with <see cref="ModelBuilder"/>).</summary>
    public IfmSession(IfmModel model, IfmSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= IfmSessionOptions.Default;
        bool learn = options.Plasticity;
        _choice = options.Backends.Create(model, options.Backend, new SessionOptions { Layout = options.Layout },
            s => s.Plasticity.Enabled = learn);
    }

    /// <summary>Loads a .ifm model file and creates a session of it.</summary>
    /// <exception cref="IfmException">The file is missing or unreadable (<see cref="IfmErrorCode.Io"/>), malformed
    /// (<see cref="IfmErrorCode.ModelFormat"/>), or the backend cannot run here (<see cref="IfmErrorCode.Backend"/>).</exception>
    public static IfmSession Open(string modelPath, IfmSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        IfmModel model;
        try
        {
            model = IfmFile.Read(modelPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IfmException(IfmErrorCode.Io, $"{modelPath}: cannot read the model: {e.Message}", e);
        }

        return new IfmSession(model, options);
    }

    public IfmModel Model => _choice.Session.Model;

    /// <summary>The backend that runs the ticks, e.g. "cpu".</summary>
    public string Backend => _choice.Backend;

    /// <summary>The backend and device in a few words, e.g. "opencl (0:0 NVIDIA Orin)".</summary>
    public string BackendDescription => _choice.Description;

    /// <summary>Why this backend (auto's measurements, or why another was not usable); null when it was simply asked for.</summary>
    public string? BackendReason => _choice.Reason;

    /// <summary>The engine session underneath (what the control loop and the C ABI drive).</summary>
    public INetworkSession Network => _choice.Session;

    /// <summary>Online learning: enable/freeze, per-group switches, learning-rate scale, modulator, errors, the NaN guard.</summary>
    public IPlasticityControl Plasticity => _choice.Session.Plasticity;

    /// <summary>Ticks run since creation or the last <see cref="Reset"/>.</summary>
    public long Tick => _choice.Session.Tick;

    /// <summary>Sets every input channel (<see cref="IfmModel.InputCount"/> values, in the order of <see cref="IfmModel.InputNames"/>); they stay until set again.</summary>
    public void SetInputs(ReadOnlySpan<float> values) => _choice.Session.SetInputs(values);

    /// <summary>Sets one input channel.</summary>
    public void SetInput(int channel, float value) => _choice.Session.SetInput(channel, value);

    /// <summary>Runs <paramref name="ticks"/> synchronous ticks (then the plasticity rules, when learning).</summary>
    public void Step(int ticks = 1) => _choice.Session.Step(ticks);

    /// <summary>Copies the output channels after the last tick (<see cref="IfmModel.OutputCount"/> values).</summary>
    public void ReadOutputs(Span<float> destination) => _choice.Session.ReadOutputs(destination);

    /// <summary>Returns states, outputs, inputs and learned state to their initial values.</summary>
    public void Reset() => _choice.Session.Reset();

    /// <summary>Saves the learned state (states, weights, traces, tick) crash-safe: the old file stays until the new one is complete.</summary>
    public void SaveCheckpoint(string path) => Checkpoint.Save(_choice.Session, path);

    /// <summary>Loads a checkpoint saved from a session of the same model.</summary>
    /// <exception cref="IfmException"><see cref="IfmErrorCode.Checkpoint"/>: torn, corrupt, or of another model (the session is unchanged).</exception>
    public void LoadCheckpoint(string path) => Checkpoint.Load(_choice.Session, path);

    public void Dispose() => _choice.Session.Dispose();
}

using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Model;
using Ifm.Runtime.OpenCL.Interop;
using Ifm.Runtime.OpenCL.Selection;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// Runs one session of a model on an OpenCL device. Weights, neuron states, outputs, refractory counters and
/// plasticity traces stay on the device for the whole session; a tick crosses the bus only with the input vector
/// (when it changed), the output vector (when read) and the learning signals (modulator, errors). The context, queue,
/// program, kernels and buffers are created here, once: <see cref="Step"/> allocates nothing.
/// </summary>
/// <remarks>
/// Tick semantics are the CPU engine's (<see cref="CpuSession"/>): kernel tick computes every neuron from the outputs
/// of the previous tick (under feed-forward timing one launch per population, in file order, reading this tick's
/// outputs of earlier populations along the same-tick edges), then the learning kernels run on y(t−1) and y(t), then the two output buffers swap roles.
/// <see cref="Step"/> returns when the device has finished the ticks. Snapshots use the CPU engine's array names, so
/// checkpoints saved here load into a CPU session and the other way round.
/// </remarks>
public sealed class OpenClSession : INetworkSession
{
    private const int NeuronGroup = 64;

    private readonly IfmModel _model;
    private readonly ClRuntime _rt;
    private readonly ClKernelCall _tick;
    private readonly ClKernelCall _scatterInputs;
    private readonly ClKernelCall _gatherOutputs;
    private readonly DeviceNetwork _net;
    private readonly DeviceBuffer<float> _state;
    private readonly DeviceBuffer<float> _current;
    private readonly bool _hasCurrent;
    private readonly DeviceBuffer<int> _refractory;
    private readonly DeviceBuffer<float> _inputs;
    private readonly DeviceBuffer<int> _inputIndex;
    private readonly DeviceBuffer<float> _outputs;
    private readonly DeviceBuffer<int> _outputIndex;
    private readonly OpenClPlasticity _plasticity;
    private readonly (int First, int End)[]? _launches; // feed-forward timing: one tick launch per population, in order
    private DeviceBuffer<float> _out;   // y at the end of the last tick
    private DeviceBuffer<float> _next;  // y being computed
    private bool _disposed;

    /// <summary>Creates a session on the device <paramref name="deviceSpec"/> names (see <see cref="OpenClDevices.Find"/>).</summary>
    public OpenClSession(IfmModel model, string? deviceSpec = null) : this(model, OpenClDevices.Find(deviceSpec))
    {
    }

    public OpenClSession(IfmModel model, OpenClDevice device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(device);
        _model = model;
        _rt = new ClRuntime(device);
        try
        {
            int n = model.NeuronCount;
            var cells = NeuronTable.Build(model);
            _hasCurrent = NeuronTable.HasCurrent(model);
            var kind = new int[n];
            var mode = new int[n];
            var refractoryTicks = new int[n];
            var coefficients = new float[n * NeuronCell.Slots];
            for (int i = 0; i < n; i++)
            {
                kind[i] = cells[i].Code;
                mode[i] = cells[i].Mode;
                refractoryTicks[i] = cells[i].RefractoryTicks;
                for (int s = 0; s < NeuronCell.Slots; s++) coefficients[i * NeuronCell.Slots + s] = cells[i].Slot(s);
            }

            _net = new DeviceNetwork
            {
                Pre = _rt.Buffer<int>(model.Pre),
                Post = _rt.Buffer<int>(model.Post),
                W0 = _rt.Buffer<float>(model.Weight),
                Alpha = _rt.Buffer<float>(model.Alpha),
                W = _rt.Buffer<float>(model.Weight),
                External = _rt.Buffer<float>(n),
                ErrorOfNeuron = _rt.Buffer<float>(n),
                Fault = _rt.Buffer<int>(4),
            };
            var rowStart = _rt.Buffer<int>(model.RowStart);
            var bias = _rt.Buffer<float>(model.Bias);
            _state = _rt.Buffer<float>(n);
            _current = _rt.Buffer<float>(n);
            _refractory = _rt.Buffer<int>(n);
            _out = _rt.Buffer<float>(n);
            _next = _rt.Buffer<float>(n);
            _inputs = _rt.Buffer<float>(model.InputCount);
            _inputIndex = _rt.Buffer<int>(model.InputNeurons);
            _outputs = _rt.Buffer<float>(model.OutputCount);
            _outputIndex = _rt.Buffer<int>(model.OutputNeurons);

            _tick = _rt.Kernel("tick")
                .Arg(0, n).Arg(1, rowStart).Arg(2, _net.Pre).Arg(3, _net.W).Arg(6, bias).Arg(7, _net.External)
                .Arg(8, _rt.Buffer<int>(kind)).Arg(9, _rt.Buffer<int>(mode)).Arg(10, _rt.Buffer<int>(refractoryTicks))
                .Arg(11, _rt.Buffer<float>(coefficients)).Arg(12, _state).Arg(13, _current).Arg(14, _refractory);
            if (model.SameTickEdges is { } same)
            {
                // Feed-forward timing: populations update in file order, each launch after the one before it.
                _launches = [.. model.Populations.Select(p => (p.Start, p.Start + p.Count))];
                _tick.Arg(15, 0).Arg(16, _rt.Buffer<int>([.. same.Select(x => x ? 1 : 0)])).Arg(17, 1);
            }
            else
            {
                _tick.Arg(0, n).Arg(15, 0).Arg(16, _rt.Buffer<int>(1)).Arg(17, 0);
            }

            _scatterInputs = _rt.Kernel("scatter").Arg(0, model.InputCount).Arg(1, _inputs).Arg(2, _inputIndex).Arg(3, _net.External);
            _gatherOutputs = _rt.Kernel("gather").Arg(0, model.OutputCount).Arg(2, _outputIndex).Arg(3, _outputs);
            _plasticity = new OpenClPlasticity(_rt, model, _net, _outputIndex);
            ClearDynamicState();
            _rt.Finish();
        }
        catch
        {
            _rt.Dispose();
            throw;
        }
    }

    public IfmModel Model => _model;

    /// <summary>The device this session runs on.</summary>
    public OpenClDevice Device => _rt.Device;

    public long Tick { get; private set; }

    public IPlasticityControl Plasticity => _plasticity;

    public void SetInputs(ReadOnlySpan<float> values)
    {
        if (values.Length != _model.InputCount) throw new ArgumentException($"got {values.Length} input values, the model has {_model.InputCount} input channels");
        ThrowIfDisposed();
        _inputs.Write(values);
        _scatterInputs.Enqueue(values.Length, NeuronGroup, fixedGroup: false);
    }

    public void SetInput(int channel, float value)
    {
        var inputs = _model.InputNeurons;
        if ((uint)channel >= (uint)inputs.Length) throw new ArgumentOutOfRangeException(nameof(channel), $"input channel {channel} does not exist (the model has {inputs.Length})");
        ThrowIfDisposed();
        _net.External.Write(new ReadOnlySpan<float>(in value), inputs[channel]);
    }

    public void Step(int ticks = 1)
    {
        ThrowIfDisposed();
        int n = _model.NeuronCount;
        for (int t = 0; t < ticks; t++)
        {
            _tick.Arg(4, _out).Arg(5, _next);
            if (_launches is null)
            {
                _tick.Enqueue(n, NeuronGroup, fixedGroup: false);
            }
            else
            {
                foreach (var (first, end) in _launches) _tick.Arg(0, end).Arg(15, first).Enqueue(end - first, NeuronGroup, fixedGroup: false);
            }

            if (_plasticity.Active) _plasticity.Learn(_out, _next, Tick + 1);
            (_out, _next) = (_next, _out);
            Tick++;
        }

        _rt.Finish();
    }

    public void ReadOutputs(Span<float> destination)
    {
        int count = _model.OutputCount;
        if (destination.Length < count) throw new ArgumentException($"output buffer holds {destination.Length} values, the model has {count} output channels");
        ThrowIfDisposed();
        _gatherOutputs.Arg(1, _out).Enqueue(count, NeuronGroup, fixedGroup: false);
        _outputs.Read(destination[..count]);
    }

    /// <summary>Every neuron's output after the last tick (reads the device; allocates).</summary>
    public float[] ReadNeuronOutputs() => _out.ToArray();

    /// <summary>Every neuron's state (s, or the membrane v of spiking and NIR kinds) after the last tick (reads the device; allocates).</summary>
    public float[] ReadNeuronStates() => _state.ToArray();

    /// <summary>The current effective weights in CSR edge order (reads the device; allocates).</summary>
    public float[] ReadWeights() => _net.W.ToArray();

    public void Reset()
    {
        ThrowIfDisposed();
        ClearDynamicState();
        _net.W.Write(_model.Weight);
        _plasticity.Reset();
        _rt.Finish();
        Tick = 0;
    }

    public SessionState Snapshot()
    {
        ThrowIfDisposed();
        var s = SessionState.WithCore(_model, Tick, new(_state.ToArray(), _out.ToArray(), _net.External.ToArray(), _net.W.ToArray(), _refractory.ToArray()));
        if (_hasCurrent) s.Floats[SessionState.CurrentKey] = _current.ToArray();
        _plasticity.Save(s);
        return s;
    }

    public void Restore(SessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ThrowIfDisposed();
        var (st, output, input, weight, refractory) = state.ReadCore(_model);
        _state.Write(st);
        _out.Write(output);
        _net.External.Write(input);
        _net.W.Write(weight);
        _refractory.Write(refractory);
        if (_hasCurrent) _current.Write(state.Float(SessionState.CurrentKey, _model.NeuronCount));
        _plasticity.Load(state);
        _rt.Finish();
        Tick = state.Tick;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _rt.Dispose();
    }

    private void ClearDynamicState()
    {
        _state.Clear();
        _current.Clear();
        _refractory.Clear();
        _out.Clear();
        _next.Clear();
        _inputs.Clear();
        _outputs.Clear();
        _net.External.Clear();
        _net.ErrorOfNeuron.Clear();
        _net.Fault.Clear();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}

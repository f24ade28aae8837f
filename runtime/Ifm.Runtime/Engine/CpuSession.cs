using Ifm.Runtime.Engine.Kernels;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine;

/// <summary>
/// Runs one session of a model on the CPU. <see cref="Step"/> is where a tick happens: the synaptic sum from the
/// previous tick's outputs, then every population's neuron update, then the swap that makes the new outputs the
/// "previous" ones of the next tick. All buffers are allocated here, in the constructor: a tick allocates nothing.
/// </summary>
public sealed class CpuSession : INetworkSession
{
    private readonly IfmModel _model;
    private readonly SynapseMatrix _synapses;
    private readonly PlasticityEngine _plasticity;
    private readonly PopulationSlice[] _slices;
    private readonly float[] _state;      // s (IFM, leaky) or membrane v (spiking and NIR kinds)
    private readonly float[] _current;    // synaptic current i (current-based kinds), zero elsewhere
    private readonly NeuronCell[] _cells; // every neuron's constants (NeuronModel.Pack)
    private readonly bool _hasCurrent;
    private readonly bool[]? _sameTick;  // feed-forward timing: per edge, true when it reads this tick's output
    private readonly float[] _external;   // x: external input per neuron, zero except input neurons
    private readonly float[] _syn;        // Σ_j w_ij·y_j(t−1)
    private readonly float[] _scratch;
    private readonly int[] _refractory;
    private float[] _out;                 // y at the end of the last tick (read by the next tick)
    private float[] _next;                // y being computed in the current tick
    private bool _tracePending;           // fused path: the trace update of the last tick is still to be applied
    private float _pendingScale;          // the learning-rate scale in force when that tick ran
    private bool _weightsCurrent;         // fused path: the synapse matrix holds clamp(w + α·H) of the current H
    private readonly FusedSlots? _fusedSlots;   // fused path: W, α and H in the layout of its kernel
    private readonly PaddedCsr? _fusedCsr;      // fused path, sparse kernel: the padded rows (null: the dense kernel)
    private readonly float[]? _pairs;           // fused path, sparse kernel: interleaved y(t−1), y(t−2)
    private readonly SpikePropagation? _events; // spiking networks: the synaptic sum along the spikes' out-edges
    private readonly TickWorkers? _workers;     // multi-core synaptic sum (SessionOptions.Threads > 1)
    private readonly int[]? _rowBounds;         // the rows of each worker

    public CpuSession(IfmModel model, SessionOptions? options = null)
    {
        _model = model;
        options ??= SessionOptions.Default;
        _sameTick = model.SameTickEdges;
        if (_sameTick is not null) options = options with { FusedPlasticity = false };
        if (options.FusedPlasticity && PlasticityEngine.CanFuse(model) && options.Layout == SynapseLayout.Auto && !PlasticityEngine.BoundsContainZero(model))
            options = options with { Layout = SynapseLayout.Sparse };
        _synapses = new SynapseMatrix(model, options);
        int n = model.NeuronCount;
        int padded = _synapses.InputLength;
        _state = new float[n];
        _current = new float[n];
        _cells = NeuronTable.Build(model);
        _hasCurrent = NeuronTable.HasCurrent(model);
        _external = new float[n];
        _syn = new float[n];
        _scratch = new float[n];
        _refractory = new int[n];
        _out = new float[padded];
        _next = new float[padded];
        _slices = [.. model.Populations.Select(p => new PopulationSlice(p, model.Dt))];
        // Spiking networks propagate along the spikes' out-edges (unless the fused Hebbian pass computes the sum);
        // decided before the learners are built, so they see the presynaptic weight order.
        if (!(options.FusedPlasticity && PlasticityEngine.CanFuse(model))) _events = SpikePropagation.Create(model, _synapses, options);
        _plasticity = new PlasticityEngine(model, _synapses, options.FusedPlasticity) { BeforeWeightsRead = FlushTrace };
        if (_plasticity.FusedTrace is not null)
        {
            if (_synapses.Layout == SynapseLayout.Dense && model.Density > options.FusedDenseAbove)
            {
                _fusedSlots = new FusedSlots(model, _synapses.Position, (long)n * _synapses.Stride);
            }
            else
            {
                _fusedCsr = _synapses.Csr ?? new PaddedCsr(model);
                _fusedSlots = new FusedSlots(model, _fusedCsr.Position, _fusedCsr.Length);
                _pairs = new float[2 * padded];
            }
        }

        _weightsCurrent = _plasticity.FusedTrace is null;
        if (options.Threads < 1) throw new ArgumentOutOfRangeException(nameof(options), $"threads must be at least 1, got {options.Threads}");
        if (options.Threads > 1)
        {
            _rowBounds = TickWorkers.Partition(n, options.Threads, _synapses.Csr is null ? default : model.RowStart);
            _workers = new TickWorkers(options.Threads, MultiplyShare);
        }
    }

    /// <summary>Threads that compute the synaptic sum (1: none but the caller's).</summary>
    public int Threads => _workers?.Count ?? 1;

    public IfmModel Model => _model;

    /// <summary>Whether the synaptic sum can run event-driven (a spiking network, see <see cref="SessionOptions.SpikePropagation"/>).</summary>
    public bool EventDriven => _events is not null;

    /// <summary>Event-driven sessions: ticks that ran along the spikes' out-edges, and ticks that fell back to the matrix kernel.</summary>
    public (long Event, long Clock) PropagationTicks => _events is null ? (0, Tick) : (_events.EventTicks, _events.ClockTicks);

    public long Tick { get; private set; }

    public IPlasticityControl Plasticity => _plasticity;

    /// <summary>Which weight layout the synaptic sum uses (chosen from density unless forced by <see cref="SessionOptions"/>).</summary>
    public SynapseLayout Layout => _synapses.Layout;

    /// <summary>The weight layout and kernels in one line, for reports: "dense", "sparse (16-bit indices)", each with
    /// "; fused Hebbian trace, sparse kernel" when the fused pass runs.</summary>
    public string KernelDescription
    {
        get
        {
            string layout = _synapses.Csr is { } csr ? $"sparse ({(csr.Narrow ? 16 : 32)}-bit indices)" : "dense";
            if (_events is not null) layout = "event-driven spikes (out-edge lists), " + layout + " when busy";
            return FusedKernel switch
            {
                FusedKernel.Dense => layout + "; fused Hebbian trace, dense kernel",
                FusedKernel.Sparse => layout + $"; fused Hebbian trace, sparse kernel ({(_fusedCsr!.Narrow ? 16 : 32)}-bit indices)",
                _ => layout,
            };
        }
    }

    /// <summary>Which kernel runs the fused Hebbian-trace pass, if any.</summary>
    public FusedKernel FusedKernel => _fusedSlots is null ? FusedKernel.None : _fusedCsr is null ? FusedKernel.Dense : FusedKernel.Sparse;

    /// <summary>Every neuron's output after the last tick.</summary>
    public ReadOnlySpan<float> NeuronOutputs => _out.AsSpan(0, _model.NeuronCount);

    /// <summary>Every neuron's internal state (s, or the membrane v of spiking and NIR kinds) after the last tick.</summary>
    public ReadOnlySpan<float> NeuronStates => _state;

    /// <summary>The session's current weights in CSR edge order (they differ from the model's once plasticity ran).</summary>
    public ReadOnlySpan<float> Weights
    {
        get
        {
            FlushTrace();
            return _synapses.Weights;
        }
    }

    public void SetInputs(ReadOnlySpan<float> values)
    {
        var inputs = _model.InputNeurons;
        if (values.Length != inputs.Length) ThrowInputLength(values.Length, inputs.Length);
        for (int c = 0; c < inputs.Length; c++) _external[inputs[c]] = values[c];
    }

    public void SetInput(int channel, float value)
    {
        var inputs = _model.InputNeurons;
        if ((uint)channel >= (uint)inputs.Length) ThrowChannel(channel, inputs.Length);
        _external[inputs[channel]] = value;
    }

    public void Step(int ticks = 1)
    {
        for (int t = 0; t < ticks; t++)
        {
            // 1. Synaptic input from the outputs of the previous tick (fused with the last tick's trace update when
            //    one Hebbian-trace group holds every edge); under feed-forward timing per population, in step 2.
            if (_plasticity.FusedTrace is { } fused && (_tracePending || _plasticity.FusedActive))
            {
                RunFused(fused, update: _tracePending, computeSyn: true);
            }
            else if (_sameTick is null)
            {
                // Static weights, or learning frozen: the effective weights do not change, so once they are
                // materialised the static kernel (two streams per edge instead of four) computes the same sum.
                if (!_weightsCurrent) FlushTrace();
                if (_events is null || !_events.Sum(_out, _syn)) MultiplyAll();
            }

            // 2. Each population's neuron function: new states and outputs.
            foreach (var p in _slices)
            {
                if (_sameTick is not null) FeedForwardSum(p.Range);
                UpdatePopulation(p);
            }

            // 3. Online learning from y(t−1) and y(t): traces and effective weights for the next tick.
            if (_plasticity.FusedTrace is not null)
            {
                _tracePending = _plasticity.FusedActive;
                _pendingScale = _plasticity.LearningRateScale * _plasticity.FusedTrace.RateScale;
            }
            else if (_plasticity.Active)
            {
                _plasticity.Learn(_out.AsSpan(0, _state.Length), _next.AsSpan(0, _state.Length), _external, Tick + 1);
            }

            // 4. The new outputs become the previous outputs of the next tick.
            (_out, _next) = (_next, _out);
            Tick++;
        }
    }

    public void ReadOutputs(Span<float> destination)
    {
        var outputs = _model.OutputNeurons;
        if (destination.Length < outputs.Length) ThrowOutputLength(destination.Length, outputs.Length);
        for (int c = 0; c < outputs.Length; c++) destination[c] = _out[outputs[c]];
    }

    public void Reset()
    {
        Array.Clear(_state);
        Array.Clear(_current);
        Array.Clear(_external);
        Array.Clear(_refractory);
        Array.Clear(_out);
        Array.Clear(_next);
        _synapses.Reset();
        _plasticity.Reset();
        _tracePending = false;
        _weightsCurrent = _plasticity.FusedTrace is null;
        _fusedSlots?.Reset();
        Tick = 0;
    }

    public SessionState Snapshot()
    {
        FlushTrace();
        var s = SessionState.WithCore(_model, Tick, new((float[])_state.Clone(), NeuronOutputs.ToArray(), (float[])_external.Clone(),
            _synapses.Weights.ToArray(), (int[])_refractory.Clone()));
        if (_hasCurrent) s.Floats[SessionState.CurrentKey] = (float[])_current.Clone();
        _plasticity.Save(s);
        return s;
    }

    public void Restore(SessionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var (st, output, input, weight, refractory) = state.ReadCore(_model);
        st.CopyTo(_state, 0);
        output.CopyTo(_out, 0);
        input.CopyTo(_external, 0);
        refractory.CopyTo(_refractory, 0);
        if (_hasCurrent) state.Float(SessionState.CurrentKey, _model.NeuronCount).CopyTo(_current, 0);
        _plasticity.Load(state);
        _tracePending = false;
        _weightsCurrent = _plasticity.FusedTrace is null;
        _fusedSlots?.LoadTraceFrom(_plasticity.FusedTrace!.H);
        weight.CopyTo(_synapses.Weights);
        _synapses.SyncLayout();
        Tick = state.Tick;
    }

    public void Dispose() => _workers?.Dispose();

    /// <summary>The clock-driven synaptic sum, on the workers when there are several.</summary>
    private void MultiplyAll()
    {
        if (_workers is null)
        {
            _synapses.Multiply(_out, _syn);
            return;
        }

        _synapses.SyncIfStale();
        _workers.Run();
    }

    /// <summary>One worker's rows of the synaptic sum (the job of <see cref="_workers"/>).</summary>
    private void MultiplyShare(int worker) => _synapses.MultiplyRows(_out, _syn, _rowBounds![worker], _rowBounds[worker + 1]);

    /// <summary>The fused Hebbian pass; <paramref name="computeSyn"/> false only applies a pending update (before a read).</summary>
    private void RunFused(HebbianTraceLearner fused, bool update, bool computeSyn)
    {
        var rule = fused.Rule;
        var p = new FusedHebbianCsr.Parameters(rule.Eta * (update ? _pendingScale : 0f), rule.Clip, rule.WMin, rule.WMax);
        var syn = computeSyn ? _syn : _scratch;
        var f = _fusedSlots!;
        float delta = _fusedCsr is { } csr
            ? csr.RunFusedHebbian(f.W, f.A, f.H, _out, _next, _pairs!, syn, update, p)
            : FusedHebbianDense.Run(f.W, f.A, f.H, _model.NeuronCount, _synapses.Stride, _out, _next, syn, update, p);
        if (update)
        {
            _plasticity.RecordFused(delta, Tick);
            _tracePending = false;
            _weightsCurrent = false;
        }
    }

    /// <summary>Applies a pending fused trace update and writes the effective weights where readers expect them.</summary>
    private void FlushTrace()
    {
        if (_plasticity.FusedTrace is not { } fused) return;
        if (_tracePending) RunFused(fused, update: true, computeSyn: false);
        _fusedSlots!.CopyTraceTo(fused.H);
        fused.MaterializeWeights();
        _weightsCurrent = true;
    }

    /// <summary>
    /// Feed-forward timing: the synaptic sums of one population, in CSR order, from this tick's outputs of earlier
    /// populations (already computed in <c>_next</c>) and the previous tick's outputs for every other edge.
    /// </summary>
    private void FeedForwardSum(Range range)
    {
        var rowStart = _model.RowStartArray;
        var pre = _model.PreArray;
        var w = _synapses.Weights;
        var same = _sameTick!;
        var (start, count) = range.GetOffsetAndLength(_syn.Length);
        for (int i = start; i < start + count; i++)
        {
            float sum = 0f;
            for (int k = rowStart[i]; k < rowStart[i + 1]; k++) sum += w[k] * (same[k] ? _next[pre[k]] : _out[pre[k]]);
            _syn[i] = sum;
        }
    }

    private void UpdatePopulation(PopulationSlice p)
    {
        var r = p.Range;
        p.Model.UpdateCpu(new NeuronBlock
        {
            Syn = _syn.AsSpan(r),
            Bias = _model.BiasArray.AsSpan(r),
            X = _external.AsSpan(r),
            State = _state.AsSpan(r),
            State2 = _current.AsSpan(r),
            Y = _next.AsSpan(r),
            Scratch = _scratch.AsSpan(r),
            Refractory = _refractory.AsSpan(r),
            Cells = _cells.AsSpan(r),
            K = p.K,
            OneMinusK = p.OneMinusK,
            Population = p.Population,
        });
    }

    private static void ThrowInputLength(int got, int expected) =>
        throw new ArgumentException($"got {got} input values, the model has {expected} input channels");

    private static void ThrowOutputLength(int got, int expected) =>
        throw new ArgumentException($"output buffer holds {got} values, the model has {expected} output channels");

    private static void ThrowChannel(int channel, int count) =>
        throw new ArgumentOutOfRangeException(nameof(channel), $"input channel {channel} does not exist (the model has {count})");

    /// <summary>
    /// Base weights, α and the Hebbian trace in the slots of the fused kernel's layout: the N×stride matrices of
    /// <see cref="FusedHebbianDense"/> or the padded rows of <see cref="FusedHebbianCsr"/>. Slots that hold no edge
    /// have w = α = 0 and keep H = 0 (the dense kernel relies on bounds containing 0 for them; the padded rows read
    /// an input that is always 0).
    /// </summary>
    private sealed class FusedSlots
    {
        private readonly int[] _position;
        private readonly AlignedFloats _w, _a, _h;

        public FusedSlots(IfmModel model, int[] position, long slots)
        {
            _position = position;
            _w = new AlignedFloats(slots);
            _a = new AlignedFloats(slots);
            _h = new AlignedFloats(slots);
            EdgeSlots.Scatter(position, model.Weight, W);
            EdgeSlots.Scatter(position, model.Alpha, A);
        }

        public Span<float> W => _w.Span;

        public Span<float> A => _a.Span;

        public Span<float> H => _h.Span;

        public void CopyTraceTo(Span<float> perEdge) => EdgeSlots.Gather(_position, H, perEdge);

        public void LoadTraceFrom(ReadOnlySpan<float> perEdge)
        {
            H.Clear();
            EdgeSlots.Scatter(_position, perEdge, H);
        }

        public void Reset() => H.Clear();
    }

    /// <summary>A population's neuron range and the constants its kernel derives from the parameters once.</summary>
    private sealed class PopulationSlice
    {
        public PopulationSlice(Population p, float dt)
        {
            Population = p;
            Model = NeuronModels.Of(p.Kind);
            Range = new Range(p.Start, p.End);
            var tau = p.Parameters.Tau;
            K = new float[tau.Length];
            OneMinusK = new float[tau.Length];
            for (int i = 0; i < tau.Length; i++)
            {
                K[i] = dt / tau[i];
                OneMinusK[i] = 1f - K[i];
            }
        }

        public Population Population { get; }

        public NeuronModel Model { get; }

        public Range Range { get; }

        /// <summary>dt/τ per neuron (leaky and LIF).</summary>
        public float[] K { get; }

        public float[] OneMinusK { get; }
    }
}

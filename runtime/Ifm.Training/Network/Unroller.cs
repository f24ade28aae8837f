using Ifm.Runtime.Model;

namespace Ifm.Training.Network;

/// <summary>
/// The differentiable tick: runs a window of ticks forward with the neuron kinds' reference updates
/// (<see cref="NeuronModel.Step"/>, the runtime's one definition of each kind, float32),
/// records what the backward pass needs, and back-propagates output gradients through the window (in double) into
/// the gradient of θ with each kind's derivative (<see cref="NeuronModel.Backward"/>). One instance per thread; it
/// reuses its buffers for every window of at most its capacity.
/// </summary>
/// <remarks>
/// Tick t: w_eff = clamp(w + α·H(t−1)); syn_i = Σ w_eff·y_j(t−1) (feed-forward timing: y_j(t) over the edges from
/// earlier populations); the neuron update of each kind; then H(t) = clip((1 − η)·H(t−1) + η·y_pre(t−1)·y_post(t)).
/// Spikes use the kinds' fast-sigmoid surrogate derivative in the backward pass; with <see cref="SmoothSpikes"/> the
/// forward pass uses the matching smooth function (<see cref="NeuronModel.StepSmooth"/>), which makes the gradient
/// exact (finite-difference checks).
/// </remarks>
public sealed class Unroller
{
    /// <summary>Sharpness β of the spike surrogate (per unit of membrane potential).</summary>
    public const float SurrogateBeta = NeuronModel.SurrogateBeta;

    private readonly TrainableNetwork _net;
    private readonly int _capacity;
    private readonly int[] _plasticIndex;   // per edge: index into PlasticEdges, or −1
    private readonly int[] _inputChannel;   // per neuron: input channel, or −1
    private readonly float[] _y, _s, _c, _u, _h; // histories: (T+1)·N, (T+1)·N, (T+1)·N, T·N, (T+1)·P
    private readonly bool[] _resting;        // T·N: spiking neuron was refractory in that tick
    private readonly float[] _x;             // T·I inputs
    private readonly float[] _weff;
    private readonly double[] _gyCur, _gyPrev, _gsCur, _gsPrev, _gcCur, _gcPrev, _gHCur, _gHPrev;
    private readonly bool[]? _sameTick;     // feed-forward timing: per edge, reads this tick's output
    private int _ticks;
    private bool _freshAtStart;

    public Unroller(TrainableNetwork net, int capacity)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _net = net;
        _capacity = capacity;
        int n = net.N, p = net.PlasticEdges.Length, e = net.E;
        _plasticIndex = new int[e];
        Array.Fill(_plasticIndex, -1);
        for (int j = 0; j < p; j++) _plasticIndex[net.PlasticEdges[j]] = j;
        _inputChannel = new int[n];
        Array.Fill(_inputChannel, -1);
        var inputs = net.Template.InputNeurons;
        for (int c = 0; c < inputs.Length; c++) _inputChannel[inputs[c]] = c;
        _y = new float[(capacity + 1) * n];
        _s = new float[(capacity + 1) * n];
        _c = new float[(capacity + 1) * n];
        _u = new float[capacity * n];
        _h = new float[(capacity + 1) * p];
        _resting = new bool[capacity * n];
        _x = new float[capacity * Math.Max(1, inputs.Length)];
        _weff = new float[e];
        _gyCur = new double[n];
        _gyPrev = new double[n];
        _gsCur = new double[n];
        _gsPrev = new double[n];
        _gcCur = new double[n];
        _gcPrev = new double[n];
        _gHCur = new double[p];
        _gHPrev = new double[p];
        _sameTick = net.Template.SameTickEdges;
    }

    /// <summary>Use the smooth spike function in the forward pass (for gradient checks); the runtime's spikes are hard.</summary>
    public bool SmoothSpikes { get; set; }

    public TrainableNetwork Network => _net;

    /// <summary>Ticks of the last forward window.</summary>
    public int Ticks => _ticks;

    /// <summary>Every neuron's output after tick t (1-based) of the last window.</summary>
    public ReadOnlySpan<float> Outputs(int t) => _y.AsSpan(t * _net.N, _net.N);

    /// <summary>
    /// Runs <paramref name="ticks"/> ticks from <paramref name="state"/> with inputs <paramref name="inputs"/>
    /// (ticks × input channels, row-major), and leaves the final values in <paramref name="state"/>.
    /// </summary>
    public void Forward(StreamState state, ReadOnlySpan<float> inputs, int ticks)
    {
        ArgumentNullException.ThrowIfNull(state);
        int n = _net.N, p = _net.PlasticEdges.Length, ic = _net.Template.InputCount;
        if ((uint)ticks > (uint)_capacity || ticks == 0) throw new ArgumentOutOfRangeException(nameof(ticks), $"window of {ticks} ticks, capacity {_capacity}");
        if (inputs.Length != ticks * ic) throw new ArgumentException($"{inputs.Length} input values for {ticks} ticks × {ic} channels");
        _ticks = ticks;
        _freshAtStart = state.Fresh;
        inputs.CopyTo(_x);
        state.Y.CopyTo(_y, 0);
        state.S.CopyTo(_s, 0);
        state.H.CopyTo(_h, 0);
        state.Current.CopyTo(_c, 0);
        var refractory = state.Refractory;
        var theta = _net.Parameters;
        for (int t = 1; t <= ticks; t++)
        {
            EffectiveWeights(t, _weff);
            var yPrev = _y.AsSpan((t - 1) * n, n);
            var sPrev = _s.AsSpan((t - 1) * n, n);
            var cPrev = _c.AsSpan((t - 1) * n, n);
            var yNow = _y.AsSpan(t * n, n);
            var sNow = _s.AsSpan(t * n, n);
            var cNow = _c.AsSpan(t * n, n);
            var uNow = _u.AsSpan((t - 1) * n, n);
            var rest = _resting.AsSpan((t - 1) * n, n);
            var x = _x.AsSpan((t - 1) * ic, ic);
            var rowStart = _net.Template.RowStart;
            var pre = _net.Template.Pre;
            for (int i = 0; i < n; i++)
            {
                // Feed-forward timing: edges from earlier populations read this tick's outputs (neurons run in order).
                float syn = 0;
                if (_sameTick is null)
                {
                    for (int k = rowStart[i]; k < rowStart[i + 1]; k++) syn += _weff[k] * yPrev[pre[k]];
                }
                else
                {
                    for (int k = rowStart[i]; k < rowStart[i + 1]; k++) syn += _weff[k] * (_sameTick[k] ? yNow[pre[k]] : yPrev[pre[k]]);
                }

                float b = theta[_net.BiasOffset + i];
                float xi = _inputChannel[i] >= 0 ? x[_inputChannel[i]] : 0f;

                // The kind's reference update (the runtime's one definition), with a learned gain taken from θ.
                var cell = Cell(i);
                var model = _net.Model[i];
                var v = new NeuronVars { S0 = sPrev[i], S1 = cPrev[i], Refractory = refractory[i] };
                if (SmoothSpikes)
                {
                    rest[i] = false;
                    yNow[i] = model.StepSmooth(cell, syn, b, xi, ref v, out uNow[i]);
                }
                else
                {
                    rest[i] = model.Spiking && refractory[i] > 0;
                    yNow[i] = model.Step(cell, syn, b, xi, ref v, out uNow[i]);
                }

                sNow[i] = v.S0;
                cNow[i] = v.S1;
                refractory[i] = v.Refractory;
            }

            // Hebbian traces after the tick, from y(t−1) and y(t).
            var hPrev = _h.AsSpan((t - 1) * p, p);
            var hNow = _h.AsSpan(t * p, p);
            var post = _net.Template.Post;
            var groupOf = _net.Template.Group;
            for (int j = 0; j < p; j++)
            {
                int k = _net.PlasticEdges[j];
                int g = groupOf[k];
                float eta = theta[_net.EtaOffset + g];
                float h = (1f - eta) * hPrev[j] + eta * yPrev[pre[k]] * yNow[post[k]];
                if (_net.GroupRule[g]!.Clip) h = Math.Clamp(h, -1f, 1f);
                hNow[j] = h;
            }
        }

        _y.AsSpan(ticks * n, n).CopyTo(state.Y);
        _s.AsSpan(ticks * n, n).CopyTo(state.S);
        _h.AsSpan(ticks * p, p).CopyTo(state.H);
        _c.AsSpan(ticks * n, n).CopyTo(state.Current);
        state.Fresh = false;
    }

    /// <summary>
    /// Back-propagates through the last forward window. <paramref name="outputGradient"/> holds ∂L/∂y of the output
    /// channels for each tick (ticks × outputs, row-major); the gradient of θ is added to <paramref name="gradient"/>.
    /// Gradients with respect to the window's starting state are dropped (truncation).
    /// </summary>
    public void Backward(ReadOnlySpan<double> outputGradient, double[] gradient)
    {
        int n = _net.N, p = _net.PlasticEdges.Length, oc = _net.Template.OutputCount;
        if (outputGradient.Length != _ticks * oc) throw new ArgumentException($"{outputGradient.Length} output gradients for {_ticks} ticks × {oc} channels");
        if (gradient.Length != _net.ParameterCount) throw new ArgumentException("gradient length differs from the parameter count");
        var theta = _net.Parameters;
        var outputs = _net.Template.OutputNeurons;
        var rowStart = _net.Template.RowStart;
        var pre = _net.Template.Pre;
        var post = _net.Template.Post;
        var groupOf = _net.Template.Group;
        Array.Clear(_gyCur);
        Array.Clear(_gsCur);
        Array.Clear(_gcCur);
        Array.Clear(_gHCur);
        AddOutputGradient(outputGradient, _ticks, outputs, _gyCur);

        for (int t = _ticks; t >= 1; t--)
        {
            Array.Clear(_gyPrev);
            Array.Clear(_gsPrev);
            Array.Clear(_gcPrev);
            Array.Clear(_gHPrev);
            var yPrev = _y.AsSpan((t - 1) * n, n);
            var sPrev = _s.AsSpan((t - 1) * n, n);
            var cPrev = _c.AsSpan((t - 1) * n, n);
            var yNow = _y.AsSpan(t * n, n);
            var uNow = _u.AsSpan((t - 1) * n, n);
            var rest = _resting.AsSpan((t - 1) * n, n);
            var hPrev = _h.AsSpan((t - 1) * p, p);

            // 1. H(t) = clip((1 − η)·H(t−1) + η·y_pre(t−1)·y_post(t)).
            for (int j = 0; j < p; j++)
            {
                double g = _gHCur[j];
                if (g == 0) continue;
                int k = _net.PlasticEdges[j];
                int gi = groupOf[k];
                float eta = theta[_net.EtaOffset + gi];
                float yp = yPrev[pre[k]], yq = yNow[post[k]];
                float raw = (1f - eta) * hPrev[j] + eta * yp * yq;
                if (_net.GroupRule[gi]!.Clip && (raw > 1f || raw < -1f)) continue;
                gradient[_net.EtaOffset + gi] += g * ((double)yp * yq - hPrev[j]);
                _gyCur[post[k]] += g * eta * yp;
                _gyPrev[pre[k]] += g * eta * yq;
                _gHPrev[j] += g * (1.0 - eta);
            }

            // 2. Per neuron, the kind's derivative (∂L/∂I, state gradients to t−1, the learned gain), then the synaptic
            //    sum: weights, α, traces H(t−1) and outputs y(t−1). With feed-forward timing the neurons go in reverse
            //    order: a same-tick edge adds to ∂L/∂y(t) of an earlier neuron before that neuron is differentiated.
            EffectiveWeights(t, _weff);
            bool unclamped = t == 1 && _freshAtStart;
            bool reverse = _sameTick is not null;
            for (int step = 0; step < n; step++)
            {
                int i = reverse ? n - 1 - step : step;
                double gs0 = _gsCur[i], gs1 = _gcCur[i];
                var tape = new NeuronTape(uNow[i], yNow[i], sPrev[i], cPrev[i], rest[i]);
                double g = _net.Model[i].Backward(Cell(i), tape, _gyCur[i], ref gs0, ref gs1, out double gGain);
                _gsPrev[i] += gs0;
                _gcPrev[i] += gs1;
                if (_net.LearnsGain[i]) gradient[_net.AOffset + i] += gGain;
                gradient[_net.BiasOffset + i] += g;
                if (g == 0) continue;
                for (int k = rowStart[i]; k < rowStart[i + 1]; k++)
                {
                    int j = pre[k];
                    bool now = _sameTick is not null && _sameTick[k];
                    double gw;
                    if (now)
                    {
                        _gyCur[j] += g * _weff[k];
                        gw = g * yNow[j];
                    }
                    else
                    {
                        _gyPrev[j] += g * _weff[k];
                        gw = g * yPrev[j];
                    }

                    int pi = _plasticIndex[k];
                    if (pi < 0)
                    {
                        gradient[k] += gw;
                        continue;
                    }

                    float alpha = theta[_net.AlphaOffset + k];
                    if (!unclamped)
                    {
                        float raw = theta[k] + alpha * hPrev[pi];
                        if (raw < _net.WMin[k] || raw > _net.WMax[k]) continue;
                    }

                    gradient[k] += gw;
                    gradient[_net.AlphaOffset + k] += gw * hPrev[pi];
                    _gHPrev[pi] += gw * alpha;
                }
            }

            // 4. Move to tick t−1.
            if (t > 1) AddOutputGradient(outputGradient, t - 1, outputs, _gyPrev);
            _gyPrev.CopyTo(_gyCur, 0);
            _gsPrev.CopyTo(_gsCur, 0);
            _gcPrev.CopyTo(_gcCur, 0);
            _gHPrev.CopyTo(_gHCur, 0);
        }
    }

    private void AddOutputGradient(ReadOnlySpan<double> g, int t, ReadOnlySpan<int> outputs, double[] into)
    {
        int oc = outputs.Length;
        for (int c = 0; c < oc; c++) into[outputs[c]] += g[(t - 1) * oc + c];
    }

    /// <summary>w_eff used by tick t: w + α·H(t−1), clamped to the rule's bounds except on a fresh session's first tick.</summary>
    private void EffectiveWeights(int t, float[] weff)
    {
        var theta = _net.Parameters;
        int p = _net.PlasticEdges.Length;
        Array.Copy(theta, _net.WeightOffset, weff, 0, _net.E);
        if (p == 0) return;
        var h = _h.AsSpan((t - 1) * p, p);
        bool unclamped = t == 1 && _freshAtStart;
        for (int j = 0; j < p; j++)
        {
            int k = _net.PlasticEdges[j];
            float w = theta[k] + theta[_net.AlphaOffset + k] * h[j];
            weff[k] = unclamped ? w : Math.Clamp(w, _net.WMin[k], _net.WMax[k]);
        }
    }

    /// <summary>Neuron <paramref name="i"/>'s constants, with its learned gain (if any) from θ.</summary>
    private NeuronCell Cell(int i)
    {
        var cell = _net.Cells[i];
        if (_net.LearnsGain[i]) cell.P0 = _net.Parameters[_net.AOffset + i];
        return cell;
    }
}

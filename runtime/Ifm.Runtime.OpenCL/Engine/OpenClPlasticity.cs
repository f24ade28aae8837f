using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.OpenCL.Engine;

/// <summary>
/// Learning controls of an <see cref="OpenClSession"/>: the same switches, statistics and NaN/Inf guard as the CPU engine.
/// Rates, the modulator and the tick travel as kernel arguments; errors are one small write. The guard lives on the
/// device (kernels stop learning as soon as it trips); the host reads it when asked.
/// </summary>
internal sealed class OpenClPlasticity : IPlasticityControl
{
    private readonly IfmModel _model;
    private readonly DeviceLearner?[] _learners;
    private readonly DeviceNetwork _net;
    private readonly DeviceBuffer<float> _errors;
    private readonly DeviceBuffer<int> _outputIndex;
    private readonly ClKernelCall _scatter;
    private readonly int[] _fault = new int[4];
    private readonly float[] _weights;
    private float _modulator;
    private float _scale = 1f;
    private bool _enabled = true;
    private long _learningTicks;
    private long _lastEdges;
    private string? _guard;

    public OpenClPlasticity(ClRuntime rt, IfmModel model, DeviceNetwork net, DeviceBuffer<int> outputIndex)
    {
        _model = model;
        _net = net;
        _outputIndex = outputIndex;
        _learners = new DeviceLearner?[model.EdgeGroups.Count];
        for (int g = 0; g < _learners.Length; g++)
        {
            if (model.EdgeGroups[g].IsPlastic) _learners[g] = DeviceLearner.Create(rt, model, g, net);
        }

        HasRules = _learners.Any(l => l is not null);
        _errors = rt.Buffer<float>(model.OutputCount);
        _errors.Clear();
        _scatter = rt.Kernel("scatter").Arg(0, model.OutputCount).Arg(1, _errors).Arg(2, outputIndex).Arg(3, net.ErrorOfNeuron);
        _weights = HasRules ? new float[model.EdgeCount] : [];
    }

    public bool HasRules { get; }

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    public float LearningRateScale
    {
        get => _scale;
        set
        {
            if (!float.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(nameof(LearningRateScale), $"learning-rate scale must be finite and ≥ 0, got {value}");
            _scale = value;
        }
    }

    public int GroupCount => _learners.Length;

    /// <summary>True when a tick should enqueue the learning kernels.</summary>
    public bool Active => HasRules && _enabled && _guard is null && _scale > 0;

    public PlasticityStatistics Statistics
    {
        get
        {
            double last = 0, total = 0;
            foreach (var l in _learners)
            {
                if (l is null) continue;
                var (lastSum, totalSum) = l.ReadChange();
                if (l.Enabled) last += lastSum;
                total += totalSum;
            }

            return new PlasticityStatistics(_learningTicks, _lastEdges == 0 ? 0 : (float)(last / _lastEdges), total);
        }
    }

    public bool GuardTripped => GuardMessage is not null;

    public string? GuardMessage
    {
        get
        {
            if (_guard is null && HasRules) ReadFault();
            return _guard;
        }
    }

    public int FindGroup(string name) => _model.FindEdgeGroup(name);

    public bool IsGroupEnabled(int group) => Learner(group)?.Enabled ?? false;

    public void SetGroupEnabled(int group, bool enabled)
    {
        var l = Learner(group);
        if (l is not null) l.Enabled = enabled;
    }

    public float GetGroupRateScale(int group) => Learner(group)?.RateScale ?? 0f;

    public void SetGroupRateScale(int group, float scale)
    {
        if (!float.IsFinite(scale) || scale < 0) throw new ArgumentOutOfRangeException(nameof(scale), $"learning-rate scale must be finite and ≥ 0, got {scale}");
        var l = Learner(group);
        if (l is not null) l.RateScale = scale;
    }

    public void SetModulator(float value) => _modulator = value;

    public void SetErrors(ReadOnlySpan<float> errors)
    {
        if (errors.Length != _model.OutputCount) throw new ArgumentException($"got {errors.Length} error values, the model has {_model.OutputCount} output channels");
        _errors.Write(errors);
        _scatter.Enqueue(_model.OutputCount, DeviceLearner.GroupSize, fixedGroup: false);
    }

    public int CountWeightsAtBounds()
    {
        if (!HasRules) return 0;
        _net.W.Read(_weights);
        int n = 0;
        foreach (var l in _learners)
        {
            if (l is not null) n += l.CountAtBounds(_weights);
        }

        return n;
    }

    public void ClearGuard()
    {
        _net.Fault.Clear();
        _guard = null;
        _enabled = true;
    }

    /// <summary>Enqueues every enabled rule for the tick that produced <paramref name="yNow"/>.</summary>
    public void Learn(DeviceBuffer<float> yPrev, DeviceBuffer<float> yNow, long tick)
    {
        bool ran = false;
        long edges = 0;
        foreach (var l in _learners)
        {
            if (l is null || !l.Enabled) continue;
            l.Enqueue(yPrev, yNow, _scale * l.RateScale, _modulator, tick);
            edges += l.EdgeIndex.Length;
            ran = true;
        }

        if (!ran) return;
        _learningTicks++;
        _lastEdges = edges;
    }

    public void Save(SessionState state)
    {
        foreach (var l in _learners) l?.Save(state);
    }

    public void Load(SessionState state)
    {
        foreach (var l in _learners) l?.Load(state);
    }

    public void Reset()
    {
        foreach (var l in _learners) l?.Reset();
        _errors.Clear();
        _net.ErrorOfNeuron.Clear();
        _net.Fault.Clear();
        _modulator = 0;
        _learningTicks = 0;
        _lastEdges = 0;
        _guard = null;
        _enabled = true;
    }

    private void ReadFault()
    {
        _net.Fault.Read(_fault);
        if (_fault[0] == 0) return;
        var l = _learners[_fault[0] - 1];
        int edge = _fault[1];
        long tick = (uint)_fault[2] | ((long)_fault[3] << 32);
        _guard = string.Create(CultureInfo.InvariantCulture,
            $"edge group '{l?.Name}': {l?.FaultSubject} of edge {_model.Pre[edge]}→{_model.Post[edge]} became non-finite at tick {tick}; learning frozen");
        _enabled = false;
    }

    private DeviceLearner? Learner(int group)
    {
        if ((uint)group >= (uint)_learners.Length) throw new ArgumentOutOfRangeException(nameof(group), $"edge group {group} does not exist (the model has {_learners.Length})");
        return _learners[group];
    }
}

using Ifm.Runtime.Model;

namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// A CPU session's online learning: one <see cref="GroupLearner"/> per plastic edge group, run after the neuron
/// update of every tick (when y(t−1) and y(t) are both known), plus the run-time controls, the statistics and
/// the NaN/Inf guard. Nothing here allocates per tick.
/// </summary>
internal sealed class PlasticityEngine : IPlasticityControl
{
    private readonly IfmModel _model;
    private readonly GroupLearner?[] _learners;   // by group index; null for static groups
    private readonly float[] _errorOfNeuron;
    private float _modulator;
    private long _learningTicks;
    private float _lastMeanAbsDelta;
    private double _totalAbsDelta;
    private bool _enabled = true;
    private float _scale = 1f;

    public PlasticityEngine(IfmModel model, SynapseMatrix synapses, bool allowFused)
    {
        _model = model;
        _learners = new GroupLearner?[model.EdgeGroups.Count];
        for (int g = 0; g < _learners.Length; g++)
        {
            if (model.EdgeGroups[g].IsPlastic) _learners[g] = GroupLearner.Create(model, g, synapses);
        }

        _errorOfNeuron = new float[model.NeuronCount];
        HasRules = _learners.Any(l => l is not null);
        if (allowFused && CanFuse(model) && (synapses.Layout == SynapseLayout.Sparse || BoundsContainZero(model))) FusedTrace = (HebbianTraceLearner)_learners[0]!;
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
            if (!float.IsFinite(value) || value < 0) ThrowScale(value);
            _scale = value;
        }
    }

    public int GroupCount => _learners.Length;

    public bool GuardTripped => GuardMessage is not null;

    public string? GuardMessage { get; private set; }

    public PlasticityStatistics Statistics => new(_learningTicks, _lastMeanAbsDelta, _totalAbsDelta);

    /// <summary>True when a tick would change anything (saves the call when learning is off).</summary>
    public bool Active => HasRules && _enabled && GuardMessage is null && _scale > 0;

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
        if (!float.IsFinite(scale) || scale < 0) ThrowScale(scale);
        var l = Learner(group);
        if (l is not null) l.RateScale = scale;
    }

    public void SetModulator(float value) => _modulator = value;

    public void SetErrors(ReadOnlySpan<float> errors)
    {
        var outputs = _model.OutputNeurons;
        if (errors.Length != outputs.Length) ThrowErrors(errors.Length, outputs.Length);
        for (int c = 0; c < outputs.Length; c++) _errorOfNeuron[outputs[c]] = errors[c];
    }

    /// <summary>
    /// The Hebbian-trace learner when one hebbian_trace group holds every edge of the model: the session then runs
    /// the fused kernel (<see cref="Kernels.FusedHebbianCsr"/>) instead of the learner's own pass.
    /// </summary>
    public HebbianTraceLearner? FusedTrace { get; }

    /// <summary>Called before anything reads the effective weights (the fused path materialises them lazily).</summary>
    public Action? BeforeWeightsRead { get; set; }

    public static bool CanFuse(IfmModel model) => model.EdgeGroups.Count == 1 && model.EdgeGroups[0].Rule is Ifm.Runtime.Plasticity.HebbianTraceRule && model.EdgeCount > 0;

    /// <summary>The dense fused kernel keeps absent edges at w_eff = clamp(0): only valid when the bounds contain 0.</summary>
    public static bool BoundsContainZero(IfmModel model) => model.EdgeGroups[0].Rule is { } r && r.WMin <= 0 && r.WMax >= 0;

    /// <summary>True when the fused trace update should run for the tick that just ended.</summary>
    public bool FusedActive => FusedTrace is { Enabled: true } && Active;

    /// <summary>Statistics and guard for an update the fused kernel applied.</summary>
    public void RecordFused(float sum, long tick)
    {
        if (!float.IsFinite(sum))
        {
            GuardMessage = $"edge group '{FusedTrace!.Name}': the Hebbian trace became non-finite at tick {tick}; learning frozen";
            _enabled = false;
        }

        _learningTicks++;
        _lastMeanAbsDelta = sum / FusedTrace!.Edges.Length;
        _totalAbsDelta += sum;
    }

    public int CountWeightsAtBounds()
    {
        BeforeWeightsRead?.Invoke();
        int n = 0;
        foreach (var l in _learners)
        {
            if (l is not null) n += l.CountAtBounds();
        }

        return n;
    }

    public void ClearGuard()
    {
        GuardMessage = null;
        _enabled = true;
    }

    /// <summary>Runs every enabled rule for the tick that just produced <paramref name="yNow"/>.</summary>
    public void Learn(ReadOnlySpan<float> yPrev, ReadOnlySpan<float> yNow, ReadOnlySpan<float> external, long tick)
    {
        var t = new LearningTick
        {
            YPrev = yPrev,
            YNow = yNow,
            External = external,
            ErrorOfNeuron = _errorOfNeuron,
            ExternalModulator = _modulator,
            Scale = _scale,
            Tick = tick,
        };
        double sum = 0;
        long edges = 0;
        bool ran = false;
        foreach (var l in _learners)
        {
            if (l is null || !l.Enabled) continue;
            ran = true;
            t.Scale = _scale * l.RateScale;
            sum += l.Apply(ref t);
            edges += l.Edges.Length;
            if (t.Fault is not null)
            {
                GuardMessage = t.Fault;
                _enabled = false;
                break;
            }
        }

        if (!ran) return;
        _learningTicks++;
        _lastMeanAbsDelta = edges == 0 ? 0 : (float)(sum / edges);
        _totalAbsDelta += sum;
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
        Array.Clear(_errorOfNeuron);
        _modulator = 0;
        _learningTicks = 0;
        _lastMeanAbsDelta = 0;
        _totalAbsDelta = 0;
        GuardMessage = null;
        _enabled = true;
    }

    private GroupLearner? Learner(int group)
    {
        if ((uint)group >= (uint)_learners.Length) ThrowGroup(group, _learners.Length);
        return _learners[group];
    }

    private static void ThrowGroup(int group, int count) => throw new ArgumentOutOfRangeException(nameof(group), $"edge group {group} does not exist (the model has {count})");

    private static void ThrowScale(float v) => throw new ArgumentOutOfRangeException(nameof(LearningRateScale), $"learning-rate scale must be finite and ≥ 0, got {v}");

    private static void ThrowErrors(int got, int expected) => throw new ArgumentException($"got {got} error values, the model has {expected} output channels");
}

using System.Globalization;
using Ifm.Core;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Learning;

/// <summary>
/// A session's learning signals, schedules and watchdog, bound from a <see cref="LearningSpec"/>: the one place where
/// `ifm run`, `ifm replay` and the C ABI turn the world into M(t) and PES errors. Call <see cref="Update"/> once per
/// period between encode and step (read → encode → <b>signals</b> → step → decode → write); it allocates nothing except
/// when the watchdog takes a snapshot of the learned state (counted in <see cref="SnapshotBytes"/>).
/// </summary>
/// <remarks>
/// The value frame the expressions read: the model's inputs as encoded this period (<c>input.NAME</c>), its outputs of
/// the previous period (<c>output.NAME</c>), then the host's channels (a device map's <c>device.channel</c>: the
/// sensor's latest raw sample). A signal that evaluates to NaN or ±∞ feeds 0 (nothing is learned from it) and is
/// counted in <see cref="NonFiniteSignals"/>; for the watchdog it counts as failing.
/// </remarks>
public sealed class LearningController
{
    /// <summary>Reference prefix of the model's input channels.</summary>
    public const string InputPrefix = "input";

    /// <summary>Reference prefix of the model's output channels.</summary>
    public const string OutputPrefix = "output";

    private readonly INetworkSession _session;
    private readonly float[] _frame;
    private readonly int _inputs, _outputs;
    private readonly SignalExpression? _modulator;
    private readonly SignalExpression?[] _errorExpressions;   // per output channel
    private readonly float[] _errors;
    private readonly SignalExpression? _performance;
    private readonly bool _feed;
    private readonly Schedule[] _schedules;

    private LearningController(INetworkSession session, int channels, SignalExpression? modulator, SignalExpression?[] errors,
        SignalExpression? performance, bool feed, Schedule[] schedules, LearningWatchdog? watchdog, List<string> notes)
    {
        _session = session;
        _inputs = session.Model.InputCount;
        _outputs = session.Model.OutputCount;
        _frame = new float[_inputs + _outputs + channels];
        _modulator = modulator;
        _errorExpressions = errors;
        _errors = new float[_outputs];
        _performance = performance;
        _feed = feed;
        _schedules = schedules;
        Watchdog = watchdog;
        Notes = notes;
    }

    /// <summary>The watchdog, when the spec configures one.</summary>
    public LearningWatchdog? Watchdog { get; }

    /// <summary>What binding found worth saying (signals the model's rules do not use, rules no signal feeds).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>M(t) fed in the last update (0 when unbound).</summary>
    public float Modulator { get; private set; }

    /// <summary>The performance of the last update; NaN when none is bound.</summary>
    public float Performance { get; private set; } = float.NaN;

    /// <summary>The PES errors fed in the last update, per output channel.</summary>
    public ReadOnlySpan<float> Errors => _errors;

    /// <summary>What a recording stores as the period's learning signal: the performance, else M(t), else the first bound error.</summary>
    public float Signal { get; private set; } = float.NaN;

    /// <summary>Signal values that were NaN or infinite (fed as 0).</summary>
    public long NonFiniteSignals { get; private set; }

    /// <summary>Updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Managed bytes the watchdog's snapshots allocated (the one allocation of <see cref="Update"/>).</summary>
    public long SnapshotBytes { get; private set; }

    /// <summary>Rollbacks of the watchdog so far.</summary>
    public int Rollbacks => Watchdog?.Rollbacks ?? 0;

    /// <summary>True once the watchdog froze learning.</summary>
    public bool Frozen => Watchdog?.Frozen ?? false;

    /// <summary>True when any signal is bound.</summary>
    public bool HasSignals => _modulator is not null || _performance is not null || Array.Exists(_errorExpressions, e => e is not null);

    /// <summary>
    /// Binds <paramref name="spec"/> to <paramref name="session"/>. <paramref name="channels"/> names the host's extra
    /// references (<c>device.channel</c>) in the order <see cref="Update"/> receives their values. Throws
    /// <see cref="IfmException"/> (Configuration) with one line naming <paramref name="source"/>, the key and the problem.
    /// </summary>
    /// <param name="persist">Given each last good snapshot when the watchdog has a checkpoint (else it saves synchronously).</param>
    /// <param name="errorsOptional">An error bound to an output that no pes edge ends at is dropped with a note instead of
    /// refused (for a built-in map's default bindings, which models with other rules share).</param>
    public static LearningController Create(LearningSpec spec, INetworkSession session, IReadOnlyList<string>? channels = null,
        string source = "learning", Action<string>? log = null, Action<SessionState>? persist = null, bool errorsOptional = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(session);
        channels ??= [];
        var model = session.Model;
        var inv = CultureInfo.InvariantCulture;
        var notes = new List<string>();
        int inputs = model.InputCount, outputs = model.OutputCount;
        var channelIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < channels.Count; i++) channelIndex.TryAdd(channels[i], i);

        (int, string?) Resolve(string reference)
        {
            int dot = reference.IndexOf('.', StringComparison.Ordinal);
            string head = reference[..dot], name = reference[(dot + 1)..];
            bool isChannel = channelIndex.TryGetValue(reference, out int c);
            if (head == InputPrefix || head == OutputPrefix)
            {
                if (isChannel) return (0, $"ambiguous: a device called '{head}' has a channel '{name}' too; rename the device");
                int i = head == InputPrefix ? model.FindInput(name) : model.FindOutput(name);
                if (i < 0) return (0, $"the model has no {head} channel '{name}'; its {head}s: {List(head == InputPrefix ? model.InputNames : model.OutputNames)}");
                return (head == InputPrefix ? i : inputs + i, null);
            }

            if (isChannel) return (inputs + outputs + c, null);
            var known = channels.Where(n => n.StartsWith(head + ".", StringComparison.Ordinal)).ToList();
            string what = known.Count > 0 ? $"'{head}' has no channel '{name}'; its channels: {List(known)}"
                : channels.Count > 0 ? $"no sensor channel '{reference}'; the channels are {List(channels)}, plus input.NAME and output.NAME"
                : "unknown reference; only input.NAME and output.NAME exist here (no device map)";
            return (0, what);
        }

        SignalExpression? Compile(string? text, string key)
        {
            if (text is null) return null;
            try
            {
                return SignalExpression.Parse(text, Resolve);
            }
            catch (FormatException e)
            {
                throw Fail(source, key, e.Message);
            }
        }

        var plasticity = session.Plasticity;
        var groups = model.EdgeGroups;
        bool plastic = plasticity.HasRules;
        bool externalModulator = groups.Any(g => g.Rule is NeuromodulatedRule { Modulator.Kind: ModulatorKind.External });
        SignalExpression? modulator = Compile(spec.Modulator, "modulator");
        if (modulator is not null && plastic && !externalModulator)
        {
            string rules = string.Join(", ", groups.Where(g => g.IsPlastic).Select(g => $"'{g.Name}': {g.Rule!.RuleName}{(g.Rule is NeuromodulatedRule n ? $" (M from {n.Modulator})" : "")}"));
            throw Fail(source, "modulator", $"no rule of the model takes an external modulator (its plastic groups: {rules}); bind errors for pes, or give the model a neuromodulated rule with an external modulator");
        }

        if (modulator is null && externalModulator) notes.Add("the model's neuromodulated rule takes an external modulator but learning.modulator binds none: M(t) stays 0 and nothing is learned");

        var errorExpressions = new SignalExpression?[outputs];
        var pesInto = new bool[outputs];
        var post = model.Post;
        var groupOf = model.Group;
        var outputNeurons = model.OutputNeurons.ToArray();
        for (int k = 0; k < groupOf.Length; k++)
        {
            if (groups[groupOf[k]].Rule is PesRule)
            {
                int o = Array.IndexOf(outputNeurons, post[k]);
                if (o >= 0) pesInto[o] = true;
            }
        }

        if (spec.Errors is { } errors)
        {
            foreach (var (name, text) in errors)
            {
                string key = $"errors.{name}";
                int o = model.FindOutput(name);
                if (o < 0) throw Fail(source, key, $"the model has no output channel '{name}'; its outputs: {List(model.OutputNames)}");
                if (text is null) throw Fail(source, key, "the expression is null");
                errorExpressions[o] = Compile(text, key);
                if (plastic && !pesInto[o])
                {
                    if (!errorsOptional) throw Fail(source, key, $"no pes edge of the model ends at output '{name}', so no rule takes its error");
                    errorExpressions[o] = null;
                    notes.Add($"{key} is not used: no pes edge of the model ends at output '{name}'");
                }
            }
        }

        for (int o = 0; o < outputs; o++)
        {
            if (pesInto[o] && errorExpressions[o] is null) notes.Add($"pes edges end at output '{model.OutputNames[o]}' but learning.errors binds no error for it: they learn nothing");
        }

        SignalExpression? performance = Compile(spec.Performance, "performance");
        var schedules = new List<Schedule>();
        if (spec.Groups is { } groupSpecs)
        {
            foreach (var (name, g) in groupSpecs)
            {
                string key = $"groups.{name}";
                int index = model.FindEdgeGroup(name);
                if (index < 0) throw Fail(source, key, $"the model has no edge group '{name}'; its groups: {List(groups.Select(x => x.Name).ToList())}");
                if (!groups[index].IsPlastic) throw Fail(source, key, $"edge group '{name}' has no plasticity rule");
                if (g is null) throw Fail(source, key, "must be an object");
                float scale = g.RateScale ?? 1f;
                if (!(float.IsFinite(scale) && scale >= 0)) throw Fail(source, key + ".rateScale", string.Create(inv, $"must be finite and ≥ 0, got {scale}"));
                if (g.Enabled is { } on) plasticity.SetGroupEnabled(index, on);
                plasticity.SetGroupRateScale(index, scale);
                if (g.Schedule is { } points)
                {
                    if (points.Count == 0) throw Fail(source, key + ".schedule", "must list at least one [tick, scale] point");
                    var ticks = new long[points.Count];
                    var scales = new float[points.Count];
                    for (int i = 0; i < points.Count; i++)
                    {
                        double[]? p = points[i];
                        string at = $"{key}.schedule[{i}]";
                        if (p is not { Length: 2 }) throw Fail(source, at, "must be a [tick, scale] pair");
                        if (!(p[0] >= 0 && p[0] <= 1e15 && p[0] == Math.Floor(p[0]))) throw Fail(source, at, string.Create(inv, $"the tick must be a whole number ≥ 0, got {p[0]}"));
                        if (!(double.IsFinite(p[1]) && p[1] >= 0 && p[1] <= 1e6)) throw Fail(source, at, string.Create(inv, $"the scale must be in [0, 1e6], got {p[1]}"));
                        ticks[i] = (long)p[0];
                        scales[i] = (float)p[1];
                        if (i > 0 && ticks[i] <= ticks[i - 1]) throw Fail(source, at, "ticks must increase");
                    }

                    schedules.Add(new Schedule(index, scale, ticks, scales));
                }
            }
        }

        LearningWatchdog? watchdog = null;
        if (spec.Watchdog is { } w)
        {
            if (performance is null) throw Fail(source, "watchdog", "needs learning.performance (the signal it watches; higher is better)");
            if (w.Floor is not { } floor || !float.IsFinite(floor)) throw Fail(source, "watchdog.floor", "required: the lowest acceptable moving mean of learning.performance");
            if (w.Window is < 1 or > 1_000_000) throw Fail(source, "watchdog.window", $"must be 1..1000000, got {w.Window}");
            if (w.SnapshotEvery is < 1 or > 100_000_000) throw Fail(source, "watchdog.snapshotEvery", $"must be 1..100000000, got {w.SnapshotEvery}");
            if (!plastic)
            {
                notes.Add("learning.watchdog: the model has no plastic edges; there is nothing to guard");
            }
            else
            {
                if (w.Checkpoint is { } path) Format.AtomicFile.CheckWritable(path);
                watchdog = new LearningWatchdog(session, new LearningWatchdogOptions
                {
                    Floor = floor,
                    Window = w.Window ?? 50,
                    SnapshotEvery = w.SnapshotEvery ?? 100,
                    CheckpointPath = w.Checkpoint,
                    Persist = w.Checkpoint is null ? null : persist,
                }, log);
            }
        }

        bool anySignal = modulator is not null || Array.Exists(errorExpressions, e => e is not null);
        if (anySignal && !plastic) notes.Add("the model has no plastic edges: the learning signals are computed and recorded, not learned from");
        var controller = new LearningController(session, channels.Count, modulator, errorExpressions, performance, plastic, [.. schedules], watchdog, notes);
        controller.ApplySchedules();
        return controller;
    }

    /// <summary>
    /// Evaluates the signals over this period's values and feeds them to the session's rules, applies the group
    /// schedules for the coming tick, and lets the watchdog judge the performance (it may roll back and freeze).
    /// Call after encoding the inputs and before stepping.
    /// </summary>
    /// <param name="inputs">The model's inputs as they will be set this period.</param>
    /// <param name="outputs">The model's outputs of the previous period.</param>
    /// <param name="channels">The host's channel values, in the order given to <see cref="Create"/>.</param>
    public void Update(ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs, ReadOnlySpan<float> channels)
    {
        var frame = _frame.AsSpan();
        inputs.CopyTo(frame);
        outputs.CopyTo(frame[_inputs..]);
        channels.CopyTo(frame[(_inputs + _outputs)..]);
        Updates++;
        var plasticity = _session.Plasticity;
        float signal = float.NaN;
        if (_modulator is not null)
        {
            Modulator = Finite(_modulator.Evaluate(frame));
            if (_feed) plasticity.SetModulator(Modulator);
            signal = Modulator;
        }

        bool anyError = false;
        for (int o = 0; o < _errorExpressions.Length; o++)
        {
            if (_errorExpressions[o] is { } e)
            {
                _errors[o] = Finite(e.Evaluate(frame));
                if (!anyError && float.IsNaN(signal)) signal = _errors[o];
                anyError = true;
            }
        }

        if (anyError && _feed) plasticity.SetErrors(_errors);
        if (_performance is not null)
        {
            float p = _performance.Evaluate(frame);
            if (!float.IsFinite(p)) NonFiniteSignals++;
            Performance = p;
            signal = p;
        }

        Signal = signal;
        if (_schedules.Length > 0) ApplySchedules();
        if (Watchdog is { } w)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            w.Observe(Performance);
            SnapshotBytes += GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    /// <summary>One line describing what is bound.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (_modulator is not null) parts.Add($"modulator = {_modulator}");
        for (int o = 0; o < _errorExpressions.Length; o++)
        {
            if (_errorExpressions[o] is { } e) parts.Add($"error {_session.Model.OutputNames[o]} = {e}");
        }

        if (_performance is not null) parts.Add($"performance = {_performance}");
        foreach (var s in _schedules) parts.Add($"schedule of group '{_session.Model.EdgeGroups[s.Group].Name}' ({s.Ticks.Length} points)");
        if (Watchdog is not null) parts.Add("watchdog on");
        return parts.Count == 0 ? "nothing bound" : string.Join("; ", parts);
    }

    private void ApplySchedules()
    {
        long tick = _session.Tick;
        var plasticity = _session.Plasticity;
        foreach (var s in _schedules) plasticity.SetGroupRateScale(s.Group, s.Base * s.At(tick));
    }

    private float Finite(float v)
    {
        if (float.IsFinite(v)) return v;
        NonFiniteSignals++;
        return 0f;
    }

    private static IfmException Fail(string source, string key, string what) =>
        new(IfmErrorCode.Configuration, $"{source}: learning.{key}: {what}".ReplaceLineEndings(" "));

    private static string List(IReadOnlyList<string> names) =>
        names.Count <= 16 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(16))}, … ({names.Count} in all)";

    private sealed class Schedule(int group, float baseScale, long[] ticks, float[] scales)
    {
        public readonly int Group = group;
        public readonly float Base = baseScale;
        public readonly long[] Ticks = ticks;
        public readonly float[] Scales = scales;

        public float At(long tick)
        {
            var t = Ticks;
            if (tick <= t[0]) return Scales[0];
            if (tick >= t[^1]) return Scales[^1];
            int i = 1;
            while (t[i] < tick) i++;
            double f = (double)(tick - t[i - 1]) / (t[i] - t[i - 1]);
            return (float)(Scales[i - 1] + (f * (Scales[i] - Scales[i - 1])));
        }
    }
}

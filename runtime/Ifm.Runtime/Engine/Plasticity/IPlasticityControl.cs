namespace Ifm.Runtime.Engine.Plasticity;

/// <summary>
/// Run-time control of a session's online learning. Every member is allocation-free, so the control loop may call
/// them every period. Learning changes only edges whose group carries a rule.
/// </summary>
public interface IPlasticityControl
{
    /// <summary>True when the model has at least one plastic edge group.</summary>
    bool HasRules { get; }

    /// <summary>Global switch: false freezes every rule (traces and weights stay as they are).</summary>
    bool Enabled { get; set; }

    /// <summary>Multiplies every rule's rate (η, κ, A±). 1 = as trained; 0 behaves like frozen.</summary>
    float LearningRateScale { get; set; }

    /// <summary>Number of edge groups of the model (plastic or not).</summary>
    int GroupCount { get; }

    /// <summary>Index of the group called <paramref name="name"/>, or −1.</summary>
    int FindGroup(string name);

    bool IsGroupEnabled(int group);

    /// <summary>Freezes (false) or unfreezes (true) one group.</summary>
    void SetGroupEnabled(int group, bool enabled);

    /// <summary>The learning-rate scale of one group (multiplies <see cref="LearningRateScale"/>); 1 unless set. 0 for static groups.</summary>
    float GetGroupRateScale(int group);

    /// <summary>Sets one plastic group's learning-rate scale (finite, ≥ 0; ignored for static groups): per-group schedules.</summary>
    void SetGroupRateScale(int group, float scale);

    /// <summary>The value of M(t) for neuromodulated rules whose modulator source is external.</summary>
    void SetModulator(float value);

    /// <summary>The error e of every output channel for PES rules (length = the model's output count); stays until changed.</summary>
    void SetErrors(ReadOnlySpan<float> errors);

    /// <summary>Learning activity so far.</summary>
    PlasticityStatistics Statistics { get; }

    /// <summary>Counts plastic edges whose effective weight sits at its rule's bound (scans the weights; no allocation).</summary>
    int CountWeightsAtBounds();

    /// <summary>True once the guard found a NaN or infinite weight or trace; learning is then frozen.</summary>
    bool GuardTripped { get; }

    /// <summary>What the guard found (group, edge, tick), or null.</summary>
    string? GuardMessage { get; }

    /// <summary>Clears the guard after the caller rolled back to a good state (Restore or a checkpoint) and re-enables learning.</summary>
    void ClearGuard();
}

/// <summary>Learning activity counters.</summary>
/// <param name="LearningTicks">Ticks in which at least one rule ran.</param>
/// <param name="LastMeanAbsDelta">
/// Mean weight change per plastic edge in the last learning tick: |Δw| for rules that change w (STDP, Oja, PES) and
/// |α·ΔH| for the trace rules (the change of w + α·H before the bounds are applied).
/// </param>
/// <param name="TotalAbsDelta">Sum of those changes since the start (or the last reset).</param>
public readonly record struct PlasticityStatistics(long LearningTicks, float LastMeanAbsDelta, double TotalAbsDelta);

namespace Ifm.Training;

/// <summary>Which ticks of a training window contribute to the loss.</summary>
public enum LossTicks
{
    /// <summary>Every tick: the output at tick t predicts the target recorded at tick t.</summary>
    Every,

    /// <summary>Only the last tick of each window (the reference Pong training's choice).</summary>
    Last,
}

/// <summary>Hyper-parameters of <see cref="Trainer"/>. Same options, data and seed: same model, bit for bit.</summary>
public sealed record TrainOptions
{
    public LossKind Loss { get; init; } = LossKind.Mse;

    public LossTicks LossTicks { get; init; } = LossTicks.Every;

    /// <summary>Window length of truncated BPTT, in ticks (state carries across windows; gradients do not).</summary>
    public int Window { get; init; } = 20;

    /// <summary>Streams processed per optimiser step (the training data is cut into about this many contiguous streams).</summary>
    public int Batch { get; init; } = 16;

    public int Epochs { get; init; } = 10;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Global gradient-norm bound (0: no clipping).</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Fraction of each sequence (its end) held out for validation and early stopping; 0 for none.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop after this many epochs without a better validation loss (0: never stop early).</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Ticks at the start of every sequence that carry no loss (the network has not seen enough input yet).</summary>
    public int Warmup { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>
    /// The output at tick t learns the target recorded at tick t + this many ticks. 1 for a policy whose output at
    /// tick t is the action applied in the next step, from recordings whose row t holds the key that produced row t's
    /// state (the Pong recordings: a key already shows in the paddle position of its own row).
    /// </summary>
    public int PredictAhead { get; init; }

    /// <summary>
    /// The target of tick t is the mean of the recorded targets of ticks t + <see cref="PredictAhead"/> … + this − 1:
    /// for one-hot actions, the share of each action over the coming ticks. A human starts a move at a random moment,
    /// so the per-tick chance of "start now" never wins an argmax; the share over a span says where the player is heading.
    /// </summary>
    public int TargetSpan { get; init; } = 1;

    /// <summary>
    /// Network ticks per recorded row: every row's inputs are held for this many ticks and only the last carries
    /// loss, as a runtime with <c>ticksPerPeriod</c> = this many runs the model. The output of tick t answers the inputs
    /// set at tick t − 2 (input → hidden → output, one tick per edge), so with 3 or more the output at the end of a
    /// period already answers that period's inputs; with 1 it answers the row before the previous one.
    /// <see cref="Window"/> and <see cref="Warmup"/> count network ticks.
    /// </summary>
    public int TicksPerRow { get; init; } = 1;

    /// <summary>Loss weight per target class (argmax of the target row); weighted mean over ticks.</summary>
    public ClassWeights ClassWeights { get; init; } = ClassWeights.None;

    /// <summary>Throws a clear error for options out of range.</summary>
    public void Validate()
    {
        if (Window < 1) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"window must be at least 1 tick, got {Window}");
        if (Batch < 1) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"batch must be at least 1, got {Batch}");
        if (Epochs < 1) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"epochs must be at least 1, got {Epochs}");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"learning rate must be positive, got {LearningRate}");
        if (!(ClipNorm >= 0)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"clip norm must be ≥ 0, got {ClipNorm}");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1)) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"validation fraction must be in [0, 1), got {ValidationFraction}");
        if (Patience < 0) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"patience must be ≥ 0, got {Patience}");
        if (Warmup < 0) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"warm-up must be ≥ 0 ticks, got {Warmup}");
        if (TargetSpan < 1) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"target span must be at least 1 tick, got {TargetSpan}");
        if (TicksPerRow < 1) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"ticks per row must be at least 1, got {TicksPerRow}");
        if (PredictAhead < 0) throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"predict-ahead must be ≥ 0 ticks, got {PredictAhead}");
        ArgumentNullException.ThrowIfNull(ClassWeights);
    }
}

/// <summary>Where training stands (reported after every optimiser step and at the end of every epoch).</summary>
public readonly record struct TrainProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double TrainLoss, double? ValidationLoss,
    double? ValidationAccuracy, TimeSpan Elapsed, bool EpochEnd)
{
    /// <summary>The selection score of this epoch (epoch ends of a training with a selection score only).</summary>
    public double? SelectionScore { get; init; }
}

/// <summary>The outcome of a training run.</summary>
public sealed record TrainResult(int EpochsRun, int BestEpoch, double TrainLoss, double? ValidationLoss, double? ValidationAccuracy, bool StoppedEarly,
    TimeSpan Elapsed, long Steps)
{
    /// <summary>The selection score of the best epoch, if training selected by one.</summary>
    public double? SelectionScore { get; init; }
}

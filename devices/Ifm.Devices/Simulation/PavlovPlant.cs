using System.Device.Gpio;

namespace Ifm.Devices.Simulation;

/// <summary>Stage of the Pavlov protocol.</summary>
public enum PavlovStage
{
    /// <summary>Food alone: the unconditioned F → S response.</summary>
    Initial,

    /// <summary>Food and bell together (pairing).</summary>
    Training,

    /// <summary>Bell alone: a conditioned animal salivates.</summary>
    Testing,

    /// <summary>Protocol over; no stimulus.</summary>
    Done,
}

/// <summary>Trial counts and timing of the Pavlov protocol, in control periods.</summary>
public sealed record PavlovSchedule(
    int InitialTrials = 3,
    int TrainingTrials = 10,
    int TestingTrials = 3,
    int StimulusPeriods = 5,
    int GapPeriods = 10)
{
    public int TrialPeriods => StimulusPeriods + GapPeriods;
    public int TotalTrials => InitialTrials + TrainingTrials + TestingTrials;
    public long TotalPeriods => (long)TotalTrials * TrialPeriods;

    public void Validate()
    {
        if (InitialTrials < 0 || TrainingTrials < 0 || TestingTrials < 0 || TotalTrials == 0)
        {
            throw new ArgumentException($"trial counts must be >= 0 with at least one trial, got {this}");
        }

        if (StimulusPeriods < 1 || GapPeriods < 0)
        {
            throw new ArgumentException($"stimulus must last >= 1 period and the gap >= 0, got {this}");
        }
    }

    /// <summary>Stage, trial number (0-based, over all stages) and stimuli at <paramref name="period"/>.</summary>
    public (PavlovStage Stage, int Trial, bool Food, bool Bell) At(long period)
    {
        if (period < 0 || period >= TotalPeriods)
        {
            return (PavlovStage.Done, TotalTrials, false, false);
        }

        int trial = (int)(period / TrialPeriods);
        bool on = period % TrialPeriods < StimulusPeriods;
        PavlovStage stage = trial < InitialTrials ? PavlovStage.Initial
            : trial < InitialTrials + TrainingTrials ? PavlovStage.Training
            : PavlovStage.Testing;
        return stage switch
        {
            PavlovStage.Initial => (stage, trial, on, false),
            PavlovStage.Training => (stage, trial, on, on),
            _ => (stage, trial, false, on),
        };
    }
}

/// <summary>What the plant saw in one trial.</summary>
public struct PavlovTrial
{
    public PavlovStage Stage;
    public bool Food;
    public bool Bell;

    /// <summary>Periods with salivation high while the stimulus was on.</summary>
    public int SalivationDuringStimulus;

    /// <summary>Periods with salivation high in the gap after the stimulus.</summary>
    public int SalivationDuringGap;
}

/// <summary>
/// Pavlov's conditioning experiment as a plant on a <see cref="SimulatedGpioDriver"/>: it drives the food (F) and
/// bell (R) input lines following <see cref="PavlovSchedule"/> (initial: food alone; training: food and bell
/// paired; testing: bell alone) and records the salivation (S) output line per trial.
/// </summary>
/// <remarks>
/// Period p's stimuli are on the lines before the loop reads its sensors in period p (the first at construction,
/// the next ones in <see cref="EndPeriod"/>); the salivation level the loop wrote in period p is recorded in
/// <see cref="EndPeriod"/>(p). Allocation-free after construction.
/// </remarks>
public sealed class PavlovPlant
{
    public const int DefaultFoodPin = 17;
    public const int DefaultBellPin = 27;
    public const int DefaultSalivationPin = 22;

    private readonly SimulatedGpioDriver _driver;
    private readonly PavlovTrial[] _trials;

    public PavlovPlant(SimulatedGpioDriver driver, PavlovSchedule? schedule = null, int foodPin = DefaultFoodPin,
        int bellPin = DefaultBellPin, int salivationPin = DefaultSalivationPin)
    {
        ArgumentNullException.ThrowIfNull(driver);
        Schedule = schedule ?? new PavlovSchedule();
        Schedule.Validate();
        _driver = driver;
        FoodPin = foodPin;
        BellPin = bellPin;
        SalivationPin = salivationPin;
        _trials = new PavlovTrial[Schedule.TotalTrials];
        for (int t = 0; t < _trials.Length; t++)
        {
            var (stage, _, food, bell) = Schedule.At((long)t * Schedule.TrialPeriods);
            _trials[t] = new PavlovTrial { Stage = stage, Food = food, Bell = bell };
        }

        Apply(0);
    }

    public PavlovSchedule Schedule { get; }
    public int FoodPin { get; }
    public int BellPin { get; }
    public int SalivationPin { get; }

    /// <summary>Periods completed.</summary>
    public long Period { get; private set; }

    public PavlovStage Stage => Schedule.At(Period).Stage;
    public bool IsDone => Period >= Schedule.TotalPeriods;
    public ReadOnlySpan<PavlovTrial> Trials => _trials;

    /// <summary>Records period <paramref name="period"/>'s salivation and puts the next period's stimuli on the lines.</summary>
    public void EndPeriod(long period)
    {
        var (stage, trial, _, _) = Schedule.At(period);
        if (stage != PavlovStage.Done && _driver.IsOpen(SalivationPin) && _driver.GetLevel(SalivationPin) == PinValue.High)
        {
            bool stimulusOn = period % Schedule.TrialPeriods < Schedule.StimulusPeriods;
            if (stimulusOn)
            {
                _trials[trial].SalivationDuringStimulus++;
            }
            else
            {
                _trials[trial].SalivationDuringGap++;
            }
        }

        Period = period + 1;
        Apply(period + 1);
    }

    private void Apply(long period)
    {
        var (_, _, food, bell) = Schedule.At(period);
        _driver.SetInput(FoodPin, food ? PinValue.High : PinValue.Low);
        _driver.SetInput(BellPin, bell ? PinValue.High : PinValue.Low);
    }
}

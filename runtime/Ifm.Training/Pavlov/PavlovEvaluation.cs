using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Training.Pavlov;

/// <summary>The response of a trained model to the trials of a schedule, run in the runtime's CPU session.</summary>
public static class PavlovEvaluation
{
    /// <summary>S's peak output during each trial's stimulus (and the latency ticks after it), from a fresh session.</summary>
    public static float[] PeakResponses(IfmModel model, IReadOnlyList<ConditioningTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(trials);
        if (model.InputCount != 2 || model.OutputCount != 1)
            throw new Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.Configuration, $"a Pavlov model has 2 inputs (food, bell) and 1 output (salivation); this one has {model.InputCount} and {model.OutputCount}");
        var seq = PavlovSequences.ToSequence(trials, "schedule");
        using var session = new CpuSession(model);
        var y = new float[1];
        var peaks = new float[trials.Count];
        int per = PavlovSequences.StimulusTicks + PavlovSequences.RestTicks;
        Array.Fill(peaks, float.NegativeInfinity);
        for (int t = 0; t < seq.Ticks; t++)
        {
            session.SetInputs(seq.InputRows(t, 1));
            session.Step();
            session.ReadOutputs(y);
            int k = t - PavlovSequences.Latency;
            if (k < 0) continue;
            int trial = k / per;
            if (trial < trials.Count && k % per < PavlovSequences.StimulusTicks) peaks[trial] = Math.Max(peaks[trial], y[0]);
        }

        return peaks;
    }

    /// <summary>Fraction of trials where "S &gt; 0.5 at its peak" equals the expected response, over many schedules.</summary>
    public static (double Accuracy, int Trials, double TestAccuracyConditioned, double TestAccuracyUnconditioned) Score(IfmModel model, IEnumerable<List<ConditioningTrial>> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        int right = 0, total = 0, condRight = 0, cond = 0, uncondRight = 0, uncond = 0;
        foreach (var s in schedules)
        {
            var peaks = PeakResponses(model, s);
            var expected = PavlovSequences.Expected(s);
            for (int i = 0; i < s.Count; i++)
            {
                bool ok = peaks[i] > 0.5f == expected[i];
                total++;
                if (ok) right++;
                if (s[i].Stage != "testing") continue;
                if (expected[i])
                {
                    cond++;
                    if (ok) condRight++;
                }
                else
                {
                    uncond++;
                    if (ok) uncondRight++;
                }
            }
        }

        return ((double)right / total, total, cond == 0 ? double.NaN : (double)condRight / cond, uncond == 0 ? double.NaN : (double)uncondRight / uncond);
    }
}

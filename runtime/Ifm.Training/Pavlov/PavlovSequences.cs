using System.Globalization;
using System.Text;
using Ifm.Training.Data;

namespace Ifm.Training.Pavlov;

/// <summary>One trial of a conditioning schedule: which stimuli are on, in which stage.</summary>
public readonly record struct ConditioningTrial(string Stage, bool Food, bool Bell);

/// <summary>
/// Pavlov's conditioning sequences for training and scoring (the paper's example; not the simulated stimulus box's
/// timetable, which is Ifm.Devices' <c>PavlovSchedule</c>): inputs F (food) and R (bell), output S (salivation).
/// Initial stage: food alone or bell alone; training stage: food and bell together; testing stage: bell alone.
/// The target: S salivates during a trial when food is present, or when the bell rings after at least
/// <see cref="PairingsToCondition"/> pairings; it rests otherwise. The numbers of trials per stage vary between
/// sequences (so the network must count pairings, not memorise a timetable). The response follows the stimulus by
/// <see cref="Latency"/> ticks (input → hidden → output).
/// </summary>
public static class PavlovSequences
{
    public const int StimulusTicks = 5;
    public const int RestTicks = 5;
    public const int PairingsToCondition = 2;
    public const int Latency = 2;

    /// <summary>A random schedule: 1–3 initial trials (at least one bell alone), 0–5 pairings, 2–4 bell tests.</summary>
    public static List<ConditioningTrial> Random(Random rng, int maxPairings = 5)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var trials = new List<ConditioningTrial>();
        int initial = rng.Next(1, 4);
        int bellAt = rng.Next(initial);
        for (int i = 0; i < initial; i++)
        {
            bool bell = i == bellAt || rng.Next(2) == 0;
            trials.Add(new ConditioningTrial("initial", !bell, bell));
        }

        int pairings = rng.Next(0, maxPairings + 1);
        for (int i = 0; i < pairings; i++) trials.Add(new ConditioningTrial("training", true, true));
        int tests = rng.Next(2, 5);
        for (int i = 0; i < tests; i++) trials.Add(new ConditioningTrial("testing", false, true));
        return trials;
    }

    /// <summary>The expected response of each trial: food, or a bell after enough pairings.</summary>
    public static bool[] Expected(IReadOnlyList<ConditioningTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(trials);
        var result = new bool[trials.Count];
        int pairings = 0;
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            result[i] = t.Food || (t.Bell && pairings >= PairingsToCondition);
            if (t.Food && t.Bell) pairings++;
        }

        return result;
    }

    /// <summary>Ticks of a schedule: inputs (food, bell) and the target S (1 salivating, 0 resting).</summary>
    public static TickSequence ToSequence(IReadOnlyList<ConditioningTrial> trials, string source)
    {
        var expected = Expected(trials);
        int per = StimulusTicks + RestTicks, ticks = trials.Count * per + Latency;
        var x = new float[ticks * 2];
        var y = new float[ticks];
        for (int i = 0; i < trials.Count; i++)
        {
            for (int k = 0; k < StimulusTicks; k++)
            {
                int t = i * per + k;
                x[2 * t] = trials[i].Food ? 1 : 0;
                x[2 * t + 1] = trials[i].Bell ? 1 : 0;
                y[t + Latency] = expected[i] ? 1 : 0;
            }
        }

        return new TickSequence(source, 2, x, 1, y);
    }

    /// <summary>The sequence in the tick-file layout ("food,bell&lt;TAB&gt;salivation" per line) that ifm train reads.</summary>
    public static string ToText(TickSequence s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder("# Pavlov conditioning: food,bell<TAB>salivation, one tick per line\n");
        for (int t = 0; t < s.Ticks; t++)
        {
            sb.Append(string.Join(',', s.InputRows(t, 1).ToArray().Select(v => v.ToString(CultureInfo.InvariantCulture))));
            sb.Append('\t').Append(s.TargetRow(t)[0].ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }
}

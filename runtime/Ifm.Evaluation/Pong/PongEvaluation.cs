using System.Globalization;
using Ifm.Devices.Simulation;
using Ifm.Runtime.Data;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Training;
using Ifm.Training.Data;

namespace Ifm.Evaluation.Pong;

/// <summary>Hits and misses of a policy (or of the human in a recording), and on how many ticks a key was pressed.</summary>
public readonly record struct PongScore(int Hits, int Misses, long Ticks, long KeyTicks)
{
    public double HitRate => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);

    /// <summary>Fraction of ticks with a key pressed (left or right).</summary>
    public double KeyRate => Ticks == 0 ? double.NaN : (double)KeyTicks / Ticks;
}

/// <summary>The closed-loop Pong benchmark and the action-accuracy measure on recordings.</summary>
public static class PongEvaluation
{
    /// <summary>
    /// The game the published figures are measured on: the plant of <c>ifm run --sim pong</c> with its restart
    /// positions drawn from <c>new Random(seed)</c>, deterministic for a seed.
    /// </summary>
    public static PongGame NewGame(int seed) => new(new Random(seed));

    /// <summary>Plays <paramref name="ticks"/> ticks of a game seeded with <paramref name="seed"/>.</summary>
    public static PongScore Play(IPongPolicy policy, long ticks, int seed) => Play(policy, NewGame(seed), ticks);

    /// <summary>Plays <paramref name="ticks"/> ticks of <paramref name="game"/> (a perturbed one, say) from its current state.</summary>
    public static PongScore Play(IPongPolicy policy, PongGame game, long ticks) => Play(policy, game, ticks, null);

    /// <summary>As above; <paramref name="progress"/> gets the ticks played so far every 4096 ticks and at the end.</summary>
    public static PongScore Play(IPongPolicy policy, PongGame game, long ticks, Action<long>? progress)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(game);
        long hits0 = game.Hits, misses0 = game.Misses, keys = 0;
        for (long t = 0; t < ticks; t++)
        {
            var action = policy.Act(game);
            if (action != PongAction.None) keys++;
            game.Tick(action.ToKey());
            if (((t + 1) & 4095) == 0) progress?.Invoke(t + 1);
        }

        progress?.Invoke(ticks);
        return new PongScore((int)(game.Hits - hits0), (int)(game.Misses - misses0), ticks, keys);
    }

    /// <summary>
    /// Plays <paramref name="games"/> games of <paramref name="ticksPerGame"/> ticks, seeded <paramref name="firstSeed"/>,
    /// +1, …, each with a fresh policy from <paramref name="policyForSeed"/> (disposed after its game), and sums the scores.
    /// One game alone can be misleading: a player that hits a few balls in a row may lock the ball into a periodic
    /// path that it keeps hitting, so a single seed decides much of the score.
    /// </summary>
    public static PongScore PlayGames(Func<int, IPongPolicy> policyForSeed, long ticksPerGame, int firstSeed, int games)
        => PlayGames(policyForSeed, ticksPerGame, firstSeed, games, null);

    /// <summary>As above; <paramref name="progress"/> gets the ticks played so far over all games.</summary>
    public static PongScore PlayGames(Func<int, IPongPolicy> policyForSeed, long ticksPerGame, int firstSeed, int games, Action<long>? progress)
    {
        ArgumentNullException.ThrowIfNull(policyForSeed);
        ArgumentOutOfRangeException.ThrowIfLessThan(games, 1);
        int hits = 0, misses = 0;
        long ticks = 0, keys = 0;
        for (int g = 0; g < games; g++)
        {
            var policy = policyForSeed(firstSeed + g);
            try
            {
                long before = g * ticksPerGame;
                var s = Play(policy, NewGame(firstSeed + g), ticksPerGame, progress is null ? null : t => progress(before + t));
                hits += s.Hits;
                misses += s.Misses;
                ticks += s.Ticks;
                keys += s.KeyTicks;
            }
            finally
            {
                (policy as IDisposable)?.Dispose();
            }
        }

        return new PongScore(hits, misses, ticks, keys);
    }

    /// <summary>
    /// The human's score in a raw recording (d*.txt: ball_x, ball_y, paddle_x, paddle_y, action, TAB-separated):
    /// a hit is a downward ball turning upward near the paddle, a miss a restart (a jump that is not a 4-px move).
    /// </summary>
    public static PongScore HumanScore(string path)
    {
        var rows = new List<(int X, int Y)>();
        long keys = 0;
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var f = line.Split('\t');
            if (f.Length != 5) throw new DataFormatException($"{path}:{lineNo}: {f.Length} TAB-separated fields, expected 5 (ball_x, ball_y, paddle_x, paddle_y, action)");
            if (!int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int x) || !int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int y))
                throw new DataFormatException($"{path}:{lineNo}: ball position is not a pair of integers");
            rows.Add((x, y));
            if (f[4].Trim() is not "0") keys++;
        }

        int hits = 0, misses = 0;
        for (int i = 1; i + 1 < rows.Count; i++)
        {
            int dx = rows[i + 1].X - rows[i].X, dy0 = rows[i].Y - rows[i - 1].Y, dy1 = rows[i + 1].Y - rows[i].Y;
            if (Math.Abs(dx) != PongGame.BallSpeed || Math.Abs(dy1) != PongGame.BallSpeed) misses++;
            else if (dy0 > 0 && dy1 < 0 && rows[i].Y + PongGame.BallSize > PongGame.PaddleY - PongGame.BallSpeed) hits++;
        }

        return new PongScore(hits, misses, rows.Count, keys);
    }

    /// <summary>The target alignment a model was trained with (metadata <c>training.predict-ahead</c>; 0 if absent).</summary>
    public static int PredictAhead(IfmModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ExtraMetadata.TryGetValue("training.predict-ahead", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 0 ? k : 0;
    }

    /// <summary>Network ticks per recorded row the model was trained with (metadata <c>training.ticks-per-row</c>; 1 if absent).</summary>
    public static int TicksPerRow(IfmModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ExtraMetadata.TryGetValue("training.ticks-per-row", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 1 ? k : 1;
    }

    /// <summary>
    /// Action accuracy of a model on a recording in the c*.txt layout, run tick by tick from a fresh session: the
    /// fraction of ticks t where the argmax of the outputs is the key recorded at tick t + <paramref name="ahead"/>
    /// (1: the key of the next step, what the closed-loop player must choose). Also returns the accuracy of always
    /// answering the most frequent key (the floor to beat) and the balanced accuracy (the mean over keys of the
    /// fraction of that key's ticks answered right: 1/3 for any constant answer). Every row is held for
    /// <paramref name="ticksPerRow"/> network ticks.
    /// </summary>
    public static (double Accuracy, double MajorityAccuracy, double BalancedAccuracy, int Ticks) ActionAccuracy(IfmModel model, TickSequence recording, int ahead = 0, int ticksPerRow = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ahead);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticksPerRow, 1);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(recording);
        if (recording.InputWidth != model.InputCount || recording.TargetWidth != model.OutputCount)
            throw new DataFormatException($"{recording.Source}: {recording.InputWidth} inputs and {recording.TargetWidth} targets per tick; the model has {model.InputCount} and {model.OutputCount}");
        recording = recording.ShiftTargets(ahead);
        using var session = new CpuSession(model);
        var y = new float[model.OutputCount];
        var counts = new int[model.OutputCount];
        var hits = new int[model.OutputCount];
        int correct = 0;
        for (int t = 0; t < recording.Ticks; t++)
        {
            session.SetInputs(recording.InputRows(t, 1));
            for (int k = 0; k < ticksPerRow; k++) session.Step();
            session.ReadOutputs(y);
            int target = Losses.ArgMax(recording.TargetRow(t));
            counts[target]++;
            if (Losses.ArgMax(y) == target)
            {
                correct++;
                hits[target]++;
            }
        }

        double balanced = Enumerable.Range(0, counts.Length).Where(c => counts[c] > 0).Average(c => (double)hits[c] / counts[c]);
        return ((double)correct / recording.Ticks, (double)counts.Max() / recording.Ticks, balanced, recording.Ticks);
    }
}

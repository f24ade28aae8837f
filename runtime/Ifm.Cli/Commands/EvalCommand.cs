using System.CommandLine;
using System.Globalization;
using Ifm.Training.Data;
using Ifm.Training.Pavlov;
using Ifm.Evaluation.Pong;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm eval pong</c>: the closed-loop Pong benchmark of a model, next to baseline policies and the human recordings.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate a model on a benchmark task.");
        cmd.Subcommands.Add(CreatePong());
        cmd.Subcommands.Add(CreatePavlov());
        return cmd;
    }

    private static Command CreatePong()
    {
        var model = CommonOptions.ModelArgument();
        var ticks = new Option<int>("--ticks") { Description = "Game ticks to play per policy.", DefaultValueFactory = _ => 20_000 }.Positive();
        var seed = new Option<int>("--seed") { Description = "Seed of the game's ball restarts (and of the random policy).", DefaultValueFactory = _ => 1 };
        var heldout = new Option<string[]>("--heldout") { Description = "Recordings in the c*.txt layout for the action accuracy (not used in training).", AllowMultipleArgumentsPerToken = true };
        var games = new Option<int>("--games") { Description = "Games per policy, seeded --seed, --seed + 1, …; hits and misses are summed.", DefaultValueFactory = _ => 1 }.Positive();
        var period = new Option<int?>("--ticks-per-period") { Description = "Network ticks per game tick (default: the model's training.ticks-per-row, else 1)." };
        var human = new Option<string[]>("--human") { Description = "Raw recordings (d*.txt) to score the human player on.", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("pong", "Play the recordings' one-paddle Pong in closed loop: hit rate = hits / (hits + misses).") { model, ticks, seed, games, period, heldout, human };
        cmd.SetAction(r =>
        {
            var m = CommonOptions.LoadModel(r.GetValue(model)!);
            int n = r.GetValue(ticks), s = r.GetValue(seed), g = r.GetValue(games);
            int perPeriod = r.GetValue(period) ?? PongEvaluation.TicksPerRow(m);
            if (perPeriod < 1) throw new CliException($"--ticks-per-period must be at least 1, got {perPeriod}");
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"Pong, {(g == 1 ? $"{n:N0} ticks, seed {s}" : $"{g} games of {n:N0} ticks, seeds {s}–{s + g - 1}")}, model at {perPeriod} network tick(s) per game tick: hit rate = hits / (hits + misses)"));
            Console.WriteLine("policy                         hits  misses  hit rate  key pressed");
            void Row(string name, PongScore score) => Console.WriteLine(string.Create(c,
                $"{name,-28} {score.Hits,6}  {score.Misses,6}  {(double.IsNaN(score.HitRate) ? "—" : (score.HitRate * 100).ToString("0.0", c) + " %"),8}  {score.KeyRate * 100,9:0.0} %"));

            PongScore modelScore;
            modelScore = PongEvaluation.PlayGames(_ => new ModelPolicy(m, perPeriod), n, s, g);
            Row("model " + Path.GetFileName(r.GetValue(model)!), modelScore);
            Row("random", PongEvaluation.PlayGames(seedOfGame => new RandomPolicy(seedOfGame), n, s, g));
            Row("never move", PongEvaluation.PlayGames(_ => new NeverMovePolicy(), n, s, g));
            foreach (var path in r.GetValue(human) ?? [])
            {
                if (!File.Exists(path)) throw new CliException($"recording '{path}' does not exist");
                var h = PongEvaluation.HumanScore(path);
                Row(string.Create(c, $"human {Path.GetFileName(path)} ({h.Ticks:N0} t)"), h);
            }

            foreach (var path in r.GetValue(heldout) ?? [])
            {
                var seq = TickSequence.Load(path);
                int ahead = PongEvaluation.PredictAhead(m);
                var (acc, majority, balanced, count) = PongEvaluation.ActionAccuracy(m, seq, ahead, perPeriod);
                string which = ahead == 0 ? "the key of the same row" : string.Create(c, $"the key {ahead} tick(s) later");
                Console.WriteLine(string.Create(c, $"action accuracy on {Path.GetFileName(path)} ({count:N0} ticks, output vs {which}): {acc * 100:0.0} % (always the most frequent key: {majority * 100:0.0} %); balanced accuracy (mean recall per key) {balanced * 100:0.0} % (constant key: 33.3 %)"));
            }

            return 0;
        });
        return cmd;
    }

    private static Command CreatePavlov()
    {
        var model = CommonOptions.ModelArgument();
        var seed = new Option<int>("--seed") { Description = "Seed of the random unseen schedules.", DefaultValueFactory = _ => 1000 };
        var count = new Option<int>("--schedules") { Description = "Random schedules to score.", DefaultValueFactory = _ => 500 }.Positive();
        var cmd = new Command("pavlov", "Pavlov's conditioning on trial schedules the model was not trained on.") { model, seed, count };
        cmd.SetAction(r =>
        {
            var m = CommonOptions.LoadModel(r.GetValue(model)!);
            var c = CultureInfo.InvariantCulture;
            void Show(string title, List<PavlovTrial> trials)
            {
                var peaks = PavlovEvaluation.PeakResponses(m, trials);
                var expected = PavlovSequences.Expected(trials);
                Console.WriteLine(title);
                Console.WriteLine("  stage      food  bell   S (peak)  salivates  expected");
                for (int i = 0; i < trials.Count; i++)
                {
                    Console.WriteLine(string.Create(c, $"  {trials[i].Stage,-9}  {(trials[i].Food ? 1 : 0),4}  {(trials[i].Bell ? 1 : 0),4}   {peaks[i],8:0.000}  {(peaks[i] > 0.5 ? "yes" : "no"),-9}  {(expected[i] ? "yes" : "no")}"));
                }
            }

            static List<PavlovTrial> Schedule(int foodFirst, int bellFirst, int pairings, int tests) =>
            [
                .. Enumerable.Repeat(new PavlovTrial("initial", true, false), foodFirst),
                .. Enumerable.Repeat(new PavlovTrial("initial", false, true), bellFirst),
                .. Enumerable.Repeat(new PavlovTrial("training", true, true), pairings),
                .. Enumerable.Repeat(new PavlovTrial("testing", false, true), tests),
            ];

            Show("Schedule A (8 pairings: more than any training sequence had):", Schedule(1, 2, 8, 3));
            Show("Schedule B (1 pairing: too few to condition):", Schedule(1, 1, 1, 3));
            var rng = new Random(r.GetValue(seed));
            int n = r.GetValue(count);
            var (acc, trials, cond, uncond) = PavlovEvaluation.Score(m, Enumerable.Range(0, n).Select(_ => PavlovSequences.Random(rng, maxPairings: 8)));
            Console.WriteLine(string.Create(c, $"{n} random unseen schedules (seed {r.GetValue(seed)}, 0–8 pairings), {trials:N0} trials: {acc * 100:0.0} % of trials respond as expected"));
            Console.WriteLine(string.Create(c, $"  bell tests after ≥ {PavlovSequences.PairingsToCondition} pairings salivate: {cond * 100:0.0} %; bell tests after fewer pairings stay silent: {uncond * 100:0.0} %"));
            return 0;
        });
        return cmd;
    }
}

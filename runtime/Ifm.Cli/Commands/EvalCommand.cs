using System.CommandLine;
using System.Globalization;
using Ifm.Training.Data;
using Ifm.Training.Pavlov;
using Ifm.Devices.Simulation;
using Ifm.Evaluation.Adaptation;
using Ifm.Evaluation.Pong;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm eval pong</c>: the closed-loop Pong benchmark of a model, next to baseline policies and the human recordings;
/// <c>ifm eval pavlov</c>; <c>ifm eval adapt</c>: static and adaptive models through the same perturbation timeline.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate a model on a benchmark task.");
        cmd.Subcommands.Add(CreatePong());
        cmd.Subcommands.Add(CreatePavlov());
        cmd.Subcommands.Add(CreateAdapt());
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

            // The model's games are the long part (a network step per game tick): a progress bar on stderr.
            var progress = ProgressBar.ForConsole();
            long total = (long)n * g;
            PongScore modelScore = PongEvaluation.PlayGames(_ => new ModelPolicy(m, perPeriod), n, s, g, done => progress.Report(done, total, "ticks", "model"));
            progress.Finish();
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
            void Show(string title, List<ConditioningTrial> trials)
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

            static List<ConditioningTrial> Schedule(int foodFirst, int bellFirst, int pairings, int tests) =>
            [
                .. Enumerable.Repeat(new ConditioningTrial("initial", true, false), foodFirst),
                .. Enumerable.Repeat(new ConditioningTrial("initial", false, true), bellFirst),
                .. Enumerable.Repeat(new ConditioningTrial("training", true, true), pairings),
                .. Enumerable.Repeat(new ConditioningTrial("testing", false, true), tests),
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

    private static Command CreateAdapt()
    {
        var models = new Argument<string[]>("models") { Description = "Models to compare (a static one and an adaptive one, with plastic edge groups); each plays the same game.", Arity = ArgumentArity.OneOrMore };
        var plant = new Option<string>("--plant") { Description = "The perturbed plant: pong (hit rate) or servo (RMS tracking error).", DefaultValueFactory = _ => "pong" };
        plant.AcceptOnlyFromAmong("pong", "servo");
        var ticks = new Option<int?>("--ticks") { Description = "Game ticks / servo steps per model (default pong 60,000, servo 6,000 = 60 s)." };
        var seed = new Option<int>("--seed") { Description = "Pong: seed of the game's ball restarts (the same for every model).", DefaultValueFactory = _ => 101 };
        var window = new Option<int?>("--window") { Description = "Ticks per reported window (default pong 5,000, servo 100 = 1 s)." };
        var final = new Option<int?>("--final") { Description = "Ticks at the end that make the final score (default pong 20,000, servo 2,000)." };
        var perturb = new Option<string[]>("--perturb") { Description = "Repeatable. Pong: TICK:OFFSET:SPEED (from game tick TICK the paddle sensor reads OFFSET px more and a key moves the paddle SPEED px; nominal 0:7). Servo: STEP:GAIN:FRICTION:LOAD (nominal 1:0.1:0).", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON to stdout." };
        var cmd = new Command("adapt", "Static and adaptive models through the same perturbation timeline: per-window performance, time to recover, final performance.") { models, plant, ticks, seed, window, final, perturb, json };
        cmd.SetAction(r =>
        {
            bool servo = r.GetValue(plant) == "servo";
            int n = r.GetValue(ticks) ?? (servo ? 6_000 : 60_000), w = r.GetValue(window) ?? (servo ? 100 : 5_000);
            int f = r.GetValue(final) ?? (servo ? 2_000 : 20_000), s = r.GetValue(seed);
            if (n < 1 || w < 1 || f < 1) throw new CliException("--ticks, --window and --final must be positive");
            if (f > n) throw new CliException($"--final ({f}) must not exceed --ticks ({n})");
            if (servo) return EvalServo(r.GetValue(models)!, r.GetValue(perturb) ?? [], n, w, f, r.GetValue(json));
            var perturbations = (r.GetValue(perturb) ?? []).Select(ParsePongPerturbation).ToArray();
            var runs = new List<AdaptationRun>();
            foreach (var path in r.GetValue(models)!)
            {
                var m = CommonOptions.LoadModel(path);
                runs.Add(PongAdaptation.Run(Path.GetFileName(path), m, s, n, w, f, perturbations, PongEvaluation.TicksPerRow(m)));
            }

            var c = CultureInfo.InvariantCulture;
            if (r.GetValue(json))
            {
                using var stdout = Console.OpenStandardOutput();
                using var jw = new System.Text.Json.Utf8JsonWriter(stdout, new System.Text.Json.JsonWriterOptions { Indented = true });
                jw.WriteStartObject();
                jw.WriteString("plant", "pong");
                jw.WriteNumber("seed", s);
                jw.WriteNumber("ticks", n);
                WriteArray(jw, "perturbations", perturbations, static (jw, p) =>
                {
                    jw.WriteNumber("tick", p.AtTick);
                    jw.WriteNumber("paddleSensorOffset", p.PaddleSensorOffset);
                    jw.WriteNumber("paddleSpeed", p.PaddleSpeed);
                });
                WriteArray(jw, "models", runs, static (jw, run) =>
                {
                    WriteModel(jw, run.Name, run.Adaptive, run.Windows, WriteWindow);
                    if (run.RecoveryTicks is long rt) jw.WriteNumber("recoveryTicks", rt); else jw.WriteNull("recoveryTicks");
                    jw.WritePropertyName("final");
                    WriteWindow(jw, run.Final);
                });
                jw.WriteEndObject();
                jw.Flush();
                stdout.WriteByte((byte)'\n');
                return 0;
            }

            Console.WriteLine(string.Create(c, $"Pong, {n:N0} ticks, seed {s}, perturbations: {(perturbations.Length == 0 ? "none" : string.Join(", ", perturbations.Select(p => $"from tick {p.AtTick:N0} sensor offset {p.PaddleSensorOffset} px, paddle speed {p.PaddleSpeed} px")))}"));
            Console.WriteLine("hit rate per window of " + w.ToString("N0", c) + " ticks:");
            WriteWindowTable("ticks", [.. runs.Select(r => r.Name)], runs[0].Windows.Count,
                i => (runs[0].Windows[i].StartTick, runs[0].Windows[i].EndTick), (m, i) => Rate(runs[m].Windows[i]));

            foreach (var run in runs)
            {
                string recovery = perturbations.Length == 0 ? "no perturbation" : run.RecoveryTicks switch { null => "not recovered", 0 => "never fell", long t => string.Create(c, $"{t:N0} ticks") };
                Console.WriteLine(string.Create(c, $"{run.Name} ({(run.Adaptive ? "adaptive" : "static")}): final {f:N0} ticks {run.Final.Hits} hits, {run.Final.Misses} misses ({Rate(run.Final)}); back to ≥ {PongAdaptation.RecoveryRate * 100:0} % over {PongAdaptation.RecoveryBalls} balls after the switch: {recovery}"));
            }

            return 0;
        });
        return cmd;
    }

    private static int EvalServo(string[] paths, string[] perturbText, int n, int w, int f, bool json)
    {
        var perturbations = perturbText.Select(ParseServoPerturbation).ToArray();
        var runs = new List<ServoRun>();
        foreach (var path in paths)
        {
            try
            {
                runs.Add(ServoAdaptation.Run(Path.GetFileName(path), CommonOptions.LoadModel(path), n, w, f, perturbations));
            }
            catch (ArgumentException e)
            {
                throw new CliException($"{path}: {e.Message}");
            }
        }

        var c = CultureInfo.InvariantCulture;
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            using var jw = new System.Text.Json.Utf8JsonWriter(stdout, new System.Text.Json.JsonWriterOptions { Indented = true });
            jw.WriteStartObject();
            jw.WriteString("plant", "servo");
            jw.WriteNumber("steps", n);
            jw.WriteNumber("stepSeconds", ServoPlant.Dt);
            WriteArray(jw, "perturbations", perturbations, static (jw, p) =>
            {
                jw.WriteNumber("step", p.AtStep);
                jw.WriteNumber("gain", p.Gain);
                jw.WriteNumber("friction", p.Friction);
                jw.WriteNumber("load", p.Load);
            });
            WriteArray(jw, "models", runs, static (jw, run) =>
            {
                WriteModel(jw, run.Name, run.Adaptive, run.Windows, static (jw, win) =>
                {
                    jw.WriteStartObject();
                    jw.WriteNumber("start", win.StartStep);
                    jw.WriteNumber("end", win.EndStep);
                    jw.WriteNumber("rmsError", win.RmsError);
                    jw.WriteEndObject();
                });
                if (run.HalvingSteps is long h) jw.WriteNumber("halvingSteps", h); else jw.WriteNull("halvingSteps");
                jw.WriteNumber("finalRmsError", run.FinalRmsError);
            });
            jw.WriteEndObject();
            jw.Flush();
            stdout.WriteByte((byte)'\n');
            return 0;
        }

        Console.WriteLine(string.Create(c, $"servo, {n:N0} steps of {ServoPlant.Dt * 1000:0} ms, perturbations: {(perturbations.Length == 0 ? "none" : string.Join(", ", perturbations.Select(p => $"from step {p.AtStep:N0} gain {p.Gain:0.###}, friction {p.Friction:0.###}, load {p.Load:0.###}")))}"));
        Console.WriteLine(string.Create(c, $"RMS tracking error (rad) per window of {w:N0} steps:"));
        WriteWindowTable("steps", [.. runs.Select(r => r.Name)], runs[0].Windows.Count,
            i => (runs[0].Windows[i].StartStep, runs[0].Windows[i].EndStep), (m, i) => runs[m].Windows[i].RmsError.ToString("0.0000", c));

        foreach (var run in runs)
        {
            string halving = run.HalvingSteps is long h ? string.Create(c, $"{h:N0} steps ({h * ServoPlant.Dt:0.00} s)") : "never";
            Console.WriteLine(string.Create(c, $"{run.Name} ({(run.Adaptive ? "adaptive" : "static")}): final {f:N0} steps RMS error {run.FinalRmsError:0.0000} rad; error halved after the switch: {halving}"));
        }

        return 0;
    }

    /// <summary>The per-window table of <c>eval adapt</c>: a row per window (its tick or step range), a column per model.</summary>
    private static void WriteWindowTable(string unit, IReadOnlyList<string> names, int rows, Func<int, (long Start, long End)> window, Func<int, int, string> cell)
    {
        var c = CultureInfo.InvariantCulture;
        Console.Write($"  {unit,-15}");
        foreach (string name in names) Console.Write($" {Trim(name),18}");
        Console.WriteLine();
        for (int i = 0; i < rows; i++)
        {
            var (start, end) = window(i);
            Console.Write(string.Create(c, $"  {start,6}–{end,-7}"));
            for (int m = 0; m < names.Count; m++) Console.Write(string.Create(c, $" {cell(m, i),18}"));
            Console.WriteLine();
        }
    }

    private static string Trim(string s) => s.Length <= 18 ? s : s[..17] + "…";

    private static string Rate(WindowScore w) =>
        double.IsNaN(w.HitRate) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{w.HitRate * 100:0.0} % ({w.Hits}/{w.Hits + w.Misses})");

    /// <summary>A JSON array of objects, one per item, each written by <paramref name="write"/> (the `--json` reports of both plants).</summary>
    private static void WriteArray<T>(System.Text.Json.Utf8JsonWriter jw, string name, IEnumerable<T> items, Action<System.Text.Json.Utf8JsonWriter, T> write)
    {
        jw.WriteStartArray(name);
        foreach (var item in items)
        {
            jw.WriteStartObject();
            write(jw, item);
            jw.WriteEndObject();
        }

        jw.WriteEndArray();
    }

    /// <summary>A model's name, whether it learns, and its per-window scores.</summary>
    private static void WriteModel<TWindow>(System.Text.Json.Utf8JsonWriter jw, string name, bool adaptive, IEnumerable<TWindow> windows,
        Action<System.Text.Json.Utf8JsonWriter, TWindow> writeWindow)
    {
        jw.WriteString("name", name);
        jw.WriteBoolean("adaptive", adaptive);
        jw.WriteStartArray("windows");
        foreach (var win in windows) writeWindow(jw, win);
        jw.WriteEndArray();
    }

    private static void WriteWindow(System.Text.Json.Utf8JsonWriter jw, WindowScore win)
    {
        jw.WriteStartObject();
        jw.WriteNumber("start", win.StartTick);
        jw.WriteNumber("end", win.EndTick);
        jw.WriteNumber("hits", win.Hits);
        jw.WriteNumber("misses", win.Misses);
        if (double.IsNaN(win.HitRate)) jw.WriteNull("hitRate"); else jw.WriteNumber("hitRate", win.HitRate);
        jw.WriteEndObject();
    }

    /// <summary>STEP:GAIN:FRICTION:LOAD, as the virtual MCU's --perturb for its servo.</summary>
    internal static ServoPerturbation ParseServoPerturbation(string text)
    {
        var f = text.Split(':');
        var c = CultureInfo.InvariantCulture;
        if (f.Length != 4 || !long.TryParse(f[0], NumberStyles.Integer, c, out long at) ||
            !float.TryParse(f[1], NumberStyles.Float, c, out float gain) || !float.TryParse(f[2], NumberStyles.Float, c, out float friction) ||
            !float.TryParse(f[3], NumberStyles.Float, c, out float load))
        {
            throw new CliException($"--perturb '{text}': expected STEP:GAIN:FRICTION:LOAD (e.g. 3000:1:0.1:0.4)");
        }

        var p = new ServoPerturbation(at, gain, friction, load);
        try
        {
            p.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--perturb '{text}': {e.Message}");
        }

        return p;
    }

    /// <summary>TICK:OFFSET:SPEED, as the virtual MCU's --perturb.</summary>
    internal static PongPerturbation ParsePongPerturbation(string text)
    {
        var f = text.Split(':');
        if (f.Length != 3 || !long.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long at) ||
            !int.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int offset) ||
            !int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int speed))
        {
            throw new CliException($"--perturb '{text}': expected TICK:OFFSET:SPEED (integers, e.g. 5000:30:7)");
        }

        var p = new PongPerturbation(at, offset, speed);
        try
        {
            p.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliException($"--perturb '{text}': {e.Message}");
        }

        return p;
    }
}

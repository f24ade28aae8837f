using Ifm.Devices.Simulation;
using Ifm.Evaluation.Pong;
using Ifm.Training;
using Ifm.Training.Data;

namespace Ifm.Evaluation.Tests;

/// <summary>
/// The Pong game as the evaluation plays it, against hand-worked scenarios and the recordings (tests/data/pong/README.md),
/// and the closed-loop scores.
/// </summary>
public sealed class PongEvaluationTests
{
    private static PongGame Game(int seed, int x, int y, int dx, int dy, int paddle = PongGame.PaddleStartX)
    {
        var g = PongEvaluation.NewGame(seed);
        g.SetBall(x, y, dx, dy);
        g.SetPaddle(paddle);
        return g;
    }

    private static int Step(PongGame g, PongAction a) => g.Tick(a.ToKey());

    [Fact]
    public void Starts_like_the_recordings_and_moves_the_ball_four_pixels()
    {
        var g = PongEvaluation.NewGame(1);
        Assert.Equal((100, 150, 75), (g.BallX, g.BallY, g.PaddleX));
        Step(g, PongAction.None);
        Assert.Equal((104, 146, 75), (g.BallX, g.BallY, g.PaddleX));   // d0.txt line 2
    }

    [Fact]
    public void Bounces_off_the_right_wall_when_the_ball_reaches_it()
    {
        // d0.txt: x 184 → 188 (188 + 15 ≥ 200: bounce) → 184.
        var g = Game(1, 184, 100, 4, -4);
        Step(g, PongAction.None);
        Assert.Equal(188, g.BallX);
        Step(g, PongAction.None);
        Assert.Equal(184, g.BallX);
        g = Game(1, 4, 100, -4, 4);
        Step(g, PongAction.None);
        Step(g, PongAction.None);
        Assert.Equal(4, g.BallX);   // 4 → 0 (bounce) → 4
    }

    [Fact]
    public void Bounces_off_the_top()
    {
        var g = Game(1, 100, 2, 4, -4);
        Step(g, PongAction.None);
        Assert.Equal(-2, g.BallY);
        Step(g, PongAction.None);
        Assert.Equal(2, g.BallY);
    }

    [Fact]
    public void Hits_when_the_ball_overlaps_the_paddle_before_it_moves()
    {
        // d0.txt line 2095: ball (176, 242) moving down-left, paddle at 124 moving left: at (172, 246) the ball
        // overlaps the paddle's old place 124..174 (not its new 117..167): a hit.
        var g = Game(1, 176, 242, -4, 4, 124);
        Assert.Equal(1, Step(g, PongAction.Left));
        Assert.Equal((172, 246, 117, -4), (g.BallX, g.BallY, g.PaddleX, g.BallDy));
        Assert.Equal(1, g.Hits);
        Step(g, PongAction.None);
        Assert.Equal(242, g.BallY);
    }

    [Fact]
    public void Misses_and_restarts_inside_the_restart_grid()
    {
        var g = Game(3, 10, 278, 4, 4, 150);
        Assert.Equal(0, Step(g, PongAction.None));     // 282: bottom at 297
        Assert.Equal(-1, Step(g, PongAction.None));     // 286: bottom at 301 ≥ 300
        Assert.Equal(1, g.Misses);
        Assert.InRange(g.BallX, 30, 160);
        Assert.InRange(g.BallY, 30, 240);
        Assert.Equal(0, g.BallX % 10);
        Assert.Equal(0, g.BallY % 10);
        Assert.Equal((4, -4), (g.BallDx, g.BallDy));
        Assert.Equal(0, g.Hits);
    }

    [Fact]
    public void The_paddle_stops_where_the_recordings_show()
    {
        var g = PongEvaluation.NewGame(1);
        for (int i = 0; i < 30; i++) Step(g, PongAction.Left);
        Assert.Equal(-2, g.PaddleX);    // 75 − 11·7
        for (int i = 0; i < 40; i++) Step(g, PongAction.Right);
        Assert.Equal(152, g.PaddleX);   // −2 + 22·7
    }

    [Fact]
    public void Encodes_like_the_c_files()
    {
        var bits = new float[24];
        PongObservation.Encode(100, 150, 75, bits);
        // c0.txt line 1 (d0.txt: 100, 150, 75).
        Assert.Equal(new float[] { 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 1 }, bits);
        PongObservation.Encode(-2, -2, -2, bits);
        Assert.All(bits, b => Assert.Equal(0f, b));
        PongObservation.Encode(188, 0, 0, bits);
        Assert.Equal(new float[] { 1, 0, 1, 1, 1, 1, 1, 0 }, bits[..8]);   // 190 as 8-bit two's complement
    }

    [Fact]
    public void Never_moving_misses_balls_that_are_not_over_the_start_position()
    {
        var score = PongEvaluation.Play(new NeverMovePolicy(), 5000, 1);
        Assert.True(score.Misses > 0 && score.Hits > 0);
        var again = PongEvaluation.Play(new NeverMovePolicy(), 5000, 1);
        Assert.Equal(score, again);
    }

    private static string Recording(string name)
    {
        string path = Path.Combine(RepoRoot(), "tests", "data", "pong", name);
        Assert.True(File.Exists(path), $"the Pong recordings (tests/data/pong/{name}) are needed for this test");
        return path;
    }

    private static PongAction Key(int recorded) => recorded switch { 1 => PongAction.Right, -1 => PongAction.Left, _ => PongAction.None };

    /// <summary>
    /// All four recordings, every tick: driven by the recorded keys, the game lands on the recorded state; after a
    /// miss the ball restarts where the recording's does (the human's game drew its own random numbers).
    /// </summary>
    [Theory]
    [InlineData("d0.txt")]
    [InlineData("d1.txt")]
    [InlineData("d2.txt")]
    [InlineData("d3.txt")]
    public void The_game_reproduces_every_recorded_tick(string file)
    {
        var rows = File.ReadLines(Recording(file)).Where(l => l.Length > 0).Select(l => l.Split('\t').Select(int.Parse).ToArray()).ToArray();
        var g = PongEvaluation.NewGame(1);
        Assert.Equal((g.BallX, g.BallY, g.PaddleX), (rows[0][0], rows[0][1], rows[0][2]));
        int hits = 0, misses = 0;
        for (int t = 1; t < rows.Length; t++)
        {
            var e = Step(g, Key(rows[t][4]));
            if (e == 1) hits++;
            if (e == -1)
            {
                misses++;
                Assert.True(rows[t][0] is >= 30 and <= 160 && rows[t][0] % 10 == 0 && rows[t][1] is >= 30 and <= 240 && rows[t][1] % 10 == 0,
                    $"{file} tick {t}: the recording restarts at ({rows[t][0]}, {rows[t][1]}), off the restart grid");
                g.SetBall(rows[t][0], rows[t][1], g.BallDx, g.BallDy);
            }

            Assert.True((g.BallX, g.BallY, g.PaddleX) == (rows[t][0], rows[t][1], rows[t][2]),
                $"{file} tick {t}: game ({g.BallX}, {g.BallY}, {g.PaddleX}), recording ({rows[t][0]}, {rows[t][1]}, {rows[t][2]})");
            Assert.Equal(260, rows[t][3]);
        }

        var human = PongEvaluation.HumanScore(Recording(file));
        Assert.Equal((human.Hits, human.Misses), (hits, misses));
        Assert.InRange(misses, 1, 10);
    }

    /// <summary>
    /// c*.txt row t is d*.txt row t encoded, and its key is the one that moved the paddle INTO row t's position: the
    /// key shows in the row's own inputs. A closed-loop player chooses the key of the next row (train with predict-ahead 1).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void A_rows_key_is_the_move_that_led_to_its_state(int file)
    {
        var d = File.ReadLines(Recording($"d{file}.txt")).Where(l => l.Length > 0).Select(l => l.Split('\t').Select(int.Parse).ToArray()).ToArray();
        var c = TickSequence.Load(Recording($"c{file}.txt"));
        Assert.Equal(d.Length, c.Ticks);
        var bits = new float[24];
        int moved = 0;
        for (int t = 0; t < d.Length; t++)
        {
            PongObservation.Encode(d[t][0], d[t][1], d[t][2], bits);
            Assert.True(bits.AsSpan().SequenceEqual(c.InputRows(t, 1)), $"c{file}.txt row {t} is not d{file}.txt row {t} encoded");
            Assert.Equal(Key(d[t][4]), (PongAction)Losses.ArgMax(c.TargetRow(t)));
            if (t == 0) continue;
            int step = d[t][2] - d[t - 1][2];
            int expected = Key(d[t][4]) switch
            {
                PongAction.Right => d[t - 1][2] + PongGame.PaddleWidth < PongGame.FieldWidth ? PongGame.PaddleSpeed : 0,
                PongAction.Left => d[t - 1][2] > 0 ? -PongGame.PaddleSpeed : 0,
                _ => 0,
            };
            Assert.True(step == expected, $"d{file}.txt row {t}: key {d[t][4]}, paddle moved {step} px since the previous row");
            if (step != 0) moved++;
        }

        Assert.True(moved > 1000, $"only {moved} moves");
    }

    /// <summary>A Pong model without edges whose output <paramref name="key"/> has a positive bias: it always answers that key.</summary>
    private static Ifm.Runtime.Model.IfmModel ConstantModel(PongAction key)
    {
        var b = new Ifm.Runtime.Model.ModelBuilder { Name = "constant", Dt = 0.001f };
        b.AddPopulation("in", Ifm.Runtime.Model.NeuronKind.Ifm, Ifm.Runtime.Model.NeuronRole.Input, 24);
        b.AddPopulation("out", Ifm.Runtime.Model.NeuronKind.Ifm, Ifm.Runtime.Model.NeuronRole.Output, 3);
        b.AddEdgeGroup("static");
        b.SetBias(24 + (int)key, 1f);
        return b.Build();
    }

    [Fact]
    public void A_model_that_always_answers_none_plays_like_never_moving_and_scores_the_share_of_none()
    {
        var model = ConstantModel(PongAction.None);
        using (var policy = new ModelPolicy(model, ticksPerPeriod: 2))
        {
            var score = PongEvaluation.Play(policy, 3000, 5);
            Assert.Equal(PongEvaluation.Play(new NeverMovePolicy(), 3000, 5), score);
            Assert.Equal(0, score.KeyTicks);
        }

        var random = PongEvaluation.Play(new RandomPolicy(5), 3000, 5);
        Assert.InRange(random.KeyRate, 0.6, 0.73);

        var c = TickSequence.Load(Recording("c3.txt")).Slice(0, 2000);
        for (int ahead = 0; ahead <= 2; ahead++)
        {
            var (accuracy, majority, balanced, ticks) = PongEvaluation.ActionAccuracy(model, c, ahead);
            int none = Enumerable.Range(ahead, 2000 - ahead).Count(t => Losses.ArgMax(c.TargetRow(t)) == (int)PongAction.None);
            Assert.Equal(2000 - ahead, ticks);
            Assert.Equal((double)none / ticks, accuracy, 12);
            Assert.Equal(accuracy, majority, 12);
            Assert.Equal(1.0 / 3, balanced, 12);
        }

        var (leftAccuracy, _, leftBalanced, _) = PongEvaluation.ActionAccuracy(ConstantModel(PongAction.Left), c, 1, ticksPerRow: 3);
        Assert.Equal(Enumerable.Range(1, 1999).Count(t => Losses.ArgMax(c.TargetRow(t)) == (int)PongAction.Left) / 1999.0, leftAccuracy, 12);
        Assert.Equal(1.0 / 3, leftBalanced, 12);
    }

    [Fact]
    public void Several_games_sum_the_scores_of_their_seeds_with_a_fresh_policy_each()
    {
        var seeds = new List<int>();
        var total = PongEvaluation.PlayGames(seed => { seeds.Add(seed); return new RandomPolicy(seed); }, 2000, 7, 3);
        Assert.Equal(new[] { 7, 8, 9 }, seeds);
        var parts = seeds.Select(s => PongEvaluation.Play(new RandomPolicy(s), 2000, s)).ToArray();
        Assert.Equal(new PongScore(parts.Sum(p => p.Hits), parts.Sum(p => p.Misses), 6000, parts.Sum(p => p.KeyTicks)), total);
        Assert.Equal(PongEvaluation.Play(new RandomPolicy(7), 2000, 7), PongEvaluation.PlayGames(s => new RandomPolicy(s), 2000, 7, 1));
    }

    [Fact]
    public void The_pong_selection_score_is_the_hit_rate_of_the_selection_game()
    {
        var b = new Ifm.Runtime.Model.ModelBuilder { Name = "none", Dt = 0.001f };
        b.AddPopulation("in", Ifm.Runtime.Model.NeuronKind.Ifm, Ifm.Runtime.Model.NeuronRole.Input, 24);
        b.AddPopulation("out", Ifm.Runtime.Model.NeuronKind.Ifm, Ifm.Runtime.Model.NeuronRole.Output, 3);
        b.AddEdgeGroup("static");
        b.SetBias(26, 1f);   // always "none"
        var expected = PongEvaluation.PlayGames(_ => new NeverMovePolicy(), PongSelection.TicksPerGame, PongSelection.FirstSeed, PongSelection.Games).HitRate;
        int hits = 0, misses = 0;
        for (int g = 0; g < PongSelection.Games; g++)
        {
            var one = PongEvaluation.Play(new NeverMovePolicy(), PongSelection.TicksPerGame, PongSelection.FirstSeed + g);
            hits += one.Hits;
            misses += one.Misses;
        }

        Assert.Equal((double)hits / (hits + misses), expected, 12);
        Assert.Equal(expected, PongSelection.HitRate(b.Build()), 12);
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "tests", "data", "pong", "d0.txt"))) return d.FullName;
        }

        throw new InvalidOperationException("cannot find the repository root (tests/data/pong) above " + AppContext.BaseDirectory);
    }
}

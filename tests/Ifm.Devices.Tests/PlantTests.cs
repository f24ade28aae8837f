using System.Device.Gpio;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

public class PongGameTests
{
    [Fact]
    public void Bounces_off_the_right_wall_without_position_correction()
    {
        var g = new PongGame();
        g.SetBall(180, 100, 4, -4);
        g.Tick(0);
        Assert.Equal((184, 96, 4), (g.BallX, g.BallY, g.BallDx)); // right edge 199 < 200
        g.Tick(0);
        Assert.Equal((188, -4), (g.BallX, g.BallDx));             // right edge 203 >= 200: flip
        g.Tick(0);
        Assert.Equal(184, g.BallX);
    }

    [Fact]
    public void Bounces_off_the_left_and_top_walls()
    {
        var g = new PongGame();
        g.SetBall(4, 8, -4, -4);
        g.Tick(0);
        Assert.Equal((0, 4, 4, -4), (g.BallX, g.BallY, g.BallDx, g.BallDy)); // left edge 0 <= 0: flip x
        g.Tick(0);
        Assert.Equal((4, 0, 4, 4), (g.BallX, g.BallY, g.BallDx, g.BallDy));  // top 0 <= 0: flip y
        g.Tick(0);
        Assert.Equal((8, 4), (g.BallX, g.BallY));
    }

    [Fact]
    public void Paddle_moves_7_and_stops_at_the_recorded_limits()
    {
        var g = new PongGame();
        var xs = new List<int>();
        for (int i = 0; i < 13; i++)
        {
            g.Tick(-1);
            xs.Add(g.PaddleX);
        }

        Assert.Equal(68, xs[0]);
        Assert.Equal(-2, xs[10]); // 75 - 77: moved because 5 > 0
        Assert.Equal(-2, xs[12]); // no further
        for (int i = 0; i < 30; i++)
        {
            g.Tick(+1);
        }

        Assert.Equal(152, g.PaddleX); // 145 + 50 < 200 → 152; 202 is not < 200 → stays
    }

    [Fact]
    public void Paddle_hit_reflects_a_falling_ball_and_counts()
    {
        var g = new PongGame();
        g.SetBall(90, 240, 4, 4); // paddle at 75..125, top 260
        g.Tick(0);
        Assert.Equal((94, 244, 4), (g.BallX, g.BallY, g.BallDy)); // bottom 259: no overlap yet
        Assert.Equal(1, g.Tick(0));                                // (98, 248): bottom 263 > 260 → hit
        Assert.Equal(-4, g.BallDy);
        Assert.Equal(1, g.Hits);
        g.Tick(0);
        Assert.Equal(244, g.BallY);
        Assert.Equal(0, g.Misses);
    }

    [Fact]
    public void No_hit_while_the_ball_moves_up_through_the_paddle()
    {
        var g = new PongGame();
        g.SetBall(90, 266, 4, -4); // overlapping but moving up
        g.Tick(0);
        Assert.Equal(0, g.Hits);
        Assert.Equal(-4, g.BallDy);
    }

    [Fact]
    public void Miss_restarts_on_the_grid_moving_up_right()
    {
        var g = new PongGame(seed: 5);
        g.SetPaddle(-2);
        g.SetBall(150, 280, 4, 4);
        Assert.Equal(0, g.Tick(0));  // y 284, bottom 299
        Assert.Equal(-1, g.Tick(0)); // y 288, bottom 303 >= 300 → miss
        Assert.Equal(1, g.Misses);
        Assert.Equal(0, g.Hits);
        Assert.InRange(g.BallX, 30, 160);
        Assert.Equal(0, g.BallX % 10);
        Assert.InRange(g.BallY, 30, 240);
        Assert.Equal(0, g.BallY % 10);
        Assert.Equal((4, -4), (g.BallDx, g.BallDy));
    }

    [Fact]
    public void Restarts_cover_the_grid_and_are_seeded()
    {
        var xs = new HashSet<int>();
        var ys = new HashSet<int>();
        var a = new PongGame(seed: 9);
        var b = new PongGame(seed: 9);
        for (int i = 0; i < 20_000; i++)
        {
            if (a.Tick(0) == -1)
            {
                xs.Add(a.BallX);
                ys.Add(a.BallY);
            }

            b.Tick(0);
        }

        Assert.Equal((a.BallX, a.BallY, a.Misses, a.Hits), (b.BallX, b.BallY, b.Misses, b.Hits));
        Assert.True(a.Misses > 50, $"misses {a.Misses}"); // a still paddle misses most balls
        Assert.Subset(Enumerable.Range(3, 14).Select(i => i * 10).ToHashSet(), xs);
        Assert.Subset(Enumerable.Range(3, 22).Select(i => i * 10).ToHashSet(), ys);
        Assert.True(xs.Count >= 12 && ys.Count >= 18, $"{xs.Count} x and {ys.Count} y restart positions");
    }

    [Fact]
    public void A_tracking_player_hits_most_balls()
    {
        var g = new PongGame(seed: 3);
        for (int i = 0; i < 20_000; i++)
        {
            int ball = g.BallX + 7, paddle = g.PaddleX + 25;
            g.Tick(ball > paddle + 3 ? 1 : ball < paddle - 3 ? -1 : 0);
        }

        Assert.True(g.Hits > 100, $"hits {g.Hits}");
        Assert.True(g.Hits > 10 * g.Misses, $"hits {g.Hits}, misses {g.Misses}");
    }
}

public class PavlovTests
{
    [Fact]
    public void Schedule_stages_by_hand()
    {
        var s = new PavlovSchedule(InitialTrials: 2, TrainingTrials: 3, TestingTrials: 2, StimulusPeriods: 4, GapPeriods: 6);
        Assert.Equal(70, s.TotalPeriods);
        Assert.Equal((PavlovStage.Initial, 0, true, false), s.At(0));
        Assert.Equal((PavlovStage.Initial, 0, true, false), s.At(3));
        Assert.Equal((PavlovStage.Initial, 0, false, false), s.At(4));
        Assert.Equal((PavlovStage.Initial, 1, true, false), s.At(10));
        Assert.Equal((PavlovStage.Training, 2, true, true), s.At(20));
        Assert.Equal((PavlovStage.Training, 4, false, false), s.At(49));
        Assert.Equal((PavlovStage.Testing, 5, false, true), s.At(50));
        Assert.Equal((PavlovStage.Testing, 6, false, true), s.At(63));
        Assert.Equal(PavlovStage.Done, s.At(70).Stage);
    }

    [Fact]
    public void Plant_drives_stimulus_lines_and_records_salivation()
    {
        var driver = new SimulatedGpioDriver();
        using var gpio = new GpioController(driver);
        var schedule = new PavlovSchedule(1, 1, 1, StimulusPeriods: 2, GapPeriods: 2);
        var plant = new PavlovPlant(driver, schedule);
        gpio.OpenPin(plant.SalivationPin, PinMode.Output);
        gpio.OpenPin(plant.FoodPin, PinMode.Input);
        gpio.OpenPin(plant.BellPin, PinMode.Input);
        var seen = new List<string>();
        for (long p = 0; p < schedule.TotalPeriods; p++)
        {
            bool food = gpio.Read(plant.FoodPin) == PinValue.High, bell = gpio.Read(plant.BellPin) == PinValue.High;
            seen.Add($"{(food ? 'F' : '-')}{(bell ? 'R' : '-')}");
            gpio.Write(plant.SalivationPin, food || (bell && p >= 8) || p == 3 ? PinValue.High : PinValue.Low);
            plant.EndPeriod(p);
        }

        Assert.Equal(["F-", "F-", "--", "--", "FR", "FR", "--", "--", "-R", "-R", "--", "--"], seen);
        Assert.True(plant.IsDone);
        PavlovTrial[] t = plant.Trials.ToArray();
        Assert.Equal((PavlovStage.Initial, 2, 1), (t[0].Stage, t[0].SalivationDuringStimulus, t[0].SalivationDuringGap));
        Assert.Equal((PavlovStage.Training, 2, 0), (t[1].Stage, t[1].SalivationDuringStimulus, t[1].SalivationDuringGap));
        Assert.Equal((PavlovStage.Testing, 2, 0), (t[2].Stage, t[2].SalivationDuringStimulus, t[2].SalivationDuringGap));
        Assert.True(t[2].Bell && !t[2].Food);
    }
}

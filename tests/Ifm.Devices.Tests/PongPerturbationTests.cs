using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>Run-time perturbations of the Pong plant: each changes the plant from its tick on, and only as specified.</summary>
public class PongPerturbationTests
{
    [Fact]
    public void Sensor_offset_shifts_what_the_sensor_reads_from_its_tick_on_but_not_the_paddle_that_hits()
    {
        var g = new PongGame(seed: 4);
        var nominal = new PongGame(seed: 4);
        g.Perturb(new PongPerturbation(AtTick: 3, PaddleSensorOffset: 30));
        var sensor = new PongSensor("pong", g);
        var v = new float[4];
        for (int t = 0; t < 3; t++)
        {
            sensor.Read(v);
            Assert.Equal(g.PaddleX, (int)v[2]);
            g.Tick(t % 2 == 0 ? 1 : 0);
            nominal.Tick(t % 2 == 0 ? 1 : 0);
        }

        // From tick 3 on the sensor reads 30 px too far right; the game itself is the nominal one.
        for (int t = 3; t < 2000; t++)
        {
            sensor.Read(v);
            Assert.Equal(g.PaddleX + 30, (int)v[2]);
            Assert.Equal((nominal.BallX, nominal.BallY, nominal.PaddleX, nominal.Hits, nominal.Misses), (g.BallX, g.BallY, g.PaddleX, g.Hits, g.Misses));
            int key = t % 3 - 1;
            g.Tick(key);
            nominal.Tick(key);
        }
    }

    [Fact]
    public void Paddle_speed_changes_at_its_tick_and_a_later_perturbation_restores_the_plant()
    {
        var g = new PongGame();
        g.Perturb(new PongPerturbation(AtTick: 2, PaddleSpeed: 3), new PongPerturbation(AtTick: 4));
        int[] xs = new int[6];
        for (int t = 0; t < 6; t++)
        {
            g.Tick(-1);
            xs[t] = g.PaddleX;
        }

        Assert.Equal(new[] { 68, 61, 58, 55, 48, 41 }, xs);
        Assert.Equal((PongGame.PaddleSpeed, 0), (g.PaddleStep, g.PaddleSensorOffset));
    }

    [Fact]
    public void Perturbations_out_of_range_are_refused_with_the_field_named()
    {
        var g = new PongGame();
        Assert.Contains("paddle speed must be 1..50", Assert.Throws<ArgumentException>(() => g.Perturb(new PongPerturbation(0, PaddleSpeed: 0))).Message);
        Assert.Contains("tick must be ≥ 0", Assert.Throws<ArgumentException>(() => g.Perturb(new PongPerturbation(-1))).Message);
        Assert.Contains("sensor offset", Assert.Throws<ArgumentException>(() => g.Perturb(new PongPerturbation(0, PaddleSensorOffset: 500))).Message);
    }

    [Fact]
    public void The_contact_sensor_reports_the_true_ball_minus_paddle_offset_on_hit_and_miss_ticks_only()
    {
        var g = new PongGame(seed: 3);
        g.Perturb(new PongPerturbation(0, PaddleSensorOffset: 30)); // the paddle sensor's offset must not reach it
        var sensor = new PongSensor("pong", g);
        var v = new float[4];
        g.SetPaddle(100);
        g.SetBall(120, 240, 4, 4);          // falls onto the paddle's right half
        int result = 0;
        while (result == 0) result = g.Tick(0);
        Assert.Equal(1, result);
        sensor.Read(v);
        Assert.Equal(g.BallX + 7.5f - (g.PaddleX + 25f), v[3]);
        Assert.True(v[3] > 0);
        g.Tick(0);
        sensor.Read(v);
        Assert.Equal(0f, v[3]);            // between contacts it reads 0

        g.SetPaddle(0);
        g.SetBall(120, 240, 4, 4);          // passes right of the paddle: a miss
        result = 0;
        float atMiss = 0;
        while (result == 0)
        {
            float x = g.BallX + 4 + 7.5f;   // where the ball's centre will be after this tick's move
            result = g.Tick(0);
            atMiss = x;
        }

        Assert.Equal(-1, result);
        Assert.Equal(atMiss - 25f, g.Contact);
        Assert.True(g.Contact > 32.5f, $"a miss right of the paddle reads beyond the paddle's half width, got {g.Contact}");
    }
}

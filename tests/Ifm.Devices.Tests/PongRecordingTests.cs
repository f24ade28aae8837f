using Ifm.Devices.Simulation;

namespace Ifm.Devices.Tests;

/// <summary>
/// The simulated Pong plant against the human recordings d0–d3 (tests/data/pong): driven by the recorded keys it must
/// land on every recorded state, so a model trained on the recordings meets the same game in the control loop.
/// </summary>
public sealed class PongRecordingTests
{
    [Theory]
    [InlineData("d0.txt")]
    [InlineData("d1.txt")]
    [InlineData("d2.txt")]
    [InlineData("d3.txt")]
    public void The_plant_reproduces_every_recorded_tick(string file)
    {
        int[][] rows = File.ReadLines(Recording(file)).Where(l => l.Length > 0).Select(l => l.Split('\t').Select(int.Parse).ToArray()).ToArray();
        var game = new PongGame(seed: 1, ballX: rows[0][0], ballY: rows[0][1]);
        Assert.Equal(rows[0][2], game.PaddleX);
        long hits = 0, misses = 0;
        for (int t = 1; t < rows.Length; t++)
        {
            int result = game.Tick(rows[t][4]);
            if (result > 0) hits++;
            if (result < 0)
            {
                misses++;
                game.SetBall(rows[t][0], rows[t][1], PongGame.BallSpeed, -PongGame.BallSpeed); // the human's game drew its own restart
            }

            Assert.True((game.BallX, game.BallY, game.PaddleX) == (rows[t][0], rows[t][1], rows[t][2]),
                $"{file} tick {t}: plant ({game.BallX}, {game.BallY}, {game.PaddleX}), recording ({rows[t][0]}, {rows[t][1]}, {rows[t][2]})");
        }

        Assert.Equal((hits, misses), (game.Hits, game.Misses));
        Assert.InRange(misses, 1, 10);
        Assert.True(hits > 10 * misses, $"{file}: {hits} hits, {misses} misses");
    }

    [Fact]
    public void Restart_positions_come_from_the_given_random_source_x_first()
    {
        // The training library's evaluations pass new Random(seed); their published hit rates depend on this order.
        var game = new PongGame(new Random(7));
        var expected = new Random(7);
        for (int miss = 0; miss < 3; miss++)
        {
            game.SetBall(10, 278, PongGame.BallSpeed, PongGame.BallSpeed);
            game.SetPaddle(150);
            Assert.Equal(0, game.Tick(0));   // bottom at 297
            Assert.Equal(-1, game.Tick(0));  // bottom at 301: a miss
            Assert.Equal((10 * (3 + expected.Next(14)), 10 * (3 + expected.Next(22))), (game.BallX, game.BallY));
            Assert.Equal((PongGame.BallSpeed, -PongGame.BallSpeed), (game.BallDx, game.BallDy));
        }
    }

    private static string Recording(string name)
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string path = Path.Combine(dir, "tests", "data", "pong", name);
            if (File.Exists(path)) return path;
        }

        throw new FileNotFoundException($"tests/data/pong/{name} not found above {AppContext.BaseDirectory}");
    }
}

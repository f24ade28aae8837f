using Plant = Ifm.Devices.Simulation.PongGame;

namespace Ifm.Training.Pong;

/// <summary>A key press of the Pong player; the order is the output channel order of the c*.txt recordings.</summary>
public enum PongAction
{
    Right,
    Left,
    None,
}

/// <summary>What happened to the ball in one tick.</summary>
public enum PongEvent
{
    None,

    /// <summary>The ball bounced off the paddle.</summary>
    Hit,

    /// <summary>The ball's bottom reached the bottom of the field: the game restarts.</summary>
    Miss,
}

/// <summary>
/// The one-paddle Pong game of the recordings (tests/data/pong/README.md) as the training library plays it: the plant of
/// <c>ifm run --sim pong</c> (<see cref="Ifm.Devices.Simulation.PongGame"/>, where the rules live) with the key as a
/// <see cref="PongAction"/>, the outcome as a <see cref="PongEvent"/>, the c*.txt input encoding, and restart positions
/// drawn from <c>new Random(seed)</c>, deterministic for a seed.
/// </summary>
public sealed class PongGame
{
    public const int Width = Plant.FieldWidth;
    public const int Height = Plant.FieldHeight;
    public const int BallSize = Plant.BallSize;
    public const int BallSpeed = Plant.BallSpeed;
    public const int PaddleWidth = Plant.PaddleWidth;
    public const int PaddleHeight = Plant.PaddleHeight;
    public const int PaddleTop = Plant.PaddleY;
    public const int PaddleSpeed = Plant.PaddleSpeed;
    public const int PaddleStart = Plant.PaddleStartX;

    private readonly Plant _game;

    /// <summary>Starts as the recordings do: ball at (100, 150) moving up-right, paddle at x = 75.</summary>
    public PongGame(int seed) => _game = new Plant(new Random(seed));

    public int BallX
    {
        get => _game.BallX;
        set => _game.SetBall(value, _game.BallY, _game.BallDx, _game.BallDy);
    }

    public int BallY
    {
        get => _game.BallY;
        set => _game.SetBall(_game.BallX, value, _game.BallDx, _game.BallDy);
    }

    /// <summary>Horizontal velocity, ±<see cref="BallSpeed"/>.</summary>
    public int BallVx
    {
        get => _game.BallDx;
        set => _game.SetBall(_game.BallX, _game.BallY, value, _game.BallDy);
    }

    /// <summary>Vertical velocity, ±<see cref="BallSpeed"/> (positive: down).</summary>
    public int BallVy
    {
        get => _game.BallDy;
        set => _game.SetBall(_game.BallX, _game.BallY, _game.BallDx, value);
    }

    public int PaddleX
    {
        get => _game.PaddleX;
        set => _game.SetPaddle(value);
    }

    public long Ticks => _game.Ticks;

    public int Hits => (int)_game.Hits;

    public int Misses => (int)_game.Misses;

    /// <summary>hits / (hits + misses); NaN before the first hit or miss.</summary>
    public double HitRate => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);

    public PongEvent Step(PongAction action) =>
        _game.Tick(action switch { PongAction.Right => 1, PongAction.Left => -1, _ => 0 }) switch
        {
            1 => PongEvent.Hit,
            -1 => PongEvent.Miss,
            _ => PongEvent.None,
        };

    /// <summary>
    /// The c*.txt input encoding of the current state: 8-bit two's complement (most significant bit first) of
    /// ball_x + 2, ball_y + 2 and paddle_x + 2 → 24 values of 0 or 1.
    /// </summary>
    public void Encode(Span<float> inputs) => Encode(BallX, BallY, PaddleX, inputs);

    public static void Encode(int ballX, int ballY, int paddleX, Span<float> inputs)
    {
        if (inputs.Length < 24) throw new ArgumentException("the Pong observation needs 24 input values");
        Bits(ballX + 2, inputs[..8]);
        Bits(ballY + 2, inputs.Slice(8, 8));
        Bits(paddleX + 2, inputs.Slice(16, 8));
    }

    private static void Bits(int value, Span<float> into)
    {
        int v = value & 0xFF;
        for (int b = 0; b < 8; b++) into[b] = (v >> (7 - b)) & 1;
    }
}

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
/// The one-paddle Pong game of the recordings (tests/data/pong/README.md), deterministic for a seed. One tick:
/// the ball moves by its velocity; it bounces off the left/right walls (x ≤ 0, x + 15 ≥ 200) and the top (y ≤ 0);
/// moving down and overlapping the paddle (checked against the paddle before it moves) it bounces up: a hit; when its
/// bottom reaches y ≥ 300 it is a miss and the ball restarts at a random x ∈ {30, 40, …, 160}, y ∈ {30, 40, …, 240},
/// moving up-right. Then the paddle moves 7 px by the tick's action, unless that would take it further out of the
/// field (it moves left only while x &gt; 0, right only while x + 50 &lt; 200). The order of these steps and the
/// boundary conditions are the ones the recordings d0–d3 show.
/// </summary>
public sealed class PongGame
{
    public const int Width = 200;
    public const int Height = 300;
    public const int BallSize = 15;
    public const int BallSpeed = 4;
    public const int PaddleWidth = 50;
    public const int PaddleHeight = 10;
    public const int PaddleTop = 260;
    public const int PaddleSpeed = 7;
    public const int PaddleStart = 75;

    private readonly Random _rng;

    /// <summary>Starts as the recordings do: ball at (100, 150) moving up-right, paddle at x = 75.</summary>
    public PongGame(int seed)
    {
        _rng = new Random(seed);
        BallX = 100;
        BallY = 150;
        BallVx = BallSpeed;
        BallVy = -BallSpeed;
        PaddleX = PaddleStart;
    }

    public int BallX { get; set; }

    public int BallY { get; set; }

    public int BallVx { get; set; }

    public int BallVy { get; set; }

    public int PaddleX { get; set; }

    public long Ticks { get; private set; }

    public int Hits { get; private set; }

    public int Misses { get; private set; }

    /// <summary>hits / (hits + misses); NaN before the first hit or miss.</summary>
    public double HitRate => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);

    public PongEvent Step(PongAction action)
    {
        var result = PongEvent.None;
        BallX += BallVx;
        BallY += BallVy;
        if (BallX <= 0) BallVx = BallSpeed;
        else if (BallX + BallSize >= Width) BallVx = -BallSpeed;
        if (BallY <= 0) BallVy = BallSpeed;

        if (BallVy > 0 && BallX + BallSize > PaddleX && BallX < PaddleX + PaddleWidth && BallY + BallSize > PaddleTop && BallY < PaddleTop + PaddleHeight)
        {
            BallVy = -BallSpeed;
            Hits++;
            result = PongEvent.Hit;
        }

        if (BallY + BallSize >= Height)
        {
            Misses++;
            result = PongEvent.Miss;
            BallX = 30 + 10 * _rng.Next(14);
            BallY = 30 + 10 * _rng.Next(22);
            BallVx = BallSpeed;
            BallVy = -BallSpeed;
        }

        if (action == PongAction.Right && PaddleX + PaddleWidth < Width) PaddleX += PaddleSpeed;
        else if (action == PongAction.Left && PaddleX > 0) PaddleX -= PaddleSpeed;
        Ticks++;
        return result;
    }

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

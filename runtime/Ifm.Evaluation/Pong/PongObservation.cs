using Ifm.Devices.Simulation;

namespace Ifm.Evaluation.Pong;

/// <summary>The c*.txt input encoding of the Pong recordings (tests/data/pong/README.md).</summary>
public static class PongObservation
{
    /// <summary>Input neurons of a Pong model.</summary>
    public const int Width = 24;

    /// <summary>The encoding of what the game's sensors read now (<see cref="PongGame.SensedPaddleX"/>: a perturbed sensor shows).</summary>
    public static void Encode(PongGame game, Span<float> inputs)
    {
        ArgumentNullException.ThrowIfNull(game);
        Encode(game.BallX, game.BallY, game.SensedPaddleX, inputs);
    }

    /// <summary>
    /// 8-bit two's complement (most significant bit first) of ball_x + 2, ball_y + 2 and paddle_x + 2 → 24 values of
    /// 0 or 1, the same as the <c>binary</c> encoder of devices/examples/pong-sim.json.
    /// </summary>
    public static void Encode(int ballX, int ballY, int paddleX, Span<float> inputs)
    {
        if (inputs.Length < Width) throw new ArgumentException("the Pong observation needs 24 input values", nameof(inputs));
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

using Ifm.Devices.Coding;

namespace Ifm.Devices.Simulation;

/// <summary>
/// The one-paddle Pong game of the IFM Pong recordings (tests/data/pong/README.md), tick for tick.
/// </summary>
/// <remarks>
/// <para>Field 200 × 300 px, origin top-left, y down. Paddle 50 × 10 with its top edge at y = 260, starting at
/// x = 75. Ball 15 × 15 moving ±4 px per tick on both axes.</para>
/// <para>One <see cref="Tick"/>, in the recording program's order (checked tick by tick against the recordings
/// d0–d3): (1) the ball moves; (2) it bounces (velocity sign flips, no position correction) off the left/right walls
/// when its left edge ≤ 0 or right edge ≥ 200, off the top when its top ≤ 0; (3) it bounces off the paddle (a hit)
/// when the two rectangles overlap (strict overlap, as pygame's <c>colliderect</c>) while the ball moves down —
/// against the paddle where it was before this tick's key; (4) when its bottom reaches ≥ 300 it is a miss and the
/// ball restarts at x ∈ {30, 40, …, 160}, y ∈ {30, 40, …, 240} (seeded RNG) moving (+4, −4); (5) the paddle moves
/// 7 px — left only while its left edge is &gt; 0, right only while its right edge is &lt; 200 (so x stays in
/// −2..152, exactly the range in the recordings).</para>
/// <para>The sensors read the state before the tick and the action applies to that tick, as in the recordings
/// (one line = state, key; then the game advances).</para>
/// <para>This is the one implementation of the game: <c>ifm run --sim pong</c> drives it as a plant, and the
/// closed-loop evaluation (Ifm.Evaluation: <c>ifm eval pong</c>, <c>ifm train --select pong</c>) plays against it. The
/// virtual MCU's plant (firmware-bridge/firmware/virtual-mcu/plant_pong.c) is the same game in C, tick for tick.</para>
/// <para>Perturbations (<see cref="Perturb"/>), switched on at a given tick, change the plant as wear or a knocked
/// sensor would: a constant offset on the sensed paddle position (<see cref="SensedPaddleX"/>; the true paddle, which
/// hits the ball, is unchanged) and a changed paddle speed.</para>
/// <para>A contact sensor at the bat line (<see cref="Contact"/>) reports where the ball crossed it relative to the true
/// paddle, as a real table's bat sensor or light barrier would: the learning signal of an adaptive player.</para>
/// </remarks>
public sealed class PongGame
{
    public const int FieldWidth = 200;
    public const int FieldHeight = 300;
    public const int PaddleWidth = 50;
    public const int PaddleHeight = 10;
    public const int PaddleY = 260;
    public const int PaddleStartX = 75;
    /// <summary>Pixels the paddle moves per tick with a key pressed, unperturbed.</summary>
    public const int PaddleSpeed = 7;
    public const int BallSize = 15;
    public const int BallSpeed = 4;

    private SplitMix64 _rng;
    private readonly Random? _respawn;
    private readonly PerturbationSchedule<PongPerturbation> _perturbations = new();

    /// <summary>New game with the ball at (<paramref name="ballX"/>, <paramref name="ballY"/>) moving up-right.</summary>
    public PongGame(ulong seed = 1, int ballX = 100, int ballY = 150)
    {
        Seed = seed;
        _rng = new SplitMix64(seed);
        BallX = ballX;
        BallY = ballY;
        BallDx = BallSpeed;
        BallDy = -BallSpeed;
        PaddleX = PaddleStartX;
        PaddleStep = PaddleSpeed;
    }

    /// <summary>
    /// New game whose restart positions come from <paramref name="respawn"/> (x first, then y, on each miss): the
    /// training library's evaluations draw them from <c>new Random(seed)</c>, and their published figures with them.
    /// </summary>
    public PongGame(Random respawn)
        : this(0)
    {
        _respawn = respawn ?? throw new ArgumentNullException(nameof(respawn));
    }

    public ulong Seed { get; }
    public int BallX { get; private set; }
    public int BallY { get; private set; }
    public int BallDx { get; private set; }
    public int BallDy { get; private set; }
    public int PaddleX { get; private set; }
    public long Ticks { get; private set; }
    public long Hits { get; private set; }
    public long Misses { get; private set; }

    /// <summary>
    /// On the tick the ball reached the bat line (a hit or a miss): the ball's centre minus the true paddle's centre
    /// in px (positive: the ball was right of the paddle's centre); 0 on every other tick.
    /// </summary>
    public float Contact { get; private set; }

    /// <summary>Pixels the paddle moves per tick now (<see cref="PaddleSpeed"/> unless perturbed).</summary>
    public int PaddleStep { get; private set; }

    /// <summary>Offset added to the paddle position the sensor reports (0 unless perturbed).</summary>
    public int PaddleSensorOffset { get; private set; }

    /// <summary>The paddle position the sensor reports: <see cref="PaddleX"/> + <see cref="PaddleSensorOffset"/>.</summary>
    public int SensedPaddleX => PaddleX + PaddleSensorOffset;

    /// <summary>The perturbations of this game, in tick order.</summary>
    public IReadOnlyList<PongPerturbation> Perturbations => _perturbations.Items;

    /// <summary>
    /// Schedules <paramref name="perturbations"/>: each takes effect before the tick numbered <see cref="PongPerturbation.AtTick"/>
    /// (0: from the start) and lasts until a later one replaces it. Replaces any earlier schedule.
    /// </summary>
    public void Perturb(params PongPerturbation[] perturbations)
    {
        _perturbations.Replace(perturbations);
        ApplyDuePerturbations();
    }

    private void ApplyDuePerturbations()
    {
        while (_perturbations.TryTakeDue(Ticks, out var p))
        {
            PaddleSensorOffset = p.PaddleSensorOffset;
            PaddleStep = p.PaddleSpeed;
        }
    }

    /// <summary>Places the ball (tests, scenarios).</summary>
    public void SetBall(int x, int y, int dx, int dy)
    {
        if (Math.Abs(dx) != BallSpeed || Math.Abs(dy) != BallSpeed)
        {
            throw new ArgumentException($"ball velocity components must be ±{BallSpeed}");
        }

        (BallX, BallY, BallDx, BallDy) = (x, y, dx, dy);
    }

    /// <summary>Places the paddle (tests, scenarios).</summary>
    public void SetPaddle(int x) => PaddleX = x;

    /// <summary>Advances one tick with <paramref name="action"/>: +1 right, −1 left, 0 none (others are clamped by sign).</summary>
    /// <returns>+1 when the paddle hit the ball this tick, −1 on a miss, 0 otherwise.</returns>
    public int Tick(int action)
    {
        ApplyDuePerturbations();
        Ticks++;
        BallX += BallDx;
        BallY += BallDy;
        if (BallX <= 0 || BallX + BallSize >= FieldWidth)
        {
            BallDx = -BallDx;
        }

        if (BallY <= 0)
        {
            BallDy = -BallDy;
        }

        int result = 0;
        Contact = 0;
        if (BallDy > 0 && Overlaps())
        {
            BallDy = -BallDy;
            Hits++;
            result = 1;
            Contact = ContactOffset();
        }

        if (BallY + BallSize >= FieldHeight)
        {
            Misses++;
            result = -1;
            Contact = ContactOffset();
            BallX = 10 * (3 + Draw(14)); // 30..160
            BallY = 10 * (3 + Draw(22)); // 30..240
            BallDx = BallSpeed;
            BallDy = -BallSpeed;
        }

        if (action < 0 && PaddleX > 0)
        {
            PaddleX -= PaddleStep;
        }
        else if (action > 0 && PaddleX + PaddleWidth < FieldWidth)
        {
            PaddleX += PaddleStep;
        }

        ApplyDuePerturbations(); // the sensors read the next tick's plant
        return result;
    }

    private float ContactOffset() => BallX + BallSize / 2f - (PaddleX + PaddleWidth / 2f);

    private int Draw(int bound) => _respawn?.Next(bound) ?? _rng.NextInt(bound);

    private bool Overlaps() =>
        BallX < PaddleX + PaddleWidth && BallX + BallSize > PaddleX &&
        BallY < PaddleY + PaddleHeight && BallY + BallSize > PaddleY;
}

/// <summary>
/// A change of the Pong plant from tick <paramref name="AtTick"/> on: the paddle sensor reads
/// <paramref name="PaddleSensorOffset"/> px more than the paddle's true position, and a key moves the paddle
/// <paramref name="PaddleSpeed"/> px per tick. <c>new PongPerturbation(t)</c> restores the nominal plant at t.
/// </summary>
public readonly record struct PongPerturbation(long AtTick, int PaddleSensorOffset = 0, int PaddleSpeed = PongGame.PaddleSpeed) : IPlantPerturbation
{
    long IPlantPerturbation.At => AtTick;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (AtTick < 0) throw new ArgumentException($"perturbation tick must be ≥ 0, got {AtTick}");
        if (PaddleSpeed is < 1 or > 50) throw new ArgumentException($"perturbation paddle speed must be 1..50 px per tick, got {PaddleSpeed}");
        if (Math.Abs(PaddleSensorOffset) > PongGame.FieldWidth) throw new ArgumentException($"perturbation paddle sensor offset must be within ±{PongGame.FieldWidth} px, got {PaddleSensorOffset}");
    }
}

/// <summary>
/// The game's observable state as a sensor: channels <c>ball_x</c>, <c>ball_y</c>, <c>paddle_x</c> (pixels) and
/// <c>contact</c> (<see cref="PongGame.Contact"/>: the bat line's contact sensor, px, 0 between contacts).
/// </summary>
public sealed class PongSensor(string name, PongGame game) : ISensor
{
    public static readonly string[] Channels = ["ball_x", "ball_y", "paddle_x", "contact"];

    public string Name { get; } = name;
    public PongGame Game { get; } = game;
    public int ChannelCount => 4;

    public bool Read(Span<float> destination)
    {
        destination[0] = Game.BallX;
        destination[1] = Game.BallY;
        destination[2] = Game.SensedPaddleX;
        destination[3] = Game.Contact;
        return true;
    }

    public void Dispose()
    {
    }
}

/// <summary>
/// The paddle key as an actuator: channel <c>move</c>, command &gt; 0.5 → right (+1), &lt; −0.5 → left (−1),
/// otherwise none; NaN and the safe state → none. The game advances in <see cref="SimulatedHardware.EndPeriod"/>
/// with the last command.
/// </summary>
public sealed class PongPaddle(string name, PongGame game) : IActuator
{
    public static readonly string[] Channels = ["move"];

    public string Name { get; } = name;
    public PongGame Game { get; } = game;
    public int ChannelCount => 1;

    /// <summary>Action applied at the next game tick.</summary>
    public int Action { get; private set; }

    public void Write(ReadOnlySpan<float> command)
    {
        float c = command[0];
        Action = c > 0.5f ? 1 : c < -0.5f ? -1 : 0;
    }

    public void EnterSafeState() => Action = 0;

    public void Dispose() => Action = 0;
}

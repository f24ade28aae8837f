using Ifm.Devices.Simulation;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;
using Ifm.Evaluation.Pong;

namespace Ifm.Evaluation.Adaptation;

/// <summary>Hits and misses in one window of a perturbation timeline.</summary>
public readonly record struct WindowScore(long StartTick, long EndTick, int Hits, int Misses)
{
    public double HitRate => Hits + Misses == 0 ? double.NaN : (double)Hits / (Hits + Misses);
}

/// <summary>One model's run through a perturbation timeline.</summary>
/// <param name="Windows">Per-window hits and misses.</param>
/// <param name="RecoveryTicks">
/// Ticks from the first perturbation until the hit rate over the last <see cref="PongAdaptation.RecoveryBalls"/> balls
/// is back to ≥ <see cref="PongAdaptation.RecoveryRate"/> (and stays there for the rest of the timeline); null when it
/// never is, 0 when it never fell.
/// </param>
/// <param name="Final">Hits and misses over the final stretch.</param>
/// <param name="Adaptive">Whether the model has plasticity rules (it kept learning during the run).</param>
public sealed record AdaptationRun(string Name, IReadOnlyList<WindowScore> Windows, long? RecoveryTicks, WindowScore Final, bool Adaptive);

/// <summary>
/// <c>ifm eval adapt</c> on Pong: static and adaptive models play the same perturbed game (same seed, same
/// perturbation timeline). An adaptive model (plastic edge groups) keeps learning while it plays; the external
/// modulator M(t) of its neuromodulated rules is the game's reward signal: +1 on the tick of a hit, −1 on a miss,
/// decaying by <see cref="RewardDecay"/> per tick in between; the PES errors of its outputs come from the bat line's
/// contact sensor (<see cref="PongGame.Contact"/>): out0 (right) −contact / <see cref="ContactScale"/>, out1 (left)
/// +contact / <see cref="ContactScale"/>, out2 (none) 0 — the binding of devices/examples/pong-sim.json.
/// </summary>
public static class PongAdaptation
{
    public const int RecoveryBalls = 10;
    public const double RecoveryRate = 0.9;
    public const float RewardDecay = 0.9f;

    /// <summary>Pixels of contact offset per unit of PES error.</summary>
    public const float ContactScale = 100f;

    /// <summary>Gain of the built-in player's position difference neuron, per px (tanh stays near-linear over ±40 px).</summary>
    public const float DifferenceGain = 1f / 40f;

    /// <summary>Half width (px) of the built-in player's dead band: it presses no key while the paddle is this close to the ball.</summary>
    public const float DeadBand = 8f;

    /// <summary>
    /// The built-in Pong player, hand-weighted, with the inputs and outputs of pong.ifm (24 binary inputs: the c*.txt
    /// encoding; outputs right, left, none; argmax), so it runs on the same device maps. A hidden neuron decodes the
    /// 8-bit codes linearly into d = tanh(<see cref="DifferenceGain"/>·(ball centre − sensed paddle centre)); out0
    /// (right) = tanh(d + w_r), out1 (left) = tanh(−d + w_l), out2 (none) = tanh(<see cref="DeadBand"/> threshold):
    /// it moves the paddle towards the ball and stops within the dead band. w_r and w_l are edges from a constant
    /// neuron, 0 to start; with <paramref name="pesKappa"/> &gt; 0 they learn by PES (bounded to ±1) from the contact
    /// sensor's error, so a constant bias in where the paddle meets the ball (a knocked paddle sensor) moves the
    /// decision boundary until the ball lands on the paddle's centre again. Every neuron has a = 0 (no state memory).
    /// </summary>
    public static IfmModel Player(float pesKappa = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pesKappa);
        var b = new ModelBuilder { Name = pesKappa > 0 ? "pong-adaptive" : "pong-tracker" };
        var labels = new string[PongObservation.Width];
        for (int i = 0; i < labels.Length; i++) labels[i] = "in" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, PongObservation.Width, labels: labels);
        int diff = b.AddPopulation("difference", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int one = b.AddPopulation("one", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int output = b.AddPopulation("key", NeuronKind.Ifm, NeuronRole.Output, 3, NeuronParameters.ForIfm([0f, 0f, 0f]), ["out0", "out1", "out2"]);
        int fixedGroup = b.AddEdgeGroup("static");
        // An input neuron emits tanh(bit): bit b (MSB first) of a code is worth 2^(7−b)/tanh(1) per unit of output.
        float unit = DifferenceGain / MathF.Tanh(1f);
        for (int bit = 0; bit < 8; bit++)
        {
            float w = unit * (1 << (7 - bit));
            b.AddEdge(input + bit, diff, w, fixedGroup);        // ball_x + 2
            b.AddEdge(input + 16 + bit, diff, -w, fixedGroup);  // paddle_x + 2 (the +2 cancel)
        }

        // Ball centre − paddle centre = ball_x + 7.5 − (paddle_x + 25).
        b.SetBias(diff, DifferenceGain * (PongGame.BallSize / 2f - PongGame.PaddleWidth / 2f));
        b.SetBias(one, 3f);
        b.AddEdge(diff, output, 1f, fixedGroup);
        b.AddEdge(diff, output + 1, -1f, fixedGroup);
        b.SetBias(output + 2, MathF.Tanh(DifferenceGain * DeadBand));
        int adaptGroup = pesKappa > 0 ? b.AddEdgeGroup("pes", new PesRule(pesKappa, -1f, 1f)) : fixedGroup;
        b.AddEdge(one, output, 0f, adaptGroup);
        b.AddEdge(one, output + 1, 0f, adaptGroup);
        b.ExtraMetadata["training.command"] = pesKappa > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ifm data pong-player --pes {pesKappa}")
            : "ifm data pong-player";
        return b.Build();
    }

    public static AdaptationRun Run(string name, IfmModel model, int seed, long ticks, long window, long finalTicks,
        IReadOnlyList<PongPerturbation> perturbations, int ticksPerPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(perturbations);
        ArgumentOutOfRangeException.ThrowIfLessThan(ticks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(finalTicks, 1);
        var game = PongEvaluation.NewGame(seed);
        game.Perturb([.. perturbations]);
        using var policy = new ModelPolicy(model, ticksPerPeriod);
        var plasticity = policy.Session.Plasticity;
        bool adaptive = plasticity.HasRules;
        long switchTick = perturbations.Count == 0 ? long.MaxValue : perturbations.Min(p => p.AtTick);

        var windows = new List<WindowScore>();
        int wHits = 0, wMisses = 0, fHits = 0, fMisses = 0;
        long wStart = 0;
        var recent = new Queue<bool>(RecoveryBalls);
        long? lastBelow = null;
        bool fell = false;
        float reward = 0;
        var errors = new float[model.OutputCount];
        for (long t = 0; t < ticks; t++)
        {
            if (adaptive)
            {
                plasticity.SetModulator(reward);
                errors[0] = -game.Contact / ContactScale; // PES: measured − target; the ball right of centre → more "right"
                errors[1] = game.Contact / ContactScale;
                plasticity.SetErrors(errors);
            }

            int result = game.Tick(policy.Act(game).ToKey());
            reward *= RewardDecay;
            if (result != 0)
            {
                bool hit = result > 0;
                reward = hit ? 1f : -1f;
                if (hit) wHits++; else wMisses++;
                if (t >= ticks - finalTicks)
                {
                    if (hit) fHits++; else fMisses++;
                }

                if (recent.Count == RecoveryBalls) recent.Dequeue();
                recent.Enqueue(hit);
                if (t >= switchTick && recent.Count == RecoveryBalls && recent.Count(h => h) < RecoveryRate * RecoveryBalls)
                {
                    fell = true;
                    lastBelow = t;
                }
            }

            if ((t + 1) % window == 0 || t + 1 == ticks)
            {
                windows.Add(new WindowScore(wStart, t + 1, wHits, wMisses));
                (wHits, wMisses, wStart) = (0, 0, t + 1);
            }
        }

        long? recovery = switchTick == long.MaxValue ? null
            : !fell ? 0
            : lastBelow is long lb && recent.Count(h => h) >= RecoveryRate * RecoveryBalls ? lb - switchTick : null;
        return new AdaptationRun(name, windows, recovery, new WindowScore(ticks - finalTicks, ticks, fHits, fMisses), adaptive);
    }
}

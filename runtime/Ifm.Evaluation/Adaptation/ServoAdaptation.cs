using Ifm.Devices.Simulation;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Engine.Plasticity;
using Ifm.Runtime.Model;
using Ifm.Runtime.Plasticity;

namespace Ifm.Evaluation.Adaptation;

/// <summary>RMS tracking error in one window of a servo perturbation timeline.</summary>
public readonly record struct ServoWindow(long StartStep, long EndStep, double RmsError);

/// <summary>One controller's run through a servo perturbation timeline.</summary>
/// <param name="HalvingSteps">
/// Steps from the first perturbation to the first step s from which the RMS error over the next
/// <see cref="ServoAdaptation.HalvingSpan"/> steps is at most half the RMS error over the first span after the
/// perturbation; null when that never happens (or there is no perturbation).
/// </param>
/// <param name="BadSteps">Steps whose tracking error exceeded <see cref="ServoAdaptation.BadError"/>.</param>
/// <param name="Rollbacks">Rollbacks of the learning watchdog, when one guarded the run.</param>
public sealed record ServoRun(string Name, IReadOnlyList<ServoWindow> Windows, long? HalvingSteps, double FinalRmsError, bool Adaptive, long BadSteps = 0, int Rollbacks = 0);

/// <summary>
/// The servo's controllers and <c>ifm eval adapt --plant servo</c>. A controller model reads the tracking error and
/// the velocity (the servo-sim.json encoding) and drives the motor; an adaptive one has PES on its output edges, with
/// the learning signal e = measured − target (the negated error sensor) bound as the error of its one output, so the
/// PES edge from a constant neuron integrates the tracking error and cancels an unmodelled load (DeWolf et al. 2016).
/// </summary>
public static class ServoAdaptation
{
    /// <summary>Proportional gain of the built-in controller (command per rad of error).</summary>
    public const float Kp = 4f;

    /// <summary>Derivative gain (command per rad/s of velocity).</summary>
    public const float Kd = 0.3f;

    /// <summary>A tracking error beyond this (rad) counts as a bad step: the built-in controller stays far below it.</summary>
    public const float BadError = 0.3f;

    /// <summary>Steps (5 s: one period of the target's main component) over which the halving time compares RMS errors.</summary>
    public const int HalvingSpan = 500;

    /// <summary>
    /// The built-in pretrained controller, hand-weighted: inputs in0 = error (rad, −1..1), in1 = velocity / 10; a
    /// constant neuron; output out0 = tanh(Kp·y_e − 10·Kd·y_v + w·y_1), w = 0 to start. With
    /// <paramref name="pesKappa"/> &gt; 0 the edge from the constant neuron learns by PES (weights bounded to ±2).
    /// </summary>
    public static IfmModel Controller(float pesKappa = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pesKappa);
        var b = new ModelBuilder { Name = pesKappa > 0 ? "servo-pes" : "servo", Dt = ServoPlant.Dt };
        int input = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 2, labels: ["in0", "in1"]);
        int one = b.AddPopulation("one", NeuronKind.Ifm, NeuronRole.Hidden, 1, NeuronParameters.ForIfm([0f]));
        int output = b.AddPopulation("motor", NeuronKind.Ifm, NeuronRole.Output, 1, NeuronParameters.ForIfm([0f]), ["out0"]);
        b.SetBias(one, 3f);
        int fixedGroup = b.AddEdgeGroup("static");
        b.AddEdge(input, output, Kp, fixedGroup);
        b.AddEdge(input + 1, output, -10 * Kd, fixedGroup);
        // The adaptive edge: PES on a constant presynaptic activity is an integral of the error (static: stays 0).
        int adaptGroup = pesKappa > 0 ? b.AddEdgeGroup("pes", new PesRule(pesKappa, -2f, 2f)) : fixedGroup;
        b.AddEdge(one, output, 0f, adaptGroup);
        b.ExtraMetadata["training.command"] = pesKappa > 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ifm data servo-controller --pes {pesKappa}")
            : "ifm data servo-controller";
        return b.Build();
    }

    /// <summary>Runs <paramref name="model"/> on the servo for <paramref name="steps"/> steps (one network tick each).</summary>
    /// <param name="guard">When set, a <see cref="LearningWatchdog"/> watches −error² each step and rolls learning back.</param>
    public static ServoRun Run(string name, IfmModel model, long steps, long window, long finalSteps, IReadOnlyList<ServoPerturbation> perturbations,
        float errorGain = 1f, LearningWatchdogOptions? guard = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(perturbations);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(finalSteps, 1);
        if (model.InputCount != 2 || model.OutputCount != 1)
            throw new ArgumentException($"a servo controller has 2 inputs (error, velocity / 10) and 1 output (motor command); '{model.Name}' has {model.InputCount} and {model.OutputCount}");
        var plant = new ServoPlant();
        plant.Perturb([.. perturbations]);
        using var session = new CpuSession(model);
        var plasticity = session.Plasticity;
        bool adaptive = plasticity.HasRules;
        var watchdog = guard is null ? null : new LearningWatchdog(session, guard, log);
        long bad = 0;
        var x = new float[2];
        var y = new float[1];
        var err = new float[1];
        var windows = new List<ServoWindow>();
        double wSum = 0, fSum = 0;
        long wStart = 0;
        var squared = new double[steps];
        for (long s = 0; s < steps; s++)
        {
            float e = plant.Error;
            x[0] = Math.Clamp(e, -1f, 1f);
            x[1] = Math.Clamp(plant.Velocity / 10f, -1f, 1f);
            if (adaptive)
            {
                err[0] = -e * errorGain; // the learning signal: measured − target
                plasticity.SetErrors(err);
            }

            session.SetInputs(x);
            session.Step();
            session.ReadOutputs(y);
            plant.SetCommand(y[0]);
            plant.Step();
            double e2 = (double)plant.Error * plant.Error;
            squared[s] = e2;
            if (Math.Abs(plant.Error) > BadError) bad++;
            watchdog?.Observe((float)-e2);
            wSum += e2;
            if (s >= steps - finalSteps) fSum += e2;
            if ((s + 1) % window == 0 || s + 1 == steps)
            {
                windows.Add(new ServoWindow(wStart, s + 1, Math.Sqrt(wSum / (s + 1 - wStart))));
                (wSum, wStart) = (0, s + 1);
            }
        }

        long? halving = null;
        if (perturbations.Count > 0)
        {
            long at = perturbations.Min(p => p.AtStep);
            if (at + HalvingSpan <= steps)
            {
                double span = 0;
                for (long k = at; k < at + HalvingSpan; k++) span += squared[k];
                double quarter = span / 4; // RMS halved = mean square quartered
                for (long s = at; s + HalvingSpan <= steps; s++)
                {
                    if (s > at) span += squared[s + HalvingSpan - 1] - squared[s - 1];
                    if (span <= quarter && s > at)
                    {
                        halving = s - at;
                        break;
                    }
                }
            }
        }

        return new ServoRun(name, windows, halving, Math.Sqrt(fSum / finalSteps), adaptive, bad, watchdog?.Rollbacks ?? 0);
    }
}

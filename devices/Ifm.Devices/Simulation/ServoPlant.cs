namespace Ifm.Devices.Simulation;

/// <summary>
/// A DC-motor joint position servo: the continuous plant where adaptive control is the classic demonstration (a
/// controller that keeps learning cancels an unmodelled load). The same plant as the virtual MCU's
/// firmware-bridge/firmware/virtual-mcu/plant_servo.c.
/// </summary>
/// <remarks>
/// <para>One <see cref="Step"/> is <see cref="Dt"/> = 10 ms of plant time (semi-implicit Euler):
/// torque = gain·u − friction·ω − load; ω += dt·torque / J; θ += dt·ω, with J = 0.02, nominal gain 1, friction 0.1,
/// load 0 and the command u clamped to [−1, 1]. The target follows 0.6·sin(2π·0.2·t) + 0.3·sin(2π·0.53·t); the sensors
/// read the target, the position θ, the velocity ω and the tracking error target − θ.</para>
/// <para><see cref="Perturb"/> switches gain, friction or load at a given step: a heavier payload, a worn gearbox, a
/// weak supply. With the nominal plant a proportional-derivative controller tracks well; with a load it settles with
/// a steady error of load / Kp, which integral action or online learning must cancel.</para>
/// </remarks>
public sealed class ServoPlant
{
    /// <summary>Plant time per step, seconds.</summary>
    public const float Dt = 0.01f;

    public const float Inertia = 0.02f;
    public const float NominalGain = 1f;
    public const float NominalFriction = 0.1f;

    /// <summary>Steps in the windows of <see cref="RecentRmsError"/> and <see cref="RmsErrorAfterPerturbation"/> (10 s).</summary>
    public const int ReportWindow = 1000;

    private readonly PerturbationSchedule<ServoPerturbation> _perturbations = new();
    private readonly float[] _recent = new float[ReportWindow];
    private double _recentSum, _afterSum;
    private long _afterSteps = -1;

    public ServoPlant()
    {
        Gain = NominalGain;
        Friction = NominalFriction;
    }

    public float Position { get; private set; }
    public float Velocity { get; private set; }

    /// <summary>The command of the next step, in [−1, 1].</summary>
    public float Command { get; private set; }

    public float Gain { get; private set; }
    public float Friction { get; private set; }
    public float Load { get; private set; }
    public long Steps { get; private set; }

    /// <summary>Sum of the squared tracking error after each step since the start.</summary>
    public double SquaredErrorSum { get; private set; }

    /// <summary>RMS tracking error since the start (0 before the first step).</summary>
    public double RmsError => Steps == 0 ? 0 : Math.Sqrt(SquaredErrorSum / Steps);

    public float Target => TargetAt(Steps);

    /// <summary>RMS tracking error over the last <see cref="ReportWindow"/> steps (fewer at the start).</summary>
    public double RecentRmsError => Steps == 0 ? 0 : Math.Sqrt(Math.Max(0, _recentSum) / Math.Min(Steps, ReportWindow));

    /// <summary>
    /// RMS tracking error over the first <see cref="ReportWindow"/> steps after the last perturbation applied (fewer
    /// when the run ended sooner); null when no perturbation has applied yet.
    /// </summary>
    public double? RmsErrorAfterPerturbation => _afterSteps switch
    {
        < 0 => null,
        0 => 0,
        _ => Math.Sqrt(_afterSum / Math.Min(_afterSteps, ReportWindow)),
    };

    /// <summary>target − position.</summary>
    public float Error => Target - Position;

    /// <summary>The reference trajectory at step <paramref name="step"/>.</summary>
    public static float TargetAt(long step)
    {
        float t = step * Dt;
        return 0.6f * MathF.Sin(2 * MathF.PI * 0.2f * t) + 0.3f * MathF.Sin(2 * MathF.PI * 0.53f * t);
    }

    /// <summary>Sets the command of the next step (clamped to [−1, 1]; NaN → 0).</summary>
    public void SetCommand(float u) => Command = float.IsNaN(u) ? 0f : Math.Clamp(u, -1f, 1f);

    /// <summary>Schedules <paramref name="perturbations"/> (each from its step on, until a later one); replaces any earlier schedule.</summary>
    public void Perturb(params ServoPerturbation[] perturbations)
    {
        _perturbations.Replace(perturbations);
        ApplyDue();
    }

    /// <summary>Advances the plant by <see cref="Dt"/> with the current command.</summary>
    public void Step()
    {
        float torque = Gain * Command - Friction * Velocity - Load;
        Velocity += Dt * torque / Inertia;
        Position += Dt * Velocity;
        Steps++;
        float e = Error;
        float e2 = e * e;
        SquaredErrorSum += e2;
        int slot = (int)((Steps - 1) % ReportWindow);
        _recentSum += e2 - _recent[slot];
        _recent[slot] = e2;
        if (_afterSteps >= 0 && _afterSteps < ReportWindow)
        {
            _afterSum += e2;
            _afterSteps++;
        }

        ApplyDue();
    }

    private void ApplyDue()
    {
        while (_perturbations.TryTakeDue(Steps, out var p))
        {
            (Gain, Friction, Load) = (p.Gain, p.Friction, p.Load);
            if (p.AtStep > 0)
            {
                _afterSteps = 0;
                _afterSum = 0;
            }
        }
    }
}

/// <summary>The servo from step <paramref name="AtStep"/> on: motor gain, viscous friction, constant load torque.</summary>
public readonly record struct ServoPerturbation(long AtStep, float Gain = ServoPlant.NominalGain, float Friction = ServoPlant.NominalFriction, float Load = 0f) : IPlantPerturbation
{
    long IPlantPerturbation.At => AtStep;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (AtStep < 0) throw new ArgumentException($"servo perturbation step must be ≥ 0, got {AtStep}");
        if (!(Gain > 0 && Gain <= 10)) throw new ArgumentException($"servo perturbation gain must be in (0, 10], got {Gain}");
        if (!(Friction >= 0 && Friction <= 10)) throw new ArgumentException($"servo perturbation friction must be 0..10, got {Friction}");
        if (!(Load >= -1 && Load <= 1)) throw new ArgumentException($"servo perturbation load must be −1..1, got {Load}");
    }
}

/// <summary>The servo's sensors: channels <c>target</c>, <c>position</c>, <c>velocity</c>, <c>error</c> (target − position).</summary>
public sealed class ServoSensor(string name, ServoPlant plant) : ISensor
{
    public static readonly string[] Channels = ["target", "position", "velocity", "error"];

    public string Name { get; } = name;
    public ServoPlant Plant { get; } = plant;
    public int ChannelCount => 4;

    public bool Read(Span<float> destination)
    {
        destination[0] = Plant.Target;
        destination[1] = Plant.Position;
        destination[2] = Plant.Velocity;
        destination[3] = Plant.Error;
        return true;
    }

    public void Dispose()
    {
    }
}

/// <summary>The servo's motor: channel <c>command</c> in [−1, 1]; the safe state is 0 (no torque).</summary>
public sealed class ServoMotor(string name, ServoPlant plant) : IActuator
{
    public static readonly string[] Channels = ["command"];

    public string Name { get; } = name;
    public ServoPlant Plant { get; } = plant;
    public int ChannelCount => 1;

    public void Write(ReadOnlySpan<float> command) => Plant.SetCommand(command[0]);

    public void EnterSafeState() => Plant.SetCommand(0f);

    public void Dispose() => Plant.SetCommand(0f);
}

using System.Text.Json.Serialization;

namespace Ifm.Control.Config;

/// <summary>
/// What `ifm run` runs: the file of <c>ifm run --config run.json</c>, or the same values from the command line.
/// Relative paths in a file resolve against the file's folder. Unknown keys are errors.
/// </summary>
public sealed class RunConfig
{
    public string? Model { get; set; }
    public string? Devices { get; set; }

    /// <summary>null, "pong", "pavlov" or "servo": a built-in simulated plant (and its map when <see cref="Devices"/> is null).</summary>
    public string? Sim { get; set; }

    /// <summary>
    /// Binds every device of <see cref="Devices"/> to its simulator (each type's register map, edge timing or plant)
    /// instead of real hardware: a dry run of a robot's map and model without the robot.
    /// </summary>
    public bool Simulate { get; set; }

    public double? RateHz { get; set; }
    public int TicksPerPeriod { get; set; } = 1;
    public double? DurationSeconds { get; set; }

    /// <summary>"on" or "off".</summary>
    public string Plasticity { get; set; } = "on";

    public string? Checkpoint { get; set; }
    public double? CheckpointIntervalSeconds { get; set; }

    /// <summary>"count", "skip" or "safe-stop".</summary>
    public string OverrunPolicy { get; set; } = "count";

    /// <summary>"fault" (default), "hold" or "reset": what a NaN or infinite network output does (<see cref="Loop.NonFinitePolicy"/>).</summary>
    public string NonFinitePolicy { get; set; } = "fault";

    /// <summary>Non-finite periods in a row that "hold" and "reset" ride out before they become a fault.</summary>
    public int NonFiniteLimit { get; set; } = 100;

    public RealtimeConfig Realtime { get; set; } = new();

    /// <summary>A backend of the host's <see cref="Ifm.Runtime.Engine.BackendList"/> ("cpu", "opencl") or "auto".</summary>
    public string Backend { get; set; } = "cpu";

    /// <summary>OpenCL device (platform:device or a name), for the opencl/auto backends.</summary>
    public string? OpenclDevice { get; set; }

    /// <summary>
    /// Learning signals, per-group schedules and the learning watchdog (runtime/Ifm.Runtime/Learning/LearningSpec.cs);
    /// each key set here replaces the same key of the device map's <c>learning</c>.
    /// </summary>
    public Ifm.Runtime.Learning.LearningSpec? Learning { get; set; }

    /// <summary>
    /// Threads of the CPU engine's tick (1: the loop thread only). The extra workers are not pinned (the loop thread
    /// keeps the CPUs of <see cref="RealtimeConfig.Cpus"/>) and results are bit-identical to one thread.
    /// </summary>
    public int Threads { get; set; } = 1;
}

public sealed class RealtimeConfig
{
    public int? Priority { get; set; }
    public List<int>? Cpus { get; set; }
    public bool Mlock { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RunConfig))]
internal sealed partial class RunConfigJsonContext : JsonSerializerContext;

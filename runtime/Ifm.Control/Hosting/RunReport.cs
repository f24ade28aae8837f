using Ifm.Control.Loop;
using Ifm.Devices.Simulation;

namespace Ifm.Control.Hosting;

/// <summary>The outcome of one `ifm run`.</summary>
public sealed record RunReport(int ExitCode, LoopResult Loop, LoopStatistics Statistics, SimulatedHardware? Simulation, string? CheckpointSaved);

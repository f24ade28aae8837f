using System.CommandLine;
using Ifm.Cli;
using Ifm.Cli.Commands;

// Entry point of the `ifm` tool: builds the command tree and turns every failure into a one-line message
// and a non-zero exit code (2: bad arguments, 1: the command failed, 70: an internal error, with a crash report).
var root = new RootCommand("IFM Edge: run state neural networks with online plasticity on edge devices.");
root.Subcommands.Add(InspectCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(NewCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BridgeCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(DataCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(HilCommand.Create());
root.Subcommands.Add(DevicesCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(PlotCommand.Create());
return CliRunner.Run(root, args);

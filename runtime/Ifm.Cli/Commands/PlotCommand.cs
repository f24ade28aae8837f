using System.CommandLine;
using Ifm.Control.Plotting;
using Ifm.Control.Recording;
using Ifm.Runtime.Format;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm plot</c>: SVG and PNG charts of a recording (<c>--record</c>) or of a replay's output CSV, and a model's weight histogram.</summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("recording") { Description = "A .ifmrec recording (ifm run/replay --record) or a CSV with a header (ifm replay --out)." };
        var outDir = new Option<string>("--out", "-o") { Description = "Folder for the SVG and PNG files (created when missing).", Required = true };
        var model = new Option<string?>("--model") { Description = "Also draw this model's weight histogram (weights.svg/png)." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "With --model: draw the learned weights of this checkpoint beside the model's." };
        var cmd = new Command("plot", "Draw a recording as SVG and PNG charts: spike raster, input/output/actuator traces, timing histograms, mean |Δw|, weight histogram.")
        {
            input, outDir, model, checkpoint,
        };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(input)!;
            string dir = r.GetValue(outDir)!;
            if (!File.Exists(path)) throw new CliException($"'{path}' does not exist");
            string? modelPath = r.GetValue(model), ckpt = r.GetValue(checkpoint);
            if (ckpt is not null && modelPath is null) throw new CliException("--checkpoint needs --model (the model the checkpoint belongs to)");
            List<string> files;
            try
            {
                files = [.. path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                    ? RecordingPlots.FromCsv(path, dir)
                    : RecordingPlots.FromRecording(RecordingReader.Read(path), dir)];
                if (modelPath is not null) files.AddRange(RecordingPlots.Weights(IfmFile.Read(modelPath), ckpt, dir));
            }
            catch (RecordingFormatException e)
            {
                throw new CliException($"{path}: {e.Message}".Replace($"{path}: {path}:", $"{path}:", StringComparison.Ordinal));
            }

            foreach (string f in files) Console.WriteLine(f);
            return 0;
        });
        return cmd;
    }
}

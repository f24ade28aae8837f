using System.CommandLine;
using Ifm.Control.Plotting;
using Ifm.Control.Recording;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm plot</c>: SVG charts of a recording (<c>--record</c>) or of a replay's output CSV.</summary>
internal static class PlotCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("recording") { Description = "A .ifmrec recording (ifm run/replay --record) or a CSV with a header (ifm replay --out)." };
        var outDir = new Option<string>("--out", "-o") { Description = "Folder for the SVG files (created when missing).", Required = true };
        var cmd = new Command("plot", "Draw a recording as SVG charts: spike raster, input/output/actuator traces, timing histograms, mean |Δw|.") { input, outDir };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(input)!;
            string dir = r.GetValue(outDir)!;
            if (!File.Exists(path)) throw new CliException($"'{path}' does not exist");
            IReadOnlyList<string> files;
            try
            {
                files = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                    ? RecordingPlots.FromCsv(path, dir)
                    : RecordingPlots.FromRecording(RecordingReader.Read(path), dir);
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

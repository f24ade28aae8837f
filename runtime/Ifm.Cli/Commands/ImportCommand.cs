using System.CommandLine;
using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Format;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm import model.nir --out model.ifm</c>: a NIR graph (HDF5) as an .ifm model with feed-forward timing.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The .nir file (NIR graph, HDF5) to import." };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the .ifm model.", Required = true };
        var dt = new Option<double>("--dt") { Description = "Time step in seconds (NIR graphs are continuous-time).", DefaultValueFactory = _ => 1e-4 };
        dt.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!(v > 0) || !double.IsFinite(v)) r.AddError(string.Create(CultureInfo.InvariantCulture, $"--dt must be a positive number of seconds, got {v}"));
        });
        var name = new Option<string?>("--name") { Description = "Model name (default: the file name)." };
        var cmd = new Command("import", "Convert a NIR graph (snnTorch, Norse, Sinabs, Rockpool, Lava-DL, Spyx) into an .ifm model.") { input, output, dt, name };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(input)!;
            if (!File.Exists(path)) throw new CliException($"{path}: no such file");
            var progress = ProgressBar.ForConsole();
            progress.Report(0, 3, "stages", "reading the NIR graph");
            var graph = NirFile.Read(path);
            progress.Report(1, 3, "stages", "converting");
            var model = NirImporter.ToModel(graph, new NirImportOptions
            {
                Dt = (float)r.GetValue(dt),
                Name = r.GetValue(name) ?? Path.GetFileNameWithoutExtension(path),
            }, Path.GetFileName(path));
            string target = r.GetValue(output)!;
            progress.Report(2, 3, "stages", "writing " + target);
            IfmFile.Write(model, target);
            progress.Report(3, 3, "stages", "written");
            progress.Finish();
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"imported {path}: {model.Populations.Count} populations, {model.NeuronCount} neurons, {model.EdgeCount} edges, dt {model.Dt:R} s, feed-forward timing -> {target}"));
            return 0;
        });
        return cmd;
    }
}

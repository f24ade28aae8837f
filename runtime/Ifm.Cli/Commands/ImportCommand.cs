using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        var plasticity = new Option<string?>("--plasticity")
        {
            Description = "JSON file of learning rules by NIR node name, e.g. {\"fc1\": {\"rule\": \"stdp\", ...}} (rules as in FORMAT.md section 6): those nodes' weights learn in ifm run.",
        };
        var cmd = new Command("import", "Convert a NIR graph (snnTorch, Norse, Sinabs, Rockpool, Lava-DL, Spyx) into an .ifm model.") { input, output, dt, name, plasticity };
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
                Plasticity = r.GetValue(plasticity) is { } rules ? ReadRules(rules) : null,
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

    /// <summary>The --plasticity file: one JSON object, node name → rule.</summary>
    private static Dictionary<string, Ifm.Runtime.Plasticity.PlasticityRule> ReadRules(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: no such file");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(BoundedFile.ReadAllText(path, 1 << 20), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not valid JSON ({e.Message})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new CliException($"{path}: expected a JSON object of node name -> rule");
            var rules = new Dictionary<string, Ifm.Runtime.Plasticity.PlasticityRule>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!rules.TryAdd(p.Name, IfmFile.ReadPlasticityRule(p.Value, p.Name, path))) throw new CliException($"{path}: node '{p.Name}' appears twice");
            }

            return rules;
        }
    }
}

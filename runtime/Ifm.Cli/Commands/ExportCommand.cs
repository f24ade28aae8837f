using System.CommandLine;
using System.Globalization;
using Ifm.Import.Nir;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Persistence;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm export model.ifm --format nir --out model.nir [--checkpoint state.ckpt]</c>: a model built from
/// NIR-expressible parts (an imported NIR graph, possibly adapted on the device) back to a NIR graph.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = CommonOptions.ModelArgument();
        var format = new Option<string>("--format") { Description = "Target format: nir (HDF5, the NIR 1.0 layout).", Required = true };
        format.AcceptOnlyFromAmong("nir");
        var output = new Option<string>("--out", "-o") { Description = "Where to write the exported file.", Required = true };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Export the weights learned on the device (a checkpoint of this model) instead of the model's." };
        var cmd = new Command("export", "Write an .ifm model of NIR-expressible kinds (e.g. an imported, adapted NIR graph) as a NIR graph.") { model, format, output, checkpoint };
        cmd.SetAction(r =>
        {
            string path = r.GetValue(model)!;
            var m = CommonOptions.LoadModel(path);
            float[]? weights = null;
            string? ckpt = r.GetValue(checkpoint);
            if (ckpt is not null)
            {
                using var session = new CpuSession(m);
                Checkpoint.Load(session, ckpt);
                weights = session.Weights.ToArray();
            }

            var graph = NirExporter.ToGraph(m, weights);
            string target = r.GetValue(output)!;
            NirFile.Write(graph, target);
            string learned = weights is null ? "" : $", weights from {ckpt}";
            string plastic = m.IsPlastic ? " (plasticity rules are not part of NIR: the weights are exported, the rules are not)" : "";
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exported {path}: {graph.Nodes.Count} NIR nodes, {graph.Edges.Count} edges{learned} -> {target}{plastic}"));
            return 0;
        });
        return cmd;
    }
}

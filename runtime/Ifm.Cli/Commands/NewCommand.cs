using System.CommandLine;
using System.Globalization;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Commands;

/// <summary><c>ifm new</c>: a random network with the paper's reference wiring (for benchmarks and tests).</summary>
internal static class NewCommand
{
    public static Command Create()
    {
        var neurons = new Option<int>("--neurons") { Description = "Total neurons, inputs and outputs included.", DefaultValueFactory = _ => 300 }.Positive();
        var inputs = new Option<int>("--inputs") { Description = "Input neurons.", DefaultValueFactory = _ => 24 }.Positive();
        var outputs = new Option<int>("--outputs") { Description = "Output neurons.", DefaultValueFactory = _ => 3 }.Positive();
        var p = new Option<double>("--connectivity") { Description = "Probability of each allowed edge, in (0, 1].", DefaultValueFactory = _ => 0.2 };
        p.Check(v => v > 0 && v <= 1, v => string.Create(CultureInfo.InvariantCulture, $"--connectivity must be in (0, 1], got {v}"));
        var kind = new Option<string>("--kind") { Description = "Neuron kind of every population.", DefaultValueFactory = _ => "ifm" };
        kind.AcceptOnlyFromAmong([.. NeuronModels.All.Select(m => m.Name)]);
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same network).", DefaultValueFactory = _ => 1 };
        var rule = new Option<string>("--rule") { Description = "Put every edge in one plastic group with this rule and default parameters.", DefaultValueFactory = _ => "none" };
        rule.AcceptOnlyFromAmong("none", "hebbian_trace", "neuromodulated", "oja", "stdp");
        var output = new Option<string>("--out", "-o") { Description = "Where to write the .ifm file.", Required = true };
        var cmd = new Command("new", "Create a random network with the paper's reference wiring and initialisation.")
        {
            neurons, inputs, outputs, p, kind, seed, rule, output,
        };
        cmd.SetAction(r =>
        {
            var options = new RandomNetworkOptions
            {
                Neurons = r.GetValue(neurons),
                Inputs = r.GetValue(inputs),
                Outputs = r.GetValue(outputs),
                Connectivity = r.GetValue(p),
                Kind = NeuronModels.Find(r.GetValue(kind)!)!.Kind,
                Seed = r.GetValue(seed),
                Name = Path.GetFileNameWithoutExtension(r.GetValue(output)!),
                Rule = r.GetValue(rule) switch
                {
                    "hebbian_trace" => new Ifm.Runtime.Plasticity.HebbianTraceRule(eta: 0.05f),
                    "neuromodulated" => new Ifm.Runtime.Plasticity.NeuromodulatedRule(0.05f, new Ifm.Runtime.Plasticity.ModulatorSource(Ifm.Runtime.Plasticity.ModulatorKind.External)),
                    "oja" => new Ifm.Runtime.Plasticity.OjaRule(0.001f, -4f, 4f),
                    "stdp" => new Ifm.Runtime.Plasticity.StdpRule(0.02f, 0.02f, 0.005f, 0.006f, -2f, 2f),
                    _ => null,
                },
            };
            var model = RandomNetwork.Create(options);
            string path = r.GetValue(output)!;
            Ifm.Runtime.Format.IfmFile.Write(model, path);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {path}: {model.NeuronCount:N0} neurons, {model.EdgeCount:N0} edges (density {model.Density * 100:0.##} %), {new FileInfo(path).Length:N0} bytes"));
            return 0;
        });
        return cmd;
    }
}

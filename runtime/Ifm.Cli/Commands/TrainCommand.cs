using System.CommandLine;
using System.Globalization;
using Ifm.Runtime.Model;
using Ifm.Training;
using Ifm.Training.Data;
using Ifm.Training.Network;
using Ifm.Evaluation.Pong;

namespace Ifm.Cli.Commands;

/// <summary>
/// <c>ifm train</c>: learn a model from recorded neuronal input–output sequences by neuron output prediction
/// (truncated BPTT, Adam, gradient clipping) and write it as .ifm.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Argument<string[]>("data") { Description = "Tick files: 'inputs<TAB>targets' per line (the Pong layout), or CSV with a header (then --inputs and --targets name the columns).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the trained .ifm model.", Required = true };
        var init = new Option<string?>("--init") { Description = "Fine-tune this .ifm model instead of starting from a new random network." };
        var inputs = new Option<string?>("--inputs") { Description = "Comma-separated input names: the columns to read from CSV files; with other layouts, the names of the model's input channels (one per input value)." };
        var targets = new Option<string?>("--targets") { Description = "Comma-separated target names: the columns to read from CSV files; with other layouts, the names of the model's output channels (one per target value)." };
        var neurons = new Option<int>("--neurons") { Description = "Total neurons of a new network, inputs and outputs included.", DefaultValueFactory = _ => 300 }.Positive();
        var p = new Option<double>("--connectivity") { Description = "Connection probability p of a new network, in (0, 1].", DefaultValueFactory = _ => 0.2 };
        var wiring = new Option<string>("--wiring") { Description = "Wiring rule: reference (the paper's) or uniform (any neuron to any non-input neuron).", DefaultValueFactory = _ => "reference" };
        wiring.AcceptOnlyFromAmong("reference", "uniform");
        var kind = new Option<string>("--kind") { Description = $"Neuron kind of a new network: {NeuronModels.Names} (spiking kinds train through a surrogate gradient).", DefaultValueFactory = _ => "ifm" };
        kind.AcceptOnlyFromAmong([.. NeuronModels.All.Select(m => m.Name)]);
        var plastic = new Option<bool>("--plastic") { Description = "Put every edge under a differentiable Hebbian trace; α and η are learned." };
        var eta = new Option<float>("--eta") { Description = "Initial trace rate η of --plastic.", DefaultValueFactory = _ => 0.1f };
        var loss = new Option<string>("--loss") { Description = "mse, or ce (cross-entropy over the outputs, for one-hot actions).", DefaultValueFactory = _ => "mse" };
        loss.AcceptOnlyFromAmong("mse", "ce");
        var lossTicks = new Option<string>("--loss-ticks") { Description = "every tick of a window, or only the last (the reference Pong training).", DefaultValueFactory = _ => "every" };
        lossTicks.AcceptOnlyFromAmong("every", "last");
        var window = new Option<int>("--window") { Description = "TBPTT window length in ticks.", DefaultValueFactory = _ => 20 }.Positive();
        var batch = new Option<int>("--batch") { Description = "Streams per optimiser step.", DefaultValueFactory = _ => 16 }.Positive();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training data.", DefaultValueFactory = _ => 10 }.Positive();
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 }.Positive();
        var clip = new Option<double>("--clip") { Description = "Gradient-norm bound (0: none).", DefaultValueFactory = _ => 1.0 };
        var validation = new Option<double>("--validation") { Description = "Fraction at the end of every file held out for validation (0: none).", DefaultValueFactory = _ => 0.1 };
        var patience = new Option<int>("--patience") { Description = "Stop after this many epochs without a better validation loss (0: never).", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Ticks at the start of every file without loss.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed and data: same model).", DefaultValueFactory = _ => 1 };
        var ahead = new Option<int>("--predict-ahead") { Description = "The output at tick t learns the target of tick t + this (1: a policy whose output is the next step's action).", DefaultValueFactory = _ => 0 };
        var span = new Option<int>("--target-span") { Description = "The target of a tick is the mean of the targets over this many ticks from predict-ahead on (one-hot actions: the share of each over the coming ticks).", DefaultValueFactory = _ => 1 }.Positive();
        var perRow = new Option<int>("--ticks-per-row") { Description = "Network ticks per data row (inputs held, loss on the last); run the model with ticksPerPeriod = this. --window and --warmup count network ticks.", DefaultValueFactory = _ => 1 }.Positive();
        var classWeights = new Option<string>("--class-weights") { Description = "Loss weight per target class: none, balanced (inverse class frequency), or comma-separated numbers per output.", DefaultValueFactory = _ => "none" };
        ahead.Validators.Add(v =>
        {
            if (v.GetValueOrDefault<int>() < 0) v.AddError($"--predict-ahead must be ≥ 0 ticks, got {v.GetValueOrDefault<int>()}");
        });
        classWeights.Validators.Add(v =>
        {
            try
            {
                ClassWeights.Parse(v.GetValueOrDefault<string>() ?? "");
            }
            catch (Ifm.Core.IfmException e)
            {
                v.AddError("--class-weights: " + e.Message);
            }
        });
        var select = new Option<string>("--select") { Description = "Which epoch to keep: loss (lowest validation loss) or pong (highest closed-loop Pong hit rate over 5 games of 4,000 ticks, game seeds 1000–1004, scored after every epoch).", DefaultValueFactory = _ => "loss" };
        select.AcceptOnlyFromAmong("loss", "pong");
        var dt = new Option<float>("--dt") { Description = "Time step in seconds of a new network.", DefaultValueFactory = _ => 0.001f }.Positive();
        var cmd = new Command("train", "Train a model by neuron output prediction (truncated BPTT, Adam) from recorded input–output ticks.")
        {
            data, output, init, inputs, targets, neurons, p, wiring, kind, plastic, eta, loss, lossTicks, window, batch, epochs, lr, clip,
            validation, patience, warmup, seed, ahead, span, perRow, classWeights, select, dt,
        };
        cmd.SetAction(r =>
        {
            var weights = ClassWeights.Parse(r.GetValue(classWeights)!);
            var inputNames = Split(r.GetValue(inputs));
            var targetNames = Split(r.GetValue(targets));
            var sequences = r.GetValue(data)!.Select(f => TickSequence.Load(f, inputNames, targetNames)).ToList();
            var first = sequences[0];
            foreach (var s in sequences)
            {
                if (s.InputWidth != first.InputWidth || s.TargetWidth != first.TargetWidth)
                    throw new CliException($"{s.Source}: {s.InputWidth} inputs and {s.TargetWidth} targets per tick, but {first.Source} has {first.InputWidth} and {first.TargetWidth}");
            }

            if (inputNames is not null && inputNames.Length != first.InputWidth)
                throw new CliException($"--inputs names {inputNames.Length} channel(s), but {first.Source} has {first.InputWidth} input value(s) per tick");
            if (targetNames is not null && targetNames.Length != first.TargetWidth)
                throw new CliException($"--targets names {targetNames.Length} channel(s), but {first.Source} has {first.TargetWidth} target value(s) per tick");

            string outPath = r.GetValue(output)!;
            Ifm.Runtime.Format.AtomicFile.CheckWritable(outPath); // before hours of training, not after
            IfmModel start;
            string? initPath = r.GetValue(init);
            if (initPath is not null)
            {
                start = CommonOptions.LoadModel(initPath);
            }
            else
            {
                start = NetworkFactory.Create(new NetworkSpec
                {
                    Neurons = r.GetValue(neurons),
                    Connectivity = r.GetValue(p),
                    Wiring = r.GetValue(wiring) == "uniform" ? Wiring.Uniform : Wiring.Reference,
                    Kind = NeuronModels.Find(r.GetValue(kind)!)!.Kind,
                    Plastic = r.GetValue(plastic),
                    Eta = r.GetValue(eta),
                    Dt = r.GetValue(dt),
                    Seed = r.GetValue(seed),
                    Name = Path.GetFileNameWithoutExtension(outPath),
                    InputNames = inputNames ?? [.. Enumerable.Range(0, first.InputWidth).Select(i => "in" + i.ToString(CultureInfo.InvariantCulture))],
                    OutputNames = targetNames ?? [.. Enumerable.Range(0, first.TargetWidth).Select(i => "out" + i.ToString(CultureInfo.InvariantCulture))],
                });
            }

            var options = new TrainOptions
            {
                Loss = r.GetValue(loss) == "ce" ? LossKind.CrossEntropy : LossKind.Mse,
                LossTicks = r.GetValue(lossTicks) == "last" ? LossTicks.Last : LossTicks.Every,
                Window = r.GetValue(window),
                Batch = r.GetValue(batch),
                Epochs = r.GetValue(epochs),
                LearningRate = r.GetValue(lr),
                ClipNorm = r.GetValue(clip),
                ValidationFraction = r.GetValue(validation),
                Patience = r.GetValue(patience),
                Warmup = r.GetValue(warmup),
                Seed = r.GetValue(seed),
                PredictAhead = r.GetValue(ahead),
                TicksPerRow = r.GetValue(perRow),
                TargetSpan = r.GetValue(span),
                ClassWeights = weights,
            };
            options.Validate();
            var net = new TrainableNetwork(start);
            var c = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(c, $"training {start.NeuronCount:N0} neurons, {start.EdgeCount:N0} edges{(net.IsPlastic ? " (plastic)" : "")} on {sequences.Count} file(s), {sequences.Sum(s => (long)s.Ticks):N0} ticks"));
            var bar = new ProgressBar(Console.Out, Console.IsOutputRedirected);
            Func<TrainableNetwork, double>? score = null;
            if (r.GetValue(select) == "pong")
            {
                if (first.InputWidth != 24 || first.TargetWidth != 3)
                    throw new CliException($"--select pong needs Pong data (24 inputs, 3 targets per tick); {first.Source} has {first.InputWidth} and {first.TargetWidth}");
                score = n => PongSelection.HitRate(n.ToModel(), options.TicksPerRow);
            }

            // SIGINT/SIGTERM/SIGHUP end training between two steps and say what was kept (the output is written
            // atomically at the end only, so an interrupted run leaves it as it was).
            using var interrupt = new CancellationTokenSource();
            string? signal = null;
            void OnSignal(System.Runtime.InteropServices.PosixSignalContext ctx)
            {
                ctx.Cancel = true;
                signal ??= ctx.Signal.ToString();
                interrupt.Cancel();
            }

            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
            using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
            using var sighup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, OnSignal);
            TrainProgress? last = null;
            TrainResult result;
            try
            {
                result = new Trainer(net, options).Train(sequences, pr => { last = pr; bar.Report(pr); }, interrupt.Token, score);
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                bar.Finish();
                string where = last is { } lp ? string.Create(c, $" in epoch {lp.Epoch} of {lp.Epochs} (step {lp.Step} of {lp.StepsPerEpoch})") : " before the first step";
                string kept = File.Exists(outPath) ? $"{outPath} is unchanged" : $"{outPath} was not created";
                throw new CliException($"train: interrupted by {signal}{where}: no model written, {kept}");
            }

            bar.Finish();

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["training.command"] = "ifm train " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
                ["training.data"] = string.Join(", ", sequences.Select(s => Path.GetFileName(s.Source))),
                ["training.seed"] = options.Seed.ToString(c),
                ["training.predict-ahead"] = options.PredictAhead.ToString(c),
                ["training.target-span"] = options.TargetSpan.ToString(c),
                ["training.ticks-per-row"] = options.TicksPerRow.ToString(c),
                ["training.select"] = r.GetValue(select)!,
                ["training.class-weights"] = options.ClassWeights.ToString(),
                ["training.epochs"] = string.Create(c, $"{result.EpochsRun} (best {result.BestEpoch})"),
                ["training.loss"] = string.Create(c, $"{(options.Loss == LossKind.Mse ? "mse" : "ce")} train {result.TrainLoss:G5}{(result.ValidationLoss is double v ? $", validation {v:G5}" : "")}"),
            };
            var model = net.ToModel(metadata, Path.GetFileNameWithoutExtension(outPath));
            Ifm.Runtime.Format.IfmFile.Write(model, outPath);
            Console.WriteLine(string.Create(c, $"trained {result.EpochsRun} epochs ({result.Steps:N0} steps) in {result.Elapsed.TotalSeconds:0.0} s{(result.StoppedEarly ? ", stopped early" : "")}; best epoch {result.BestEpoch}"));
            Console.WriteLine(string.Create(c, $"train loss {result.TrainLoss:0.#####}{(result.ValidationLoss is double vl ? $", validation loss {vl:0.#####}" : "")}{(result.ValidationAccuracy is double va ? $", validation accuracy {va * 100:0.0} %" : "")}{(result.SelectionScore is double ss ? $", selection score {ss:0.####}" : "")}"));
            Console.WriteLine(string.Create(c, $"wrote {outPath} ({new FileInfo(outPath).Length:N0} bytes)"));
            return 0;
        });
        return cmd;
    }

    private static string[]? Split(string? names) =>
        names is null ? null : [.. names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}

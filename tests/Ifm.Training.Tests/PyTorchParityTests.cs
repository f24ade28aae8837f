using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Training.Network;
using Xunit.Abstractions;

namespace Ifm.Training.Tests;

/// <summary>
/// The runtime and the trainer against the PyTorch package (python/ifm_torch, Debian's python3-torch). Python builds
/// one model per neuron kind and plasticity rule, writes it as .ifm and runs it through its vectorised tick; the
/// runtime's CPU session (the engine <c>ifm replay</c> runs) must give every neuron's output within 1e-5 over 1,000
/// ticks, and the trainer's gradients of a TBPTT window must match autograd within 1e-4 relative.
/// </summary>
public sealed class PyTorchParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Runtime_outputs_of_every_kind_and_rule_match_the_pytorch_package_over_1000_ticks()
    {
        string dir = TempDir();
        try
        {
            RunPython(["-m", "ifm_torch.parity", "forward", dir, "1000"]);
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "cases.json")));
            var kinds = new HashSet<string>();
            var rules = new HashSet<string>();
            var timings = new HashSet<string>();
            foreach (var c in doc.RootElement.EnumerateArray())
            {
                string name = c.GetProperty("name").GetString()!;
                int ticks = c.GetProperty("ticks").GetInt32();
                var model = IfmFile.Read(Path.Combine(dir, name + ".ifm"));
                timings.Add(model.Timing == TickTiming.FeedForward ? "feed_forward" : "synchronous");
                int n = model.NeuronCount, ic = model.InputCount, oc = model.OutputCount;
                var x = Floats(Path.Combine(dir, name + ".inputs.f32"), ticks * ic);
                var modulator = Floats(Path.Combine(dir, name + ".modulator.f32"), ticks);
                var errors = Floats(Path.Combine(dir, name + ".errors.f32"), ticks * oc);
                var expected = Doubles(Path.Combine(dir, name + ".expected.f64"), ticks * n);
                var frozen = Doubles(Path.Combine(dir, name + ".frozen.f64"), ticks * n);

                using var session = new CpuSession(model);
                double worst = 0, spread = 0, ruleEffect = 0;
                int worstTick = -1;
                for (int t = 0; t < ticks; t++)
                {
                    session.SetInputs(x.AsSpan(t * ic, ic));
                    session.Plasticity.SetModulator(modulator[t]);
                    session.Plasticity.SetErrors(errors.AsSpan(t * oc, oc));
                    session.Step();
                    var y = session.NeuronOutputs;
                    for (int i = 0; i < n; i++)
                    {
                        double e = expected[t * n + i];
                        double d = Math.Abs(y[i] - e);
                        if (d > worst) (worst, worstTick) = (d, t);
                        spread = Math.Max(spread, Math.Abs(e - expected[i]));
                        ruleEffect = Math.Max(ruleEffect, Math.Abs(e - frozen[t * n + i]));
                    }
                }

                var caseRules = c.GetProperty("rules").EnumerateArray().Select(r => r.GetString()!).ToList();
                foreach (var k in c.GetProperty("kinds").EnumerateArray()) kinds.Add(k.GetString()!);
                foreach (var r in caseRules) rules.Add(r);
                log.WriteLine($"{name}: {n} neurons, {model.EdgeCount} edges, {ticks} ticks: max |runtime − torch| {worst:E2} (tick {worstTick}); rule effect {ruleEffect:G3}");
                Assert.True(worst <= 1e-5, $"{name}: runtime outputs differ from PyTorch by {worst:E2} at tick {worstTick}");
                Assert.True(spread > 0.1, $"{name}: the outputs barely change over the run ({spread:G3}): the case checks nothing");
                if (caseRules.Count > 0) Assert.True(ruleEffect > 0.05, $"{name}: the plasticity rule changes the outputs by only {ruleEffect:G3}: the case checks nothing");
            }

            Assert.Equal(NeuronModels.All.Select(m => m.Name).Order(), kinds.Order());
            Assert.Contains(timings, t => t == "feed_forward");
            Assert.Equal(["hebbian_trace", "neuromodulated", "oja", "pes", "stdp"], rules.Order());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Trainer_gradients_match_pytorch_autograd_for_every_kind()
    {
        string dir = TempDir();
        try
        {
            RunPython(["-m", "ifm_torch.parity", "gradients", dir]);
            foreach (var json in Directory.GetFiles(dir, "*.json").Order())
            {
                string name = Path.GetFileNameWithoutExtension(json);
                var model = IfmFile.Read(Path.Combine(dir, name + ".ifm"));
                using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
                var r = doc.RootElement;
                var inputs = Matrix(r.GetProperty("inputs"));
                var targets = Matrix(r.GetProperty("targets"));
                var expected = Matrix(r.GetProperty("outputs"));
                int oc = model.OutputCount;
                var net = new TrainableNetwork(model);
                var unroller = new Unroller(net, inputs.Length) { SmoothSpikes = r.GetProperty("smooth_spikes").GetBoolean() };
                var state = new StreamState(net);
                unroller.Forward(state, inputs.SelectMany(row => row.Select(v => (float)v)).ToArray(), inputs.Length);
                double worstOutput = 0;
                for (int t = 1; t <= inputs.Length; t++)
                {
                    for (int i = 0; i < model.NeuronCount; i++) worstOutput = Math.Max(worstOutput, Math.Abs(unroller.Outputs(t)[i] - expected[t - 1][i]));
                }

                var outGrad = new double[inputs.Length * oc];
                var y = new float[oc];
                double loss = 0;
                for (int t = 1; t <= inputs.Length; t++)
                {
                    for (int c = 0; c < oc; c++) y[c] = unroller.Outputs(t)[model.OutputNeurons[c]];
                    var target = targets[t - 1].Select(v => (float)v).ToArray();
                    loss += Losses.Tick(LossKind.Mse, y, target, 1.0 / inputs.Length, outGrad.AsSpan((t - 1) * oc, oc)) / inputs.Length;
                }

                var grad = new double[net.ParameterCount];
                unroller.Backward(outGrad, grad);
                var reference = new double[net.ParameterCount];
                Vector(r.GetProperty("grad_weight")).CopyTo(reference, net.WeightOffset);
                Vector(r.GetProperty("grad_bias")).CopyTo(reference, net.BiasOffset);
                Vector(r.GetProperty("grad_a")).CopyTo(reference, net.AOffset);
                Vector(r.GetProperty("grad_alpha")).CopyTo(reference, net.AlphaOffset);
                Vector(r.GetProperty("grad_eta")).CopyTo(reference, net.EtaOffset);

                // Per element, relative to the element, for every gradient above 1 % of the largest (below that, the
                // float32 forward's rounding dominates); and for every element, relative to the largest gradient.
                double scale = reference.Max(Math.Abs);
                double worst = 0, worstOfAll = 0;
                int worstAt = 0, compared = 0;
                for (int i = 0; i < reference.Length; i++)
                {
                    if (!net.Trainable[i]) continue;
                    double diff = Math.Abs(grad[i] - reference[i]);
                    worstOfAll = Math.Max(worstOfAll, diff / scale);
                    if (Math.Abs(reference[i]) < 1e-2 * scale) continue;
                    compared++;
                    double rel = diff / Math.Abs(reference[i]);
                    if (rel > worst) (worst, worstAt) = (rel, i);
                }

                log.WriteLine($"{name}: outputs within {worstOutput:E2}; loss {loss:G6} vs {r.GetProperty("loss").GetDouble():G6}; {reference.Length} gradients, largest {scale:E2}, " +
                    $"{compared} above 1 % of it: worst relative error {worst:E2}; all: max |Δ|/max|g| {worstOfAll:E2}");
                Assert.True(worstOutput <= 1e-5, $"{name}: trainer outputs differ from PyTorch by {worstOutput:E2}");
                Assert.Equal(r.GetProperty("loss").GetDouble(), loss, 5);
                // Of the gradients autograd gives (exact zeros: edges out of a neuron that never spiked), a fifth are compared
                // element by element.
                int nonZero = Enumerable.Range(0, reference.Length).Count(i => net.Trainable[i] && reference[i] != 0);
                Assert.True(compared > nonZero / 5, $"{name}: only {compared} of {nonZero} non-zero gradients above 1 % of the largest");
                Assert.True(worst <= 1e-4, $"{name}: gradient θ[{worstAt}] = {grad[worstAt]:E6}, autograd {reference[worstAt]:E6} (relative error {worst:E2})");
                Assert.True(worstOfAll <= 1e-4, $"{name}: a gradient differs from autograd by {worstOfAll:E2} of the largest gradient");
                if (net.IsPlastic)
                {
                    Assert.True(reference.Skip(net.EtaOffset).Any(v => v != 0) && reference.Skip(net.AlphaOffset).Take(net.E).Count(v => v != 0) > net.PlasticEdgeCount() / 2,
                        $"{name}: the plastic parameters got no gradient: the test would not check them");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The package's trainer and the C# trainer from the same starting model, data and options: the same parameters
    /// after every step up to float rounding (static network: 1e-5; with a Hebbian trace, whose float32 rounding the
    /// Adam steps carry on, within 1 % of how far training moved them).
    /// </summary>
    [Theory]
    [InlineData(false, "--epochs 2 --batch 6 --window 10 --loss ce --class-weights balanced --predict-ahead 1 --target-span 5 --patience 0 --lr 5e-3 --validation 0")]
    [InlineData(false, "--epochs 3 --batch 4 --window 9 --loss mse --loss-ticks last --ticks-per-row 2 --warmup 5 --lr 1e-2 --validation 0.2 --class-weights 1,2,0.5 --patience 1")]
    [InlineData(true, "--epochs 2 --batch 5 --window 12 --loss mse --lr 1e-2 --validation 0.1 --patience 0")]
    public void Package_trainer_matches_the_csharp_trainer(bool plastic, string options)
    {
        string dir = TempDir();
        try
        {
            var files = new List<string>();
            foreach (var name in new[] { "c0.txt", "c1.txt", "c2.txt" })
            {
                string path = Path.Combine(dir, name);
                File.WriteAllLines(path, File.ReadLines(Path.Combine(RepoRoot(), "tests", "data", "pong", name)).Take(1200));
                files.Add(path);
            }

            var init = NetworkFactory.Create(new NetworkSpec
            {
                Neurons = plastic ? 30 : 40,
                Connectivity = 0.25,
                Plastic = plastic,
                Eta = 0.2f,
                Seed = 3,
                InputNames = [.. Enumerable.Range(0, 24).Select(i => $"in{i}")],
                OutputNames = ["out0", "out1", "out2"],
            });
            string initPath = Path.Combine(dir, "init.ifm"), outPath = Path.Combine(dir, "torch.ifm");
            IfmFile.Write(init, initPath);
            RunPython([.. new[] { "-m", "ifm_torch.train" }, .. files, "--init", initPath, "--out", outPath, "--threads", "1", .. options.Split(' ')]);

            var o = ParseOptions(options);
            var net = new TrainableNetwork(init);
            var result = new Trainer(net, o).Train([.. files.Select(f => Data.TickSequence.Load(f))]);
            var expected = net.ToModel();
            var got = IfmFile.Read(outPath);
            double moved = 0, worst = 0;
            for (int k = 0; k < init.EdgeCount; k++)
            {
                moved = Math.Max(moved, Math.Abs(expected.Weight[k] - init.Weight[k]));
                worst = Math.Max(worst, Math.Abs(expected.Weight[k] - got.Weight[k]));
                worst = Math.Max(worst, Math.Abs(expected.Alpha[k] - got.Alpha[k]));
            }

            for (int i = 0; i < init.NeuronCount; i++) worst = Math.Max(worst, Math.Abs(expected.Bias[i] - got.Bias[i]));
            double tolerance = plastic ? 0.01 * moved : 1e-5;
            log.WriteLine($"{options}: training moved weights by up to {moved:G3}; C# vs PyTorch trainer: max |Δθ| {worst:E2} (tolerance {tolerance:E1})");
            Assert.True(moved > 0.05, "training barely moved the weights: the comparison would check nothing");
            Assert.True(worst <= tolerance, $"the trainers differ by {worst:E2}");
            Assert.Equal($"{result.EpochsRun} (best {result.BestEpoch})", got.ExtraMetadata["training.epochs"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static TrainOptions ParseOptions(string options)
    {
        var o = new TrainOptions();
        var a = options.Split(' ');
        for (int i = 0; i < a.Length; i += 2)
        {
            string v = a[i + 1];
            var c = System.Globalization.CultureInfo.InvariantCulture;
            o = a[i] switch
            {
                "--epochs" => o with { Epochs = int.Parse(v, c) },
                "--batch" => o with { Batch = int.Parse(v, c) },
                "--window" => o with { Window = int.Parse(v, c) },
                "--loss" => o with { Loss = v == "ce" ? LossKind.CrossEntropy : LossKind.Mse },
                "--loss-ticks" => o with { LossTicks = v == "last" ? LossTicks.Last : LossTicks.Every },
                "--ticks-per-row" => o with { TicksPerRow = int.Parse(v, c) },
                "--warmup" => o with { Warmup = int.Parse(v, c) },
                "--lr" => o with { LearningRate = double.Parse(v, c) },
                "--validation" => o with { ValidationFraction = double.Parse(v, c) },
                "--class-weights" => o with { ClassWeights = ClassWeights.Parse(v) },
                "--patience" => o with { Patience = int.Parse(v, c) },
                "--predict-ahead" => o with { PredictAhead = int.Parse(v, c) },
                "--target-span" => o with { TargetSpan = int.Parse(v, c) },
                _ => throw new ArgumentException(a[i]),
            };
        }

        return o;
    }

    /// <summary>The package's own unit tests (python/tests: format corpus, tick files, trainer, distributed training on gloo).</summary>
    [Fact]
    public void Pytorch_package_unit_tests_pass()
    {
        var output = RunPython(["-m", "unittest", "discover", "-s", "tests", "-t", "."], timeoutMs: 300_000);
        log.WriteLine(output);
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "python", "ifm_torch", "__init__.py"))) return d.FullName;
        }

        throw new InvalidOperationException("cannot find the repository root (python/ifm_torch) above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs Debian's python3 in python/ (so <c>-m ifm_torch…</c> finds the package) and returns its output.</summary>
    internal static string RunPython(string[] args, int timeoutMs = 180_000)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run scripts/install-deps.sh (python3, python3-torch)");
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(RepoRoot(), "python"),
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"python3 {string.Join(' ', args)} did not finish within {timeoutMs / 1000} s");
        }

        string err = stderr.Result;
        if (err.Contains("No module named 'torch'", StringComparison.Ordinal))
            Assert.Fail($"PyTorch is not installed for {python}: run scripts/install-deps.sh (apt-get install python3-torch)");
        Assert.True(p.ExitCode == 0, $"python3 {string.Join(' ', args)} failed (exit {p.ExitCode}): {err}{stdout.Result}");
        return stdout.Result + err;
    }

    private static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ifm-parity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static float[] Floats(string path, int count)
    {
        var v = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(path)).ToArray();
        Assert.Equal(count, v.Length);
        return v;
    }

    private static double[] Doubles(string path, int count)
    {
        var v = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(path)).ToArray();
        Assert.Equal(count, v.Length);
        return v;
    }

    private static double[][] Matrix(JsonElement e) => [.. e.EnumerateArray().Select(Vector)];

    private static double[] Vector(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
}

internal static class TrainableNetworkTestExtensions
{
    public static int PlasticEdgeCount(this TrainableNetwork net) => Enumerable.Range(0, net.E).Count(k => net.Trainable[net.AlphaOffset + k]);
}

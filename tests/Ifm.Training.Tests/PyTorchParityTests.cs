using System.Diagnostics;
using System.Text.Json;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Training.Network;
using Xunit.Abstractions;

namespace Ifm.Training.Tests;

/// <summary>
/// The runtime and the trainer against the PyTorch reference (tests/pytorch, Debian's python3-torch): a random
/// 50-neuron network with a Hebbian trace on every edge is built and exported to .ifm by Python; its outputs over
/// 20 ticks must match within 1e-5 and the trainer's gradients must match autograd within 1e-4 relative.
/// </summary>
public sealed class PyTorchParityTests(ITestOutputHelper log)
{
    [Fact]
    public void Runtime_outputs_and_trainer_gradients_match_pytorch()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ifm-parity-" + Guid.NewGuid().ToString("N"));
        try
        {
            RunPython(Path.Combine(RepoRoot(), "tests", "pytorch", "parity.py"), dir, "7");
            var model = IfmFile.Read(Path.Combine(dir, "model.ifm"));
            using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "reference.json")));
            var r = doc.RootElement;
            var inputs = Matrix(r.GetProperty("inputs"));
            var targets = Matrix(r.GetProperty("targets"));
            var expected = Matrix(r.GetProperty("outputs"));
            Assert.Equal(50, model.NeuronCount);
            Assert.True(model.IsPlastic);

            // 1. Forward: the runtime's CPU session, every neuron, every tick.
            using var session = new CpuSession(model);
            double worstOutput = 0;
            for (int t = 0; t < inputs.Length; t++)
            {
                session.SetInputs(inputs[t].Select(v => (float)v).ToArray());
                session.Step();
                for (int i = 0; i < model.NeuronCount; i++) worstOutput = Math.Max(worstOutput, Math.Abs(session.NeuronOutputs[i] - expected[t][i]));
            }

            log.WriteLine($"max |runtime − torch| over 20 ticks × 50 neurons: {worstOutput:E2}");
            Assert.True(worstOutput <= 1e-5, $"runtime outputs differ from PyTorch by {worstOutput:E2}");
            Assert.True(expected[^1].Skip(47).Any(v => Math.Abs(v) > 0.05), "the reference outputs are trivially small");

            // 2. Backward: the trainer's gradient of the same MSE loss against autograd.
            var net = new TrainableNetwork(model);
            var unroller = new Unroller(net, inputs.Length);
            var state = new StreamState(net);
            unroller.Forward(state, inputs.SelectMany(row => row.Select(v => (float)v)).ToArray(), inputs.Length);
            var outGrad = new double[inputs.Length * 3];
            var y = new float[3];
            double loss = 0;
            for (int t = 1; t <= inputs.Length; t++)
            {
                for (int c = 0; c < 3; c++) y[c] = unroller.Outputs(t)[model.OutputNeurons[c]];
                var target = targets[t - 1].Select(v => (float)v).ToArray();
                loss += Losses.Tick(LossKind.Mse, y, target, 1.0 / inputs.Length, outGrad.AsSpan((t - 1) * 3, 3)) / inputs.Length;
            }

            Assert.Equal(r.GetProperty("loss").GetDouble(), loss, 5);
            var grad = new double[net.ParameterCount];
            unroller.Backward(outGrad, grad);
            var reference = new double[net.ParameterCount];
            Vector(r.GetProperty("grad_weight")).CopyTo(reference, net.WeightOffset);
            Vector(r.GetProperty("grad_bias")).CopyTo(reference, net.BiasOffset);
            Vector(r.GetProperty("grad_a")).CopyTo(reference, net.AOffset);
            Vector(r.GetProperty("grad_alpha")).CopyTo(reference, net.AlphaOffset);
            reference[net.EtaOffset] = r.GetProperty("grad_eta").GetDouble();

            // Per element, relative to the element, for every gradient above 1 % of the largest (below that, the
            // float32 forward's rounding dominates); and for every element, relative to the largest gradient.
            double scale = reference.Max(Math.Abs);
            double worst = 0, worstOfAll = 0;
            int worstAt = 0, compared = 0;
            for (int i = 0; i < reference.Length; i++)
            {
                double diff = Math.Abs(grad[i] - reference[i]);
                worstOfAll = Math.Max(worstOfAll, diff / scale);
                if (Math.Abs(reference[i]) < 1e-2 * scale) continue;
                compared++;
                double rel = diff / Math.Abs(reference[i]);
                if (rel > worst) (worst, worstAt) = (rel, i);
            }

            log.WriteLine($"gradients: {reference.Length} values, largest |g| {scale:E2}; {compared} above 1 % of it: worst relative error {worst:E2} (θ[{worstAt}]: {grad[worstAt]:E4} vs {reference[worstAt]:E4}); all: max |Δ|/max|g| {worstOfAll:E2}; dL/dη {grad[net.EtaOffset]:E6} vs {reference[net.EtaOffset]:E6}");
            Assert.True(compared > reference.Length / 4, $"only {compared} gradients above 1 % of the largest");
            Assert.True(worst <= 1e-4, $"gradient θ[{worstAt}] = {grad[worstAt]:E6}, autograd {reference[worstAt]:E6} (relative error {worst:E2})");
            Assert.True(worstOfAll <= 1e-4, $"a gradient differs from autograd by {worstOfAll:E2} of the largest gradient");
            Assert.True(Math.Abs(reference[net.EtaOffset]) > 0 && reference.Skip(net.AlphaOffset).Take(net.E).Count(v => v != 0) > net.E / 2,
                "the plastic parameters got no gradient: the test would not check them");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "tests", "pytorch", "ifm_reference.py"))) return d.FullName;
        }

        throw new InvalidOperationException("cannot find the repository root (tests/pytorch) above " + AppContext.BaseDirectory);
    }

    internal static void RunPython(string script, params string[] args)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run scripts/install-deps.sh (python3, python3-torch)");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within 180 s");
        }

        string err = stderr.Result;
        if (err.Contains("No module named 'torch'", StringComparison.Ordinal))
            Assert.Fail($"PyTorch is not installed for {python}: run scripts/install-deps.sh (apt-get install python3-torch)");
        Assert.True(p.ExitCode == 0, $"{script} failed (exit {p.ExitCode}): {err}{stdout.Result}");
    }

    private static double[][] Matrix(JsonElement e) => [.. e.EnumerateArray().Select(Vector)];

    private static double[] Vector(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];
}

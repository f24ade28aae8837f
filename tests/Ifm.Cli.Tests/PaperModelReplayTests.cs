using System.Globalization;

namespace Ifm.Cli.Tests;

/// <summary>
/// The seed paper's own PyTorch models deploy: a model built with the paper's construction (python/tests'
/// <c>PaperShaped</c>: neurons ordered inputs, outputs, hidden; per-neuron <c>weights</c> over <c>connections[i]</c>,
/// <c>bias</c>, <c>state_decay.alpha</c>) is saved with torch.save, converted by the user-facing exporter
/// (<c>python3 -m ifm_torch.convert</c>, python/README.md) and replayed by the shipped <c>ifm replay</c>: its outputs
/// match the paper's own per-neuron loop (float64) tick for tick. Row t of the reference (after input row t) is the
/// runtime's tick t + 1, which is replay's row t.
/// </summary>
public sealed class PaperModelReplayTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ifm-paper-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_converted_paper_model_replays_like_the_papers_loop()
    {
        string python = Path.Combine(PublishedArtifacts.RepoRoot, "python");
        string pt = Path.Combine(_dir, "paper.pt"), model = Path.Combine(_dir, "paper.ifm");
        string inputs = Path.Combine(_dir, "in.txt"), expected = Path.Combine(_dir, "expected.csv"), outputs = Path.Combine(_dir, "out.csv");
        const string script = """
            import sys, torch, numpy as np
            from tests.test_network import PaperShaped
            pt, inputs, expected = sys.argv[1:4]
            paper = PaperShaped(24, 3, 2, 0.4, seed=8)
            torch.save(paper, pt)
            torch.manual_seed(1)
            x = (torch.rand(1, 200, 3, dtype=torch.float64) * 2 - 1).float().double()
            with torch.no_grad():
                y = paper.run(x)[0][:, 3:5]
            np.savetxt(inputs, x[0].numpy(), delimiter=",", fmt="%.9g")
            np.savetxt(expected, y.numpy(), delimiter=",", fmt="%.12g")
            """;
        var env = new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" };
        ProcessResult r = ProcessRunner.Run("/usr/bin/python3", ["-c", script, pt, inputs, expected], workDir: python, env: env);
        Assert.True(r.ExitCode == 0, "python3 (python3-torch) failed: " + r.Stderr);
        r = ProcessRunner.Run("/usr/bin/python3", ["-m", "ifm_torch.convert", pt, model], workDir: python, env: env);
        Assert.True(r.ExitCode == 0, "ifm_torch.convert failed: " + r.Stderr);

        r = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["replay", model, "--inputs", inputs, "--out", outputs]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        float[][] got = AotBinaryTests.ReadCsv(outputs);
        double[][] want = [.. File.ReadAllLines(expected).Where(l => l.Length > 0).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
        Assert.Equal(want.Length, got.Length);
        for (int t = 0; t < want.Length; t++)
        {
            Assert.Equal(want[t].Length, got[t].Length);
            for (int o = 0; o < want[t].Length; o++)
            {
                // float32 runtime against the float64 loop: a few ulps per tick, not growing (the model is contracting).
                if (!(Math.Abs(got[t][o] - want[t][o]) <= 1e-5)) Assert.Fail($"row {t} (tick {t + 1}), output {o}: ifm replay {got[t][o]:R}, paper loop {want[t][o]:R}");
            }
        }
    }
}

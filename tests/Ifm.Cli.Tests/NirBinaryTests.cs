using Ifm.Import.Nir;
using Ifm.Runtime.Format;

namespace Ifm.Cli.Tests;

/// <summary>
/// <c>ifm import</c> in the shipped NativeAOT binaries — linux-x64 and linux-arm64 under qemu-user — where PureHDF's
/// generic readers exist only if they were compiled in (runtime/Ifm.Import/PureHDF.rd.xml): the NIR paper's
/// lif_norse.nir imports to the model the library builds and replays to spikes on exactly Norse's steps; both binaries
/// export it back to NIR (PureHDF's writer, its roots and the int64 marshalling data NirFile keeps) and the exported
/// file imports to the same model; export refuses a model NIR cannot express with one line; a NIR graph imported with a
/// plasticity rule learns in <c>ifm run</c> (Pavlov conditioning on the simulated plant).
/// </summary>
public sealed class NirBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ifm-nir-bin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "nir", file);

    private static ProcessResult Ifm(string rid, params string[] args) => rid == "linux-x64"
        ? ProcessRunner.Run(PublishedArtifacts.Ifm(rid), args)
        : ProcessRunner.Run("qemu-aarch64-static", ["-L", "/usr/aarch64-linux-gnu", PublishedArtifacts.Ifm(rid), .. args], timeoutSeconds: 600);

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void Import_and_replay_in_the_native_binary(string rid)
    {
        string a = Path.Combine(_dir, "a.ifm");
        ProcessResult r = Ifm(rid, "import", Data("lif_norse.nir"), "--out", a, "--dt", "0.0001", "--name", "lif");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var expected = NirImporter.ToModel(NirFile.Read(Data("lif_norse.nir")), new NirImportOptions { Dt = 1e-4f, Name = "lif" });
        Assert.Equal(expected.Id, IfmFile.Read(a).Id);

        // The recorded input spikes of the experiment: output spikes on Norse's steps.
        AssertReplaysNorseSpikes(rid, a);
    }

    [Theory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void Export_in_the_native_binary_round_trips_lif_norse(string rid)
    {
        string a = Path.Combine(_dir, "a.ifm"), nir = Path.Combine(_dir, "a.nir"), b = Path.Combine(_dir, "b.ifm");
        ProcessResult r = Ifm(rid, "import", Data("lif_norse.nir"), "--out", a, "--dt", "0.0001", "--name", "lif");
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = Ifm(rid, "export", a, "--format", "nir", "--out", nir);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}: {r.Stderr}");
        r = Ifm(rid, "import", nir, "--out", b, "--dt", "0.0001", "--name", "lif");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var original = IfmFile.Read(a);
        Assert.Equal(original.Id, IfmFile.Read(b).Id);

        // The library reads the natively written file to the same graph (node types, parameters, edges).
        var exported = NirFile.Read(nir);
        Assert.Equal(NirExporter.ToGraph(original).Nodes.Select(n => (n.Name, n.Type)), exported.Nodes.Select(n => (n.Name, n.Type)));
        Assert.Equal(NirExporter.ToGraph(original).Edges, exported.Edges);

        // Debian's h5py reads its strings as bytes, as nir.read takes them (node types, edges), and shape as int64.
        const string script = """
            import sys, h5py
            with h5py.File(sys.argv[1], "r") as f:
                g = f["node"]
                assert isinstance(f["version"][()], bytes) and g["type"][()] == b"NIRGraph"
                for name, n in g["nodes"].items():
                    assert isinstance(n["type"][()], bytes)
                    if "shape" in n: assert str(n["shape"].dtype) == "int64"
                    print("node", name, n["type"][()].decode())
                for a, b in g["edges"][()]:
                    print("edge", a.decode(), b.decode())
            """;
        r = ProcessRunner.Run("/usr/bin/python3", ["-c", script, nir]);
        Assert.True(r.ExitCode == 0, "python3 (python3-h5py) failed: " + r.Stderr);
        Assert.Equal(
            exported.Nodes.Select(n => $"node {n.Name} {n.Type}").Order(StringComparer.Ordinal).Concat(exported.Edges.Select(e => $"edge {e.Source} {e.Target}")),
            r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The re-imported model replays the recorded input spikes to Norse's steps.
        AssertReplaysNorseSpikes(rid, b);
    }

    /// <summary>Replays lif_norse.csv's recorded input spikes through <paramref name="model"/>: output spikes on Norse's steps.</summary>
    private void AssertReplaysNorseSpikes(string rid, string model)
    {
        string inputs = Path.Combine(_dir, "in.txt"), outputs = Path.Combine(_dir, "out.csv");
        File.WriteAllLines(inputs, File.ReadAllLines(Data("lif_norse.csv")).Where(l => l.Length > 0).Select(l => l.Split(',')[0]));
        ProcessResult r = Ifm(rid, "replay", model, "--inputs", inputs, "--out", outputs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = AotBinaryTests.ReadCsv(outputs);
        Assert.Equal(1000, rows.Length);
        Assert.Equal([460, 510, 710, 760], Enumerable.Range(0, rows.Length).Where(t => rows[t][0] == 1f).ToArray());
    }

    /// <summary>
    /// Pavlov's dog written as a NIR graph (nir_files.py pavlov: food and bell through Affine nodes into one LIF
    /// neuron), imported with STDP on the bell's Affine node and run on the simulated Pavlov plant: with plasticity on,
    /// pairing teaches the neuron to answer the bell alone; with it off the bell alone never makes it salivate.
    /// </summary>
    [Fact]
    public void An_imported_nir_graph_learns_with_plasticity_in_ifm_run()
    {
        ProcessResult r = ProcessRunner.Run("/usr/bin/python3", [Data("nir_files.py"), "pavlov", _dir]);
        Assert.True(r.ExitCode == 0, "python3 (python3-h5py) failed: " + r.Stderr);
        string model = Path.Combine(_dir, "pavlov.ifm");
        r = Ifm("linux-x64", "import", Path.Combine(_dir, "pavlov.nir"), "--out", model, "--dt", "0.001", "--plasticity", Path.Combine(_dir, "pavlov.rules.json"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var group = Assert.Single(IfmFile.Read(model).EdgeGroups, g => g.Rule is not null);
        Assert.Equal("bell", group.Name);

        int[] Testing(string plasticity)
        {
            ProcessResult run = Ifm("linux-x64", "run", model, "--sim", "pavlov", "--rate", "1000", "--plasticity", plasticity);
            Assert.True(run.ExitCode == 0, run.Stderr);
            string text = run.Stdout + run.Stderr;
            var rows = text.Split('\n').Where(l => l.Contains("Testing", StringComparison.Ordinal) && l.Contains("bell 1:", StringComparison.Ordinal)).ToArray();
            Assert.True(rows.Length == 3, $"expected 3 testing trials in the report: {text}");
            var initial = text.Split('\n').Where(l => l.Contains("Initial", StringComparison.Ordinal) && l.Contains("food 1", StringComparison.Ordinal)).ToArray();
            Assert.All(initial, l => Assert.Contains(": 5/5", l, StringComparison.Ordinal));  // food alone: the innate response
            return [.. rows.Select(l => int.Parse(l[(l.IndexOf("bell 1: ", StringComparison.Ordinal) + 8)..].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture))];
        }

        Assert.Equal([5, 5, 5], Testing("on"));
        Assert.Equal([0, 0, 0], Testing("off"));
    }

    [Fact]
    public void Export_refuses_a_model_nir_cannot_express_with_one_line()
    {
        string model = Path.Combine(_dir, "net.ifm");
        ProcessResult r = Ifm("linux-x64", "new", "--neurons", "40", "--seed", "2", "--out", model);
        Assert.True(r.ExitCode == 0, r.Stderr);
        r = Ifm("linux-x64", "export", model, "--format", "nir", "--out", Path.Combine(_dir, "x.nir"));
        Assert.Equal(1, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        Assert.Contains("synchronous timing", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "x.nir")));
    }
}

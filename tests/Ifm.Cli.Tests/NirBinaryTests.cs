using Ifm.Import.Nir;
using Ifm.Runtime.Format;

namespace Ifm.Cli.Tests;

/// <summary>
/// <c>ifm import</c> in the shipped NativeAOT binaries — linux-x64 and linux-arm64 under qemu-user — where PureHDF's
/// generic readers exist only if they were compiled in (runtime/Ifm.Import/PureHDF.rd.xml): the NIR paper's
/// lif_norse.nir imports to the model the library builds and replays to spikes on exactly Norse's steps; export refuses
/// a model NIR cannot express with one line. (Writing a NIR file in the native binary still fails inside PureHDF's
/// writer — see runtime/Ifm.Import/README.md — so the round trip is tested in process, Ifm.Import.Tests.)
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
        string inputs = Path.Combine(_dir, "in.txt"), outputs = Path.Combine(_dir, "out.csv");
        File.WriteAllLines(inputs, File.ReadAllLines(Data("lif_norse.csv")).Where(l => l.Length > 0).Select(l => l.Split(',')[0]));
        r = Ifm(rid, "replay", a, "--inputs", inputs, "--out", outputs);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var rows = AotBinaryTests.ReadCsv(outputs);
        Assert.Equal(1000, rows.Length);
        Assert.Equal([460, 510, 710, 760], Enumerable.Range(0, rows.Length).Where(t => rows[t][0] == 1f).ToArray());
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

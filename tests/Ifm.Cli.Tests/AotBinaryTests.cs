using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Tests;

/// <summary>The shipped NativeAOT <c>ifm</c> for linux-x64, run as a user runs it.</summary>
public sealed class AotBinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ifm-aot-").FullName;
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-x64");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Binary_is_a_native_x64_executable_with_its_version()
    {
        Assert.Equal(62, ElfMachine(_ifm)); // EM_X86_64
        Assert.False(File.Exists(Path.ChangeExtension(_ifm, ".dll")), "an AOT publish has no managed ifm.dll");
        ProcessResult r = ProcessRunner.Run(_ifm, ["--version"]);
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("0.1.0", r.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_is_within_the_size_budget()
    {
        long size = new FileInfo(_ifm).Length;
        Assert.True(size <= PublishedArtifacts.IfmSizeBudgetBytes,
            $"linux-x64 ifm is {size:N0} bytes, over the {PublishedArtifacts.IfmSizeBudgetBytes:N0}-byte budget (tests/bench/RESULTS.md, Binary size)");
    }

    [Fact]
    public void Import_reads_a_NIR_file_as_the_in_process_importer_does()
    {
        // PureHDF instantiates its dataset readers by reflection (rooted in PureHDF.rd.xml): this is the check that
        // they exist in the native binary.
        string nir = Path.Combine(PublishedArtifacts.RepoRoot, "tests", "data", "nir", "lif_norse.nir");
        string model = Path.Combine(_dir, "lif.ifm");
        ProcessResult r = ProcessRunner.Run(_ifm, ["import", nir, "--out", model, "--dt", "1e-4"]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        string expected = Path.Combine(_dir, "lif-jit.ifm");
        IfmFile.Write(Ifm.Import.Nir.NirImporter.ToModel(Ifm.Import.Nir.NirFile.Read(nir),
            new Ifm.Import.Nir.NirImportOptions { Dt = 1e-4f, Name = "lif_norse" }, "lif_norse.nir"), expected);
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(model));
    }

    [Fact]
    public void Import_refuses_the_scale_offset_filter_with_one_line()
    {
        // The native binary leaves PureHDF's scale-offset filter out (PureHDF.substitutions.xml); a file that uses it
        // is refused by name, as the in-process importer refuses it.
        string nir = Path.Combine(_dir, "scaleoffset.nir");
        ProcessResult py = ProcessRunner.Run("/usr/bin/python3", ["-c", """
            import sys, h5py, numpy as np
            src, dst = sys.argv[1], sys.argv[2]
            with h5py.File(src, "r") as a, h5py.File(dst, "w") as b:
                for k in a: a.copy(a[k], b, k)
                names = []
                b.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) and o.dtype.kind == "f" and o.ndim > 0 else None)
                assert names
                for n in names:
                    data = b[n][()]
                    del b[n]
                    b.create_dataset(n, data=data, scaleoffset=6, chunks=True)
            """, Path.Combine(PublishedArtifacts.RepoRoot, "tests", "data", "nir", "lif_norse.nir"), nir]);
        Assert.True(py.ExitCode == 0, "h5py (scripts/install-deps.sh): " + py.Stderr);

        ProcessResult r = ProcessRunner.Run(_ifm, ["import", nir, "--out", Path.Combine(_dir, "x.ifm")]);
        Assert.Equal(1, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ifm: scaleoffset.nir: a dataset is stored with the HDF5 scale-offset filter (id 6)", line, StringComparison.Ordinal);
        var e = Assert.Throws<IfmFormatException>(() => Ifm.Import.Nir.NirFile.Read(nir));
        Assert.Equal(line["ifm: ".Length..], e.Message);
    }

    [Fact]
    public async Task Metrics_endpoint_serves_the_loop_counters_without_EventPipe()
    {
        // The binary is published without EventSource/EventPipe (binary size): the Prometheus endpoint must not need it.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        string model = Path.Combine(PublishedArtifacts.RepoRoot, "runtime", "models", "pong.ifm");
        var psi = new System.Diagnostics.ProcessStartInfo(_ifm) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "run", model, "--sim", "pong", "--duration", "20", "--metrics", $"127.0.0.1:{port}" })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(psi)!;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? text = null;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (text is null && DateTime.UtcNow < deadline && !p.HasExited)
        {
            try
            {
                text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }

        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync();
        Assert.True(text is not null, "no answer from --metrics: " + await p.StandardError.ReadToEndAsync());
        Assert.Contains("# TYPE ifm_loop_periods_total counter", text);
        Assert.Matches(@"(?m)^ifm_loop_periods_total \d+", text);
    }

    [Fact]
    public void Demo_learns_the_conditioned_response()
    {
        ProcessResult r = ProcessRunner.Run(_ifm, ["demo"]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        DemoTable table = DemoTable.Parse(r.Stdout);
        Assert.Equal("no", table.SalivatesOnBell("initial"));
        Assert.Equal("yes", table.SalivatesOnBell("testing"));
        Assert.Equal("no", table.Rows.Last(r => r[0] == "extinction")[5]);
    }

    [Fact]
    public void Replay_outputs_equal_the_in_process_engine()
    {
        string model = Path.Combine(_dir, "net.ifm");
        ProcessResult made = ProcessRunner.Run(_ifm, ["new", "--neurons", "120", "--connectivity", "0.15", "--seed", "11", "--out", model]);
        Assert.True(made.ExitCode == 0, made.Stderr);

        IfmModel m = IfmFile.Read(model);
        float[][] inputs = RandomInputs(m.InputCount, ticks: 300, seed: 5);
        string inputsPath = Path.Combine(_dir, "in.txt");
        File.WriteAllLines(inputsPath, inputs.Select(row => string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        string outPath = Path.Combine(_dir, "out.csv");
        ProcessResult r = ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputsPath, "--out", outPath]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        float[][] expected = RunInProcess(m, inputs);
        float[][] actual = ReadCsv(outPath);
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            for (int o = 0; o < expected[t].Length; o++)
            {
                // The AOT binary targets a baseline ISA, so its SIMD width (and summation order) may differ from the JIT's.
                Assert.True(Close(expected[t][o], actual[t][o]), $"tick {t + 1} output {o}: AOT {actual[t][o]} vs JIT {expected[t][o]}");
            }
        }
    }

    [Fact]
    public void Inspect_reads_the_pretrained_models()
    {
        foreach (string name in new[] { "pong.ifm", "pavlov.ifm" })
        {
            ProcessResult r = ProcessRunner.Run(_ifm, ["inspect", RepoFiles.Model(name)]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            Assert.Contains("neurons", r.Stdout, StringComparison.Ordinal);
            Assert.Matches(@"id\s+[0-9a-f]{16}", r.Stdout);
        }
    }

    internal static bool Close(float expected, float actual) =>
        Math.Abs(expected - actual) <= 1e-6f + (1e-5f * Math.Abs(expected));

    internal static float[][] RandomInputs(int width, int ticks, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, ticks).Select(_ => Enumerable.Range(0, width).Select(_ => rng.Next(2) == 0 ? 0f : 1f).ToArray()).ToArray();
    }

    internal static float[][] RunInProcess(IfmModel model, float[][] inputs)
    {
        using var session = new CpuSession(model);
        var outputs = new float[inputs.Length][];
        for (int t = 0; t < inputs.Length; t++)
        {
            session.SetInputs(inputs[t]);
            session.Step();
            outputs[t] = new float[model.OutputCount];
            session.ReadOutputs(outputs[t]);
        }

        return outputs;
    }

    internal static float[][] ReadCsv(string path) =>
        File.ReadLines(path).Skip(1)
            .Select(line => line.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();

    internal static int ElfMachine(string path)
    {
        Span<byte> header = stackalloc byte[20];
        using FileStream f = File.OpenRead(path);
        f.ReadExactly(header);
        Assert.True(header[0] == 0x7F && header[1] == (byte)'E' && header[2] == (byte)'L' && header[3] == (byte)'F', $"{path} is not ELF");
        return header[18] | (header[19] << 8);
    }
}

/// <summary>The stage table `ifm demo` prints: stage, trial, food, bell, y_S, salivates, w_RS.</summary>
internal sealed class DemoTable
{
    private readonly List<string[]> _rows = [];

    public static DemoTable Parse(string stdout)
    {
        var t = new DemoTable();
        foreach (string line in stdout.Split('\n'))
        {
            string[] cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (cells.Length == 7 && int.TryParse(cells[1], out _) && (cells[5] == "yes" || cells[5] == "no"))
            {
                t._rows.Add(cells);
            }
        }

        Assert.NotEmpty(t._rows);
        return t;
    }

    public IReadOnlyList<string[]> Rows => _rows;

    /// <summary>The "salivates" cell of the first bell-only trial of <paramref name="stage"/>.</summary>
    public string SalivatesOnBell(string stage) =>
        _rows.First(r => r[0] == stage && r[2] == "0" && r[3] == "1")[5];
}

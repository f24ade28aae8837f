using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Tests;

/// <summary>The shipped NativeAOT <c>ifm</c> for linux-x64, run as a user runs it.</summary>
public sealed class AotBinaryTests() : TempDirectoryTests("ifm-aot-")
{
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-x64");

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
    public void Binary_is_within_the_size_budget() => AssertWithinSizeBudget(_ifm, "linux-x64");

    [Fact]
    public void Import_reads_a_NIR_file_as_the_in_process_importer_does()
    {
        // PureHDF instantiates its dataset readers by reflection (rooted in PureHDF.rd.xml): this is the check that
        // they exist in the native binary.
        string nir = Path.Combine(PublishedArtifacts.RepoRoot, "tests", "data", "nir", "lif_norse.nir");
        string model = Path.Combine(Dir, "lif.ifm");
        ProcessResult r = ProcessRunner.Run(_ifm, ["import", nir, "--out", model, "--dt", "1e-4"]);
        Assert.True(r.ExitCode == 0, r.Stderr);

        string expected = Path.Combine(Dir, "lif-jit.ifm");
        IfmFile.Write(Ifm.Import.Nir.NirImporter.ToModel(Ifm.Import.Nir.NirFile.Read(nir),
            new Ifm.Import.Nir.NirImportOptions { Dt = 1e-4f, Name = "lif_norse" }, "lif_norse.nir"), expected);
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(model));
    }

    [Fact]
    public void Import_refuses_the_scale_offset_filter_with_one_line()
    {
        // The native binary leaves PureHDF's scale-offset filter out (PureHDF.substitutions.xml); a file that uses it
        // is refused by name, as the in-process importer refuses it.
        string nir = Path.Combine(Dir, "scaleoffset.nir");
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

        ProcessResult r = ProcessRunner.Run(_ifm, ["import", nir, "--out", Path.Combine(Dir, "x.ifm")]);
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
        var (model, m, inputs, inputsPath) = NewModelAndInputs("net.ifm", "120", "0.15", "11", ticks: 300, inputSeed: 5);
        string outPath = Path.Combine(Dir, "out.csv");
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
    public void Replay_feeds_bound_learning_signals_and_refuses_unknown_channels()
    {
        string model = RepoFiles.Model("servo-pes.ifm");
        string inputs = Path.Combine(Dir, "servo.csv");
        // A constant tracking error of 0.3 rad and a reward column that is not a model input.
        File.WriteAllLines(inputs, ["in0,in1,reward", .. Enumerable.Range(0, 200).Select(t => $"0.3,0,{(t % 10 == 0 ? 1 : 0)}")]);
        string learning = Path.Combine(Dir, "learning.json");
        File.WriteAllText(learning, """{"errors": {"out0": "-input.in0"}, "performance": "-abs(input.in0) + 0 * column.reward"}""");
        string bound = Path.Combine(Dir, "bound.csv"), unbound = Path.Combine(Dir, "unbound.csv");
        ProcessResult r = ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputs, "--out", bound, "--learning", learning]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("learning signals: error out0 = -input.in0", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputs, "--out", unbound]).ExitCode);
        // PES integrates the error into the bias edge: the command grows beyond the unbound model's.
        float last = ReadCsv(bound)[^1][0], lastUnbound = ReadCsv(unbound)[^1][0];
        Assert.True(last > lastUnbound + 0.1f, $"bound {last}, unbound {lastUnbound}");

        File.WriteAllText(learning, """{"errors": {"out0": "-column.nope"}}""");
        r = ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputs, "--out", bound, "--learning", learning]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("learning.errors.out0: 'column.nope': 'column' has no channel 'nope'; its channels: column.reward", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_on_two_threads_writes_the_same_bytes_as_one()
    {
        // 2,000 neurons at 5 %: large enough that both workers get rows (rows are split on 64-row blocks).
        var (model, _, _, inputsPath) = NewModelAndInputs("mt.ifm", "2000", "0.05", "3", ticks: 400, inputSeed: 9);
        var outputs = new List<string>();
        foreach (string threads in new[] { "1", "2" })
        {
            string outPath = Path.Combine(Dir, $"out{threads}.csv");
            ProcessResult r = ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputsPath, "--out", outPath, "--threads", threads]);
            Assert.True(r.ExitCode == 0, r.Stderr);
            outputs.Add(File.ReadAllText(outPath));
        }

        Assert.True(outputs[0].Split('\n').Length > 400);
        Assert.Equal(outputs[0], outputs[1]);
        ProcessResult bad = ProcessRunner.Run(_ifm, ["replay", model, "--inputs", inputsPath, "--out", Path.Combine(Dir, "x.csv"), "--threads", "0"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--threads", bad.Stderr, StringComparison.Ordinal);
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

    /// <summary>A random model made by the binary (<c>ifm new</c>) and random 0/1 inputs for it, written as a tick file.</summary>
    private (string Path, IfmModel Model, float[][] Inputs, string InputsPath) NewModelAndInputs(
        string name, string neurons, string connectivity, string seed, int ticks, int inputSeed)
    {
        string model = Path.Combine(Dir, name);
        ProcessResult made = ProcessRunner.Run(_ifm, ["new", "--neurons", neurons, "--connectivity", connectivity, "--seed", seed, "--out", model]);
        Assert.True(made.ExitCode == 0, made.Stderr);
        IfmModel m = IfmFile.Read(model);
        float[][] inputs = RandomInputs(m.InputCount, ticks, inputSeed);
        string inputsPath = Path.Combine(Dir, "in.txt");
        File.WriteAllLines(inputsPath, inputs.Select(row => string.Join(',', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        return (model, m, inputs, inputsPath);
    }

    /// <summary>The published binary for <paramref name="rid"/> is within <see cref="PublishedArtifacts.IfmSizeBudgetBytes"/>.</summary>
    internal static void AssertWithinSizeBudget(string ifm, string rid)
    {
        long size = new FileInfo(ifm).Length;
        Assert.True(size <= PublishedArtifacts.IfmSizeBudgetBytes,
            $"{rid} ifm is {size:N0} bytes, over the {PublishedArtifacts.IfmSizeBudgetBytes:N0}-byte budget (tests/bench/RESULTS.md, Binary size)");
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

using System.Globalization;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Cli.Tests;

/// <summary>
/// The linux-arm64 NativeAOT <c>ifm</c> (cross-linked with clang/lld) run under qemu-user: the binary a Raspberry Pi or
/// Jetson gets. Its results must match the x64 engine's.
/// </summary>
public sealed class Arm64BinaryTests() : TempDirectoryTests("ifm-arm64-")
{
    private const string Qemu = "qemu-aarch64-static";
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-arm64");

    private static ProcessResult RunArm64(string ifm, params string[] args) =>
        ProcessRunner.Run(Qemu, ["-L", "/usr/aarch64-linux-gnu", ifm, .. args], timeoutSeconds: 600);

    [Fact]
    public void Binary_is_within_the_size_budget() => AotBinaryTests.AssertWithinSizeBudget(_ifm, "linux-arm64");

    [Fact]
    public void Binary_is_an_aarch64_executable()
    {
        Assert.Equal(183, AotBinaryTests.ElfMachine(_ifm)); // EM_AARCH64
        ProcessResult r = RunArm64(_ifm, "--version");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("0.1.0", r.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_under_qemu_matches_the_x64_demo()
    {
        ProcessResult arm = RunArm64(_ifm, "demo");
        Assert.True(arm.ExitCode == 0, arm.Stderr);
        ProcessResult x64 = ProcessRunner.Run(PublishedArtifacts.Ifm("linux-x64"), ["demo"]);
        Assert.True(x64.ExitCode == 0, x64.Stderr);

        IReadOnlyList<string[]> a = DemoTable.Parse(arm.Stdout).Rows, b = DemoTable.Parse(x64.Stdout).Rows;
        Assert.Equal(b.Count, a.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(b[i][..4], a[i][..4]);     // stage, trial, food, bell
            Assert.Equal(b[i][5], a[i][5]);         // salivates
            Assert.Equal(double.Parse(b[i][6], CultureInfo.InvariantCulture), double.Parse(a[i][6], CultureInfo.InvariantCulture), 0.0015);
        }
    }

    [Fact]
    public void Replay_under_qemu_equals_the_engine()
    {
        string model = Path.Combine(Dir, "net.ifm");
        ProcessResult made = RunArm64(_ifm, "new", "--neurons", "80", "--connectivity", "0.2", "--seed", "4", "--kind", "leaky", "--out", model);
        Assert.True(made.ExitCode == 0, made.Stderr);
        ProcessResult inspected = RunArm64(_ifm, "inspect", model);
        Assert.True(inspected.ExitCode == 0, inspected.Stderr);

        IfmModel m = IfmFile.Read(model);
        float[][] inputs = AotBinaryTests.RandomInputs(m.InputCount, ticks: 100, seed: 9);
        string inputsPath = Path.Combine(Dir, "in.txt");
        File.WriteAllLines(inputsPath, inputs.Select(row => string.Join(',', row.Select(v => v.ToString(CultureInfo.InvariantCulture)))));
        string outPath = Path.Combine(Dir, "out.csv");
        ProcessResult r = RunArm64(_ifm, "replay", model, "--inputs", inputsPath, "--out", outPath);
        Assert.True(r.ExitCode == 0, r.Stderr);

        float[][] expected = AotBinaryTests.RunInProcess(m, inputs), actual = AotBinaryTests.ReadCsv(outPath);
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            for (int o = 0; o < expected[t].Length; o++)
            {
                Assert.True(AotBinaryTests.Close(expected[t][o], actual[t][o]), $"tick {t + 1} output {o}: arm64 {actual[t][o]} vs x64 {expected[t][o]}");
            }
        }
    }

    [Fact]
    public void Bad_input_is_reported_the_same_way_on_arm64()
    {
        string bad = Path.Combine(Dir, "bad.ifm");
        File.WriteAllBytes(bad, [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}']);
        ProcessResult r = RunArm64(_ifm, "inspect", bad);
        Assert.Equal(1, r.ExitCode);
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("ifm: ", line, StringComparison.Ordinal);
        Assert.Contains("bad.ifm", line, StringComparison.Ordinal);
    }
}

namespace Ifm.Cli.Tests;

/// <summary>
/// The contract of the shipped binary with scripts and supervisors: exit 0 on success, 2 on bad arguments, 1 when the
/// command fails; a failure is one line on stderr starting with "ifm: " that names the problem and where.
/// </summary>
public sealed class ExitCodeTests() : TempDirectoryTests("ifm-exit-")
{
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-x64");

    private ProcessResult Ifm(params string[] args) => ProcessRunner.Run(_ifm, args, workDir: Dir);

    private static void AssertFailure(ProcessResult r, int code, params string[] mentions)
    {
        Assert.Equal(code, r.ExitCode);
        Assert.NotEmpty(r.StderrLines);
        Assert.StartsWith("ifm: ", r.StderrLines[0], StringComparison.Ordinal);
        foreach (string m in mentions)
        {
            Assert.Contains(m, r.StderrLines[0], StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("inspect")]
    [InlineData("new", "--neurons", "-5", "--out", "x.ifm")]
    [InlineData("new", "--neurons", "ten", "--out", "x.ifm")]
    [InlineData("bench", "x.ifm", "--layout", "diagonal")]
    public void Bad_arguments_exit_2(params string[] args) => AssertFailure(Ifm(args), 2);

    [Fact]
    public void Missing_model_exits_1_naming_the_file() =>
        AssertFailure(Ifm("inspect", "nope.ifm"), 1, "nope.ifm", "does not exist");

    [Fact]
    public void Truncated_model_exits_1_naming_the_problem()
    {
        Assert.Equal(0, Ifm("new", "--neurons", "40", "--out", "good.ifm").ExitCode);
        byte[] bytes = File.ReadAllBytes(Path.Combine(Dir, "good.ifm"));
        File.WriteAllBytes(Path.Combine(Dir, "cut.ifm"), bytes[..(bytes.Length / 2)]);
        AssertFailure(Ifm("inspect", "cut.ifm"), 1, "cut.ifm");
        AssertFailure(Ifm("bench", "cut.ifm"), 1, "cut.ifm");
    }

    [Fact]
    public void Random_bytes_are_refused_without_a_crash()
    {
        var rng = new Random(17);
        for (int i = 0; i < 20; i++)
        {
            byte[] junk = new byte[rng.Next(0, 4096)];
            rng.NextBytes(junk);
            if (junk.Length >= 8 && i % 2 == 0)
            {
                BitConverter.TryWriteBytes(junk, (ulong)rng.Next(0, junk.Length)); // a plausible header length
            }

            File.WriteAllBytes(Path.Combine(Dir, "junk.ifm"), junk);
            AssertFailure(Ifm("inspect", "junk.ifm"), 1, "junk.ifm");
        }
    }

    [Fact]
    public void Ragged_replay_input_names_the_line()
    {
        Assert.Equal(0, Ifm("new", "--neurons", "30", "--out", "m.ifm").ExitCode);
        ProcessResult inspect = Ifm("inspect", "m.ifm");
        int inputs = int.Parse(System.Text.RegularExpressions.Regex.Match(inspect.Stdout, @"\((\d+) input").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        string good = string.Join(',', Enumerable.Repeat("1", inputs));
        File.WriteAllLines(Path.Combine(Dir, "in.txt"), [good, good, string.Join(',', Enumerable.Repeat("1", inputs - 1)), good]);
        AssertFailure(Ifm("replay", "m.ifm", "--inputs", "in.txt", "--out", "o.csv"), 1, "in.txt:3");
        File.WriteAllLines(Path.Combine(Dir, "in.txt"), [good, good.Replace("1", "x", StringComparison.Ordinal)]);
        AssertFailure(Ifm("replay", "m.ifm", "--inputs", "in.txt", "--out", "o.csv"), 1, "in.txt:2");
    }

    [Fact]
    public void Success_exits_0_and_help_exits_0()
    {
        Assert.Equal(0, Ifm("new", "--neurons", "30", "--out", "m.ifm").ExitCode);
        Assert.Equal(0, Ifm("inspect", "m.ifm").ExitCode);
        Assert.Equal(0, Ifm("--help").ExitCode);
        Assert.Equal(0, Ifm("bench", "--help").ExitCode);
    }
}

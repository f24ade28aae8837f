namespace Ifm.Cli.Tests;

/// <summary>
/// Every verb of the shipped binary driven with bad input (missing, empty, junk, a directory, a device, the wrong kind
/// of file, absurd numbers): each is refused as the user's problem (exit 1, or 2 for the parser) in one line starting
/// "ifm: ", never reported as an internal error (exit 70) and never passed as success, and the files it was given
/// are left as they were.
/// </summary>
public sealed class UserErrorSweepTests : IClassFixture<UserErrorSweepTests.Files>
{
    private readonly Files _files;

    public UserErrorSweepTests(Files files) => _files = files;

    /// <summary>The inputs the cases name, made once: a good model, junk, an empty file, a folder, text, a spiking-free network.</summary>
    public sealed class Files : IDisposable
    {
        public Files()
        {
            Dir = Directory.CreateTempSubdirectory("ifm-sweep-").FullName;
            Ifm = PublishedArtifacts.Ifm("linux-x64");
            var made = ProcessRunner.Run(Ifm, ["new", "--neurons", "40", "--inputs", "4", "--outputs", "2", "--out", "m.ifm"], workDir: Dir);
            if (made.ExitCode != 0) throw new InvalidOperationException("ifm new failed: " + made.Stderr);
            var rng = new Random(5);
            byte[] junk = new byte[3000];
            rng.NextBytes(junk);
            foreach (string name in new[] { "junk.ifm", "junk.nir", "junk.rec", "junk.ckpt", "junk.txt" }) File.WriteAllBytes(Path.Combine(Dir, name), junk);
            File.WriteAllBytes(Path.Combine(Dir, "empty.ifm"), []);
            File.WriteAllText(Path.Combine(Dir, "bad.json"), "{ \"version\": 1, \"devices\": [ { \"name\": ");
            File.WriteAllText(Path.Combine(Dir, "ragged.csv"), "1,2,3,4\n1,2\n");
            Directory.CreateDirectory(Path.Combine(Dir, "adir"));
        }

        public string Dir { get; }

        public string Ifm { get; }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    public static TheoryData<string> Cases() =>
    [
        // inspect
        "inspect missing.ifm", "inspect junk.ifm", "inspect empty.ifm", "inspect adir", "inspect /dev/null", "inspect text.txt",
        // replay
        "replay junk.ifm --inputs ragged.csv --out o.csv", "replay m.ifm --inputs missing.csv --out o.csv",
        "replay m.ifm --inputs adir --out o.csv", "replay m.ifm --inputs junk.txt --out o.csv", "replay m.ifm --inputs ragged.csv --out o.csv",
        "replay m.ifm --inputs empty.ifm --out adir", "replay m.ifm --inputs ragged.csv --out nodir/o.csv",
        "replay m.ifm --inputs ragged.csv --out o.csv --checkpoint-out nodir/s.ckpt",
        // bench
        "bench junk.ifm", "bench adir", "bench m.ifm --propagation event", "bench m.ifm --ticks -1", "bench m.ifm --threads 0",
        // new
        "new --neurons 40 --out adir", "new --neurons 40 --out text.txt/m.ifm", "new --neurons 0 --out x.ifm",
        "new --neurons 10 --inputs 100 --out x.ifm", "new --neurons 40 --connectivity 2 --out x.ifm", "new --neurons 40 --kind nope --out x.ifm",
        "new --neurons 40 --rule nope --out x.ifm", "new --neurons 40 --rule hebbian_trace --kind lif --connectivity -1 --out x.ifm",
        // demo
        "demo --pairings -1",
        // bridge
        "bridge probe text.txt", "bridge probe missing-port", "bridge probe adir", "bridge probe /dev/null --timeout-ms 200",
        "bridge monitor text.txt", "bridge probe text.txt --baud 0",
        // train
        "train missing.txt --out t.ifm", "train junk.txt --out t.ifm", "train adir --out t.ifm", "train ragged.csv --out t.ifm",
        "train ragged.csv --init junk.ifm --out t.ifm", "train ragged.csv --epochs 0 --out t.ifm", "train ragged.csv --lr -1 --out t.ifm",
        // eval
        "eval pong junk.ifm", "eval pong m.ifm", "eval pong adir", "eval pavlov m.ifm", "eval pavlov junk.ifm",
        "eval adapt m.ifm", "eval adapt junk.ifm m.ifm", "eval adapt --plant servo m.ifm", "eval adapt m.ifm --perturb nonsense",
        // data
        "data pavlov --out text.txt", "data pavlov --out text.txt/sub", "data pavlov --sequences 0 --out p.txt",
        "data servo-controller --out adir", "data servo-controller --out text.txt/s.ifm", "data servo-controller --pes -1 --out s.ifm",
        // run
        "run junk.ifm --sim pong --duration 0.1", "run m.ifm --sim pong --duration 0.1", "run m.ifm --devices bad.json --duration 0.1",
        "run m.ifm --devices adir --duration 0.1", "run m.ifm --devices /dev/null --duration 0.1", "run m.ifm --config junk.txt",
        "run m.ifm --config adir", "run m.ifm --sim pong --rate 0", "run m.ifm --sim pong --rate 1e-300", "run m.ifm --sim pong --checkpoint adir",
        "run m.ifm --sim pong --checkpoint junk.ckpt --duration 0.1", "run m.ifm --sim pong --dashboard 8.8.8.8:80",
        "run m.ifm --sim pong --metrics nonsense", "run m.ifm --sim pong --cpus x", "run m.ifm --sim pong --perturb 1:2",
        "run m.ifm --sim pong --non-finite-policy ignore", "run m.ifm --sim pong --backend nope",
        // devices
        "devices list no_such_type",
        // import
        "import missing.nir --out i.ifm", "import junk.nir --out i.ifm", "import adir --out i.ifm", "import text.txt --out i.ifm",
        "import empty.ifm --out i.ifm", "import junk.nir --dt 0 --out i.ifm",
        // plot
        "plot junk.rec --out p", "plot empty.ifm --out p", "plot adir --out p", "plot m.ifm --out p", "plot missing.rec --out p",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_a_one_line_user_error_never_an_internal_error(string command)
    {
        string text = Path.Combine(_files.Dir, "text.txt");
        File.WriteAllText(text, "hello\n");
        ProcessResult r = ProcessRunner.Run(_files.Ifm, command.Split(' '), timeoutSeconds: 120, workDir: _files.Dir);
        Assert.True(r.ExitCode is 1 or 2, $"`ifm {command}` exited {r.ExitCode}: {r.Stderr}");
        Assert.NotEmpty(r.StderrLines);
        Assert.Contains(r.StderrLines, l => l.StartsWith("ifm: ", StringComparison.Ordinal));
        Assert.DoesNotContain("internal error", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        // A refused command leaves the files it was given as they were (a bridge "port" that is a text file included).
        Assert.Equal("hello\n", File.ReadAllText(text));
    }
}

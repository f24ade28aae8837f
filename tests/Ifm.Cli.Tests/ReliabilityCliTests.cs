using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Ifm.Cli.Tests;

/// <summary>
/// Hostile use of the shipped binary: every failure exits non-zero with one line <c>ifm: &lt;file or option&gt;: &lt;problem&gt;</c>,
/// and nothing that diverged is reported as success or saved.
/// </summary>
public sealed class ReliabilityCliTests() : TempDirectoryTests("ifm-rel-")
{
    private readonly string _ifm = PublishedArtifacts.Ifm("linux-x64");

    private ProcessResult Ifm(params string[] args) => ProcessRunner.Run(_ifm, args, timeoutSeconds: 120, workDir: Dir);

    private static string Corpus(string parser, string name) => Path.Combine(PublishedArtifacts.RepoRoot, "tests", "data", "fuzz", parser, name);

    private static void AssertOneLine(ProcessResult r, string start, params string[] mentions)
    {
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}\n{r.Stdout}\n{r.Stderr}");
        string line = Assert.Single(r.StderrLines);
        Assert.StartsWith("ifm: " + start, line, StringComparison.Ordinal);
        foreach (string m in mentions) Assert.Contains(m, line, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_of_huge_inputs_stops_with_exit_1_naming_the_tick_and_neuron_and_saves_nothing()
    {
        // Three identity inputs of 3e38 summed into one identity output: a float overflows to infinity (seen one tick later).
        File.WriteAllLines(Path.Combine(Dir, "huge.txt"), ["1,2,3", "3e38,3e38,3e38", "-3e38,1,1"]);
        var r = Ifm("replay", Corpus("model", "diverging.ifm"), "--inputs", "huge.txt", "--out", "o.csv", "--checkpoint-out", "s.ckpt");
        AssertOneLine(r, "huge.txt: input row 3: the network diverged at tick 3: output neuron 3 'y' is Infinity (nothing written, no checkpoint saved)");
        Assert.False(File.Exists(Path.Combine(Dir, "o.csv")));
        Assert.False(File.Exists(Path.Combine(Dir, "s.ckpt")));
    }

    /// <summary>
    /// Checkpoint saves leave about 0.5 MB of garbage each (7,000 plastic edges). The GC sizes its gen0 budget from the
    /// L3 cache (about 200 MB on a host reporting 260 MiB), so without a bound RSS rose by that much per save for
    /// hundreds of saves before the first collection. The binary caps the budget: 60 saves in 12 s collect several
    /// times and keep the committed heap small on any host.
    /// </summary>
    [Fact]
    public void Frequent_checkpoint_saves_are_collected_and_keep_the_heap_small()
    {
        Assert.Equal(0, Ifm("new", "--neurons", "200", "--inputs", "24", "--outputs", "3", "--connectivity", "0.2", "--rule", "hebbian_trace", "--out", "p.ifm").ExitCode);
        var r = ProcessRunner.Run(_ifm, ["run", "p.ifm", "--sim", "pong", "--rate", "1000", "--duration", "12", "--checkpoint", "p.ckpt",
            "--checkpoint-interval", "0.2", "--status-interval", "60"], timeoutSeconds: 120, workDir: Dir);
        string all = r.Stdout + r.Stderr;
        Assert.True(r.ExitCode == 0, all);
        var m = System.Text.RegularExpressions.Regex.Match(all, @"managed memory: (?<allocated>[\d.]+) MB allocated, collections gen0 (?<gen0>\d+), .* RSS (?<rss>[\d.]+) MB");
        Assert.True(m.Success, all);
        Assert.True(double.Parse(m.Groups["allocated"].Value, CultureInfo.InvariantCulture) > 20, m.Value); // the saves' garbage
        Assert.True(int.Parse(m.Groups["gen0"].Value, CultureInfo.InvariantCulture) >= 3, m.Value);
        Assert.True(double.Parse(m.Groups["rss"].Value, CultureInfo.InvariantCulture) < 40, m.Value);
    }

    [Fact]
    public void Replay_into_a_missing_folder_fails_before_the_replay()
    {
        File.WriteAllLines(Path.Combine(Dir, "in.txt"), ["1,2", "3,4"]);
        string target = Path.Combine("missing", "s.ckpt");
        AssertOneLine(Ifm("replay", RepoFiles.Model("pavlov.ifm"), "--inputs", "in.txt", "--out", "o.csv", "--checkpoint-out", target), target + ": cannot be written");
        Assert.False(File.Exists(Path.Combine(Dir, "o.csv")));
    }

    [Fact]
    public void Models_with_meaningless_parameters_or_metadata_are_refused_in_one_line()
    {
        AssertOneLine(Ifm("inspect", Corpus("model", "bad-tau-denormal.ifm")), Corpus("model", "bad-tau-denormal.ifm") + ": ", "'tau'", "dt/2");
        AssertOneLine(Ifm("inspect", Corpus("model", "bad-graph-duplicate-key.ifm")), Corpus("model", "bad-graph-duplicate-key.ifm") + ": ", "appears twice");
        AssertOneLine(Ifm("inspect", Corpus("model", "bad-unknown-ifm-metadata.ifm")), Corpus("model", "bad-unknown-ifm-metadata.ifm") + ": ", "ifm.units");
    }

    [Fact]
    public void A_directory_and_a_pipe_given_as_a_model()
    {
        AssertOneLine(Ifm("inspect", Dir), Dir + ": is a directory");

        string fifo = Path.Combine(Dir, "model.fifo");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        byte[] bytes = File.ReadAllBytes(RepoFiles.Model("pavlov.ifm"));
        var writer = new Thread(() => File.WriteAllBytes(fifo, bytes));
        writer.Start();
        var r = Ifm("inspect", fifo);
        writer.Join(TimeSpan.FromSeconds(30));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("model       pavlov", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_maps_with_absurd_numbers_or_no_end_fail_in_one_line_naming_the_map()
    {
        string pavlov = RepoFiles.Model("pavlov.ifm");
        foreach (string name in new[] { "bad-outmax-1e39.json", "bad-offset-1e39.json", "bad-looprate-1e-300.json", "bad-ranges-20000.json" })
        {
            var r = Ifm("run", pavlov, "--devices", Corpus("devicemap", name), "--duration", "1");
            AssertOneLine(r, Corpus("devicemap", name) + ": ");
        }

        AssertOneLine(Ifm("run", pavlov, "--devices", "/dev/zero", "--duration", "1"), "/dev/zero: ", "longer than the limit");
    }

    [Fact]
    public void Run_options_that_cannot_work_fail_before_the_run()
    {
        string pavlov = RepoFiles.Model("pavlov.ifm");
        AssertOneLine(Ifm("run", pavlov, "--sim", "pavlov", "--rate", "1e-300"), "rateHz: must be in");
        var missing = Ifm("run", pavlov, "--sim", "pavlov", "--checkpoint", Path.Combine("missing", "state.ckpt"));
        AssertOneLine(missing, Path.Combine("missing", "state.ckpt") + ": cannot be written");
        Assert.DoesNotContain("periods", missing.Stdout, StringComparison.Ordinal);

        File.Copy(Corpus("checkpoint", "bad-short-model-id.ckpt"), Path.Combine(Dir, "short.ckpt"));
        AssertOneLine(Ifm("run", pavlov, "--sim", "pavlov", "--checkpoint", "short.ckpt"), "short.ckpt: checkpoint.model_id is not a model id");
        File.Copy(Corpus("checkpoint", "bad-nan-state.ckpt"), Path.Combine(Dir, "nan.ckpt"));
        AssertOneLine(Ifm("run", pavlov, "--sim", "pavlov", "--checkpoint", "nan.ckpt"), "nan.ckpt: refused: the saved state is not finite");
    }

    [Fact]
    public void Train_refuses_absurd_targets()
    {
        string data = Corpus("ticks", "huge-values.txt");
        AssertOneLine(Ifm("train", data, "--out", "m.ifm", "--neurons", "10", "--epochs", "1"), data + ": tick 1: target 1 is 3E+38");
        Assert.False(File.Exists(Path.Combine(Dir, "m.ifm")));
    }

    [Fact]
    public async Task A_signal_during_train_ends_it_with_a_line_saying_what_was_kept()
    {
        // Enough work to be interrupted: 2,000 ticks × 1,000 epochs of a 200-neuron network.
        var rng = new Random(3);
        File.WriteAllLines(Path.Combine(Dir, "d.txt"), Enumerable.Range(0, 2000).Select(_ =>
            string.Create(CultureInfo.InvariantCulture, $"{rng.NextDouble():0.###},{rng.NextDouble():0.###}\t{rng.NextDouble():0.###}")));
        var psi = new ProcessStartInfo(_ifm) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (string a in new[] { "train", "d.txt", "--out", "m.ifm", "--neurons", "200", "--epochs", "1000", "--validation", "0" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string? first = await p.StandardOutput.ReadLineAsync(); // "training … on 1 file(s)": the handlers are installed right after
        Assert.StartsWith("training", first, StringComparison.Ordinal);
        var stdout = p.StandardOutput.ReadToEndAsync();
        await Task.Delay(1500);
        Assert.Equal(0, Kill(p.Id, 1)); // SIGHUP: a closed terminal
        Assert.True(p.WaitForExit(60_000), "ifm train did not stop on SIGHUP");
        string line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, p.ExitCode);
        Assert.Matches(@"^ifm: train: interrupted by SIGHUP in epoch \d+ of 1000 \(step \d+ of \d+\): no model written, m\.ifm was not created$", line);
        Assert.False(File.Exists(Path.Combine(Dir, "m.ifm")));
        _ = await stdout;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using System.Text.RegularExpressions;
using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>Every export with bad arguments (abi_test.c), and the threading rules through P/Invoke.</summary>
public partial class AbiTests
{
    [Fact]
    public void Abi_test_program_passes_every_check()
    {
        var p = NativeBuild.X64;
        using var work = new TempDir("abi");
        var r = Proc.Run(p.AbiTest, [Repo.Model("pavlov.ifm"), Repo.Model("pong.ifm"), work.Path, Repo.Model("servo-pes.ifm")], NativeBuild.Env(p));
        Assert.True(r.ExitCode == 0, r.ToString());
        var m = Summary().Match(r.StdOut);
        Assert.True(m.Success, r.ToString());
        Assert.True(int.Parse(m.Groups[1].Value) > 300, "abi_test ran fewer checks than it has");
        Assert.Equal("0", m.Groups[2].Value);
        Assert.Contains("servo under load", r.StdOut, StringComparison.Ordinal); // the learning-signal checks (ABI 1.2) ran
    }

    [Fact]
    public void Every_function_in_the_header_is_exported_and_nothing_else()
    {
        var header = File.ReadAllText(Path.Combine(Repo.Include, "ifm.h"));
        var declared = Declared().Matches(header).Select(m => m.Groups[1].Value).ToHashSet();
        var nm = Proc.Ok("nm", ["-D", "--defined-only", Artifacts.LibIfm("linux-x64")]);
        var exported = nm.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ').Last().Split('@')[0])
            .Where(s => s.StartsWith("ifm_", StringComparison.Ordinal))
            .ToHashSet();
        Assert.True(declared.Count >= 30, $"only {declared.Count} declarations parsed");
        Assert.Equal(declared.Order(), exported.Order());
    }

    [Fact]
    public void Last_error_is_per_thread()
    {
        using var lib = new LibIfm();
        var messages = new string?[2];
        using var ready = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            // Thread 0 fails one way, thread 1 another; each then reads its own message.
            int status = i == 0 ? lib.Step(0, 1) : lib.Step(0x1234_5672, 1);
            ready.SignalAndWait();
            messages[i] = $"{status}:{lib.LastError()}";
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)));
        Assert.Equal("1:ifm_step: 'session' is NULL", messages[0]);
        Assert.StartsWith("4:ifm_step: 'session' is not an open session handle", messages[1]);
    }

    [Fact]
    public void Sessions_on_different_threads_run_in_parallel_and_match_the_engine()
    {
        using var lib = new LibIfm();
        nint model = lib.LoadModel(Repo.Model("pavlov.ifm"));
        const int ticks = 150;
        var expected = Reference.Run(Repo.Model("pavlov.ifm"), ticks);
        var results = new float[4][][];
        var threads = Enumerable.Range(0, results.Length).Select(i => new Thread(() => results[i] = lib.RunSchedule(model, ticks))).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(5)));
        Assert.Equal(0, lib.FreeModel(model));
        foreach (var r in results) Reference.AssertClose(expected, r);
    }

    [Fact]
    public void Handles_stay_distinct_across_many_create_destroy_cycles()
    {
        using var lib = new LibIfm();
        nint model = lib.LoadModel(Repo.Model("pong.ifm"));
        var seen = new HashSet<nint>();
        nint previous = 0;
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(0, lib.CreateSession(model, out nint s));
            Assert.True(seen.Add(s), "a handle value came back after being destroyed");
            Assert.Equal(0, lib.DestroySession(s));
            if (previous != 0) Assert.Equal(4, lib.Step(previous, 1));
            previous = s;
        }

        Assert.Equal(0, lib.FreeModel(model));
        Assert.Equal(4, lib.FreeModel(model));
    }

    /// <summary>
    /// Mutated model buffers (bytes flipped in the header, the JSON and the tensors; cut anywhere) either load or
    /// are refused with IFM_ERR_MODEL_FORMAT and a message; a crash would take this test process with it.
    /// </summary>
    [Fact]
    public void Mutated_model_buffers_load_or_are_refused_never_crash()
    {
        using var lib = new LibIfm();
        var original = File.ReadAllBytes(Repo.Model("pavlov.ifm"));
        var rng = new Random(20261123);
        int refused = 0, loaded = 0;
        for (int i = 0; i < 300; i++)
        {
            var bytes = (byte[])original.Clone();
            int length = bytes.Length;
            switch (i % 3)
            {
                case 0: // a few random bytes anywhere
                    for (int k = 0; k < 1 + rng.Next(4); k++) bytes[rng.Next(bytes.Length)] = (byte)rng.Next(256);
                    break;
                case 1: // inside the 8-byte length and the JSON header, where the structure is
                    for (int k = 0; k < 1 + rng.Next(3); k++) bytes[rng.Next(Math.Min(bytes.Length, 2048))] = (byte)rng.Next(256);
                    break;
                default: // truncated
                    length = rng.Next(bytes.Length);
                    break;
            }

            int status = lib.LoadModel(bytes.AsSpan(0, length), out nint model);
            if (status == 0)
            {
                // What the reader accepts is consistent enough to run.
                loaded++;
                Assert.NotEqual(0, model);
                Assert.Equal(0, lib.CreateSession(model, out nint session));
                Assert.Equal(0, lib.Step(session, 5));
                Assert.Equal(0, lib.DestroySession(session));
                Assert.Equal(0, lib.FreeModel(model));
            }
            else
            {
                refused++;
                Assert.Equal(5, status);
                Assert.Equal(0, model);
                Assert.StartsWith("ifm_model_load_memory: ", lib.LastError());
            }
        }

        Assert.True(refused > 100, $"only {refused} of 300 mutations were refused");
        Assert.True(refused + loaded == 300);
    }

    [GeneratedRegex(@"abi_test: (\d+) checks, (\d+) failed")]
    private static partial Regex Summary();

    [GeneratedRegex(@"^IFM_API\s+[\w\s\*]+?\b(ifm_\w+)\s*\(", RegexOptions.Multiline)]
    private static partial Regex Declared();
}

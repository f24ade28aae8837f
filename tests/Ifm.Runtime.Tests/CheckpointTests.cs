using System.Diagnostics;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;
using Ifm.Runtime.Plasticity;

namespace Ifm.Runtime.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ifm-ckpt");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void Round_trip_continues_identically_with_learned_state()
    {
        var m = TestModels.PlasticNetwork();
        using var a = new CpuSession(m);
        var x = Enumerable.Range(0, m.InputCount).Select(i => (float)Math.Sin(i)).ToArray();
        a.SetInputs(x);
        a.Step(50);
        Assert.NotEqual(m.Weight.ToArray(), a.Weights.ToArray()); // it learned something
        Checkpoint.Save(a, PathOf("a.ckpt"));
        a.Step(25);

        using var b = new CpuSession(m);
        Checkpoint.Load(b, PathOf("a.ckpt"));
        Assert.Equal(50, b.Tick);
        b.Step(25);
        Assert.Equal(a.NeuronOutputs.ToArray(), b.NeuronOutputs.ToArray());
        Assert.Equal(a.Weights.ToArray(), b.Weights.ToArray());
        Assert.Single(_dir.GetFiles()); // no temporary left behind
    }

    [Fact]
    public void Checkpoint_of_another_model_is_refused_with_a_clear_message()
    {
        using var a = new CpuSession(TestModels.PlasticNetwork());
        a.Step(3);
        Checkpoint.Save(a, PathOf("a.ckpt"));
        using var other = new CpuSession(EngineTests.MixedModel());
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Load(other, PathOf("a.ckpt")));
        Assert.Contains("belongs to model 'plastic-300'", e.Message);
        Assert.Contains("not to the loaded model 'mixed'", e.Message);
    }

    [Fact]
    public void Corrupt_and_torn_checkpoints_are_detected_and_never_replace_the_good_one()
    {
        using var a = new CpuSession(TestModels.PlasticNetwork());
        a.Step(5);
        Checkpoint.Save(a, PathOf("good.ckpt"));
        var bytes = File.ReadAllBytes(PathOf("good.ckpt"));
        var rng = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            var bad = (byte[])bytes.Clone();
            if (trial % 2 == 0) Array.Resize(ref bad, rng.Next(bad.Length)); // torn
            else bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8));    // one bit flipped
            File.WriteAllBytes(PathOf("bad.ckpt"), bad);
            using var b = new CpuSession(a.Model);
            Assert.Throws<CheckpointException>(() => Checkpoint.Load(b, PathOf("bad.ckpt")));
            Assert.Equal(0, b.Tick); // nothing was loaded
        }

        Assert.Equal(bytes, File.ReadAllBytes(PathOf("good.ckpt")));
    }

    [Fact]
    public void Killing_the_saving_process_at_random_moments_always_leaves_a_loadable_checkpoint()
    {
        string host = typeof(TestModels).Assembly.Location;
        string path = PathOf("loop.ckpt");
        var rng = new Random(17);
        var model = TestModels.PlasticNetwork();
        long lastTick = 0;
        for (int round = 0; round < 25; round++)
        {
            var psi = new ProcessStartInfo("dotnet", [host, "checkpoint-loop", path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi)!;
            try
            {
                // Wait for the first completed save of this round, then let it run a random time and SIGKILL it.
                var line = p.StandardOutput.ReadLine();
                if (line is null || !line.StartsWith("saved ", StringComparison.Ordinal))
                {
                    p.Kill();
                    Assert.Fail($"child said '{line}': {p.StandardError.ReadToEnd()}");
                }

                Thread.Sleep(rng.Next(0, 40));
            }
            finally
            {
                p.Kill();
                p.WaitForExit();
            }

            using var session = new CpuSession(model);
            Checkpoint.Load(session, path); // throws if torn or corrupt
            Assert.True(session.Tick > 0 && session.Tick % 10 == 0);
            lastTick = session.Tick;
        }

        Assert.True(lastTick > 0);
    }
}

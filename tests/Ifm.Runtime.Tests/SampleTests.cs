using Ifm.Runtime;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Persistence;

namespace Ifm.Runtime.Tests;

/// <summary>The C# sample (runtime/samples/Ifm.Sample) runs and does what the README says: learns, saves, resumes.</summary>
public sealed class SampleTests() : TempDirectoryTests("ifm-sample-")
{
    private static string Model(string name)
    {
        for (string? d = AppContext.BaseDirectory; d is not null; d = Path.GetDirectoryName(d))
        {
            if (File.Exists(Path.Combine(d, "IFM.sln"))) return Path.Combine(d, "runtime", "models", name);
        }

        throw new InvalidOperationException("IFM.sln not found");
    }

    [Fact]
    public void The_sample_learns_saves_and_resumes_the_same_state()
    {
        string ckpt = Path.Combine(Dir, "state.ckpt");
        var log = new StringWriter();
        float[] outputs = Ifm.Sample.Program.Run(Model("pavlov.ifm"), "cpu", ckpt, log);
        string[] lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("pavlov", lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("on cpu", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("after 1000 ticks: ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("resumed at tick 1000: ", lines[2], StringComparison.Ordinal);
        Assert.Equal(lines[1]["after 1000 ticks: ".Length..], lines[2]["resumed at tick 1000: ".Length..]);

        // The checkpoint holds learned weights that differ from the file's: the sample really learned.
        using var fresh = new CpuSession(Ifm.Runtime.Format.IfmFile.Read(Model("pavlov.ifm")));
        Assert.NotEqual(fresh.Snapshot().Floats["weight"], Checkpoint.Read(ckpt).Floats["weight"]);
        Assert.Equal(1000, Checkpoint.Read(ckpt).Tick);
        Assert.All(outputs, o => Assert.True(float.IsFinite(o)));
    }

    [Fact]
    public void The_sample_exits_1_with_the_error_kind_for_a_missing_model()
    {
        var err = new StringWriter();
        var before = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(1, Ifm.Sample.Program.Main([Path.Combine(Dir, "none.ifm")]));
        }
        finally
        {
            Console.SetError(before);
        }

        Assert.Contains("(Io)", err.ToString(), StringComparison.Ordinal);
    }
}

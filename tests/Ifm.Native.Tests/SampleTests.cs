using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>The C and C++ samples, built against ifm.h and the x64 libifm.so, print what the C# engine computes.</summary>
public class SampleTests
{
    [Theory]
    [InlineData("pavlov.ifm", 200)] // plastic: the Hebbian traces learn while it runs
    [InlineData("pong.ifm", 100)]
    public void C_sample_outputs_equal_the_engine(string model, int ticks)
    {
        var p = NativeBuild.X64;
        var r = Proc.Ok(p.SampleC, [Repo.Model(model), ticks.ToString()], NativeBuild.Env(p));
        Reference.AssertClose(Reference.Run(Repo.Model(model), ticks), Reference.Parse(r.StdOut), tolerance: 0f);
    }

    [Fact]
    public void C_sample_loading_from_memory_prints_the_same()
    {
        var p = NativeBuild.X64;
        var file = Proc.Ok(p.SampleC, [Repo.Model("pavlov.ifm"), "50"], NativeBuild.Env(p));
        var memory = Proc.Ok(p.SampleC, [Repo.Model("pavlov.ifm"), "50", "--memory"], NativeBuild.Env(p));
        Assert.Equal(file.StdOut, memory.StdOut);
        Assert.Equal(50, file.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("pavlov.ifm", 120)]
    [InlineData("pong.ifm", 60)]
    public void Cpp_sample_outputs_equal_the_engine_and_its_checkpoint_round_trip_agrees(string model, int ticks)
    {
        var p = NativeBuild.X64;
        Assert.NotNull(p.SampleCpp);
        using var tmp = new TempDir("cpp");
        var r = Proc.Ok(p.SampleCpp!, [Repo.Model(model), ticks.ToString(), "--checkpoint", tmp["state.ckpt"]], NativeBuild.Env(p));
        Assert.True(File.Exists(tmp["state.ckpt"]));
        Reference.AssertClose(Reference.Run(Repo.Model(model), ticks), Reference.Parse(r.StdOut), tolerance: 0f);
    }

    [Fact]
    public void Samples_report_a_bad_model_with_the_library_message()
    {
        var p = NativeBuild.X64;
        using var tmp = new TempDir("bad");
        File.WriteAllBytes(tmp["bad.ifm"], [8, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x']);
        var c = Proc.Run(p.SampleC, [tmp["bad.ifm"], "5"], NativeBuild.Env(p));
        Assert.Equal(1, c.ExitCode);
        Assert.Contains("ifm_model_load_file: ", c.StdErr);
        Assert.Contains("bad.ifm", c.StdErr);
        var cpp = Proc.Run(p.SampleCpp!, [tmp["missing.ifm"], "5"], NativeBuild.Env(p));
        Assert.Equal(1, cpp.ExitCode);
        Assert.Contains("missing.ifm: no such file", cpp.StdErr);
        Assert.Contains("status 6", cpp.StdErr);
    }

    [Fact]
    public void Samples_build_through_cmake_when_it_is_installed()
    {
        Assert.Equal(Proc.Which("cmake") is not null, NativeBuild.X64.ViaCmake);
    }
}

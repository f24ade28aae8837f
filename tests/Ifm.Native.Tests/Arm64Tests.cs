using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>The linux-arm64 builds run under qemu-user: the C sample against the arm64 libifm.so, abi_test, and ifm.</summary>
public class Arm64Tests
{
    [Fact]
    public void C_sample_on_arm64_prints_what_the_engine_computes()
    {
        var p = NativeBuild.Arm64;
        const int ticks = 60;
        var r = Qemu.Run(p.SampleC, [Repo.Model("pavlov.ifm"), ticks.ToString()], p.LibDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Reference.AssertClose(Reference.Run(Repo.Model("pavlov.ifm"), ticks), Reference.Parse(r.StdOut));
    }

    [Fact]
    public void Abi_test_passes_on_arm64()
    {
        var p = NativeBuild.Arm64;
        using var work = new TempDir("abi-arm64");
        var r = Qemu.Run(p.AbiTest, [Repo.Model("pavlov.ifm"), Repo.Model("pong.ifm"), work.Path], p.LibDir);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(", 0 failed", r.StdOut);
    }

    /// <summary>inspect prints the model id (SHA-256): computed without OpenSSL, which the qemu sysroot lacks.</summary>
    [Fact]
    public void Ifm_on_arm64_inspects_a_model_and_computes_its_id()
    {
        var r = Qemu.Run(Artifacts.Cli("linux-arm64"), ["inspect", Repo.Model("pong.ifm")]);
        Assert.True(r.ExitCode == 0, r.ToString());
        string id = Ifm.Runtime.Format.IfmFile.Read(Repo.Model("pong.ifm")).Id;
        Assert.Contains(id[..16], r.StdOut);
    }
}

using Ifm.Native.Tests.Infrastructure;

namespace Ifm.Native.Tests;

/// <summary>ifm and libifm.so for both targets need only the C runtime's libraries: nothing to install on a board.</summary>
public class DependencyTests
{
    private static readonly string[] Allowed = ["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libstdc++.so.6", "libgcc_s.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"];

    [Theory]
    [InlineData("linux-x64", "ifm")]
    [InlineData("linux-x64", "libifm.so")]
    [InlineData("linux-arm64", "ifm")]
    [InlineData("linux-arm64", "libifm.so")]
    public void Needs_only_libc_level_libraries(string rid, string file)
    {
        string path = file == "ifm" ? Artifacts.Cli(rid) : Artifacts.LibIfm(rid);
        var r = Proc.Ok("readelf", ["-d", "-h", path]);
        var needed = r.StdOut.Split('\n').Where(l => l.Contains("(NEEDED)")).Select(l => l[(l.IndexOf('[') + 1)..l.IndexOf(']')]).ToArray();
        Assert.NotEmpty(needed);
        Assert.All(needed, n => Assert.Contains(n, Allowed));
        Assert.Contains(rid == "linux-x64" ? "X86-64" : "AArch64", r.StdOut);
    }

    /// <summary>
    /// OpenSSL would be dlopen'ed at first use (invisible to NEEDED), and NativeAOT aborts when it is missing. The
    /// model id (SHA-256) is managed code; the arm64 tests (abi_test with checkpoints, ifm inspect printing the id)
    /// run under qemu with this sysroot, which has no libssl/libcrypto: they prove those paths need no OpenSSL.
    /// </summary>
    [Fact]
    public void The_qemu_sysroot_has_no_openssl_so_the_arm64_runs_prove_independence()
    {
        var libs = Directory.GetFiles("/usr/aarch64-linux-gnu/lib").Select(Path.GetFileName).ToArray();
        Assert.Contains("libc.so.6", libs);
        Assert.DoesNotContain(libs, f => f!.StartsWith("libssl", StringComparison.Ordinal) || f.StartsWith("libcrypto", StringComparison.Ordinal));
    }

    [Fact]
    public void The_library_has_a_soname_so_programs_do_not_record_its_build_path()
    {
        var r = Proc.Ok("readelf", ["-d", Artifacts.LibIfm("linux-x64")]);
        Assert.Contains("Library soname: [libifm.so]", r.StdOut);
        var sample = Proc.Ok("readelf", ["-d", NativeBuild.X64.SampleC]);
        Assert.Contains("Shared library: [libifm.so]", sample.StdOut);
    }
}

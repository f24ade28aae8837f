namespace Ifm.Native.Tests.Infrastructure;

/// <summary>
/// The published binaries the tests use: &lt;artifacts&gt;/&lt;rid&gt;/libifm.so and ifm. When one is missing the
/// fixture publishes it (NativeAOT, slow but correct), so `dotnet test` alone works; scripts/test.sh publishes first.
/// </summary>
internal static class Artifacts
{
    private static readonly Lock s_lock = new();

    public static string Dir(string rid) => Path.Combine(Repo.Artifacts, rid);

    /// <summary>Path of libifm.so for <paramref name="rid"/>, publishing it if needed.</summary>
    public static string LibIfm(string rid) => Ensure(rid, "libifm.so", Path.Combine("native", "Ifm.Native"));

    /// <summary>Path of the ifm executable for <paramref name="rid"/>, publishing it if needed.</summary>
    public static string Cli(string rid) => Ensure(rid, "ifm", Path.Combine("runtime", "Ifm.Cli"));

    private static string Ensure(string rid, string file, string project)
    {
        lock (s_lock)
        {
            string path = Path.Combine(Dir(rid), file);
            if (File.Exists(path)) return path;
            if (rid == "linux-arm64")
            {
                Proc.Require("clang");
                Proc.Require("aarch64-linux-gnu-gcc");
            }

            Proc.Ok("dotnet", ["publish", Repo.Path_(project), "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", Dir(rid)], timeoutSeconds: 1800);
            Assert.True(File.Exists(path), $"publishing {project} for {rid} did not produce {path}");
            return path;
        }
    }
}

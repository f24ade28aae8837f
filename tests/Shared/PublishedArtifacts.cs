using System.Diagnostics;

namespace Ifm.Tests.Shared;

/// <summary>
/// The NativeAOT binaries the suites run (<c>ifm</c>, <c>libifm.so</c>), from $IFM_ARTIFACTS/&lt;rid&gt;/ (default
/// &lt;repo&gt;/artifacts/publish, where scripts/test.sh puts them). A missing one is published once here with
/// scripts/publish.sh, slow but correct, so `dotnet test` on one suite works on its own. Linked into every test project.
/// </summary>
internal static class PublishedArtifacts
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// The size budget of the published <c>ifm</c> per runtime identifier: 10 MB (10,000,000 bytes). What each part
    /// costs and the settings that keep it there: tests/bench/RESULTS.md, "Binary size".
    /// </summary>
    public const long IfmSizeBudgetBytes = 10_000_000;

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Directory =>
        Environment.GetEnvironmentVariable("IFM_ARTIFACTS") is { Length: > 0 } dir ? Path.GetFullPath(dir) : Path.Combine(RepoRoot, "artifacts", "publish");

    /// <summary>The <c>ifm</c> executable for <paramref name="rid"/> (linux-x64 or linux-arm64).</summary>
    public static string Ifm(string rid) => Ensure(rid, "ifm");

    /// <summary>
    /// The diagnostics build of <c>ifm</c> (EventPipe and the diagnostic socket compiled in, for dotnet-counters), from
    /// &lt;rid&gt;-diagnostics/ (<c>scripts/publish.sh --diagnostics</c>).
    /// </summary>
    public static string DiagnosticsIfm(string rid) => Ensure(rid, "ifm", diagnostics: true);

    /// <summary>The C ABI library for <paramref name="rid"/>.</summary>
    public static string LibIfm(string rid) => Ensure(rid, "libifm.so");

    private static string Ensure(string rid, string file, bool diagnostics = false)
    {
        string path = Path.Combine(Directory, diagnostics ? rid + "-diagnostics" : rid, file);
        lock (Gate)
        {
            if (File.Exists(path)) return path;
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot };
            psi.ArgumentList.Add(Path.Combine(RepoRoot, "scripts", "publish.sh"));
            if (diagnostics) psi.ArgumentList.Add("--diagnostics");
            psi.ArgumentList.Add(rid);
            psi.Environment["IFM_PUBLISH_DIR"] = Directory;
            using Process p = Process.Start(psi)!;
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromMinutes(30)))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException($"scripts/publish.sh {rid} took more than 30 minutes");
            }

            if (p.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"scripts/publish.sh {rid} did not produce {path}:\n{stdout.Result}\n{stderr.Result}");
            }

            return path;
        }
    }

    private static string FindRepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "IFM.sln"))) return dir;
        }

        throw new InvalidOperationException("IFM.sln not found above " + AppContext.BaseDirectory);
    }
}

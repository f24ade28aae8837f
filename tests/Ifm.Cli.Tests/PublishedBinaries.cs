using System.Diagnostics;

namespace Ifm.Cli.Tests;

/// <summary>
/// Locates the NativeAOT binaries that scripts/publish.sh writes to artifacts/publish/&lt;rid&gt;/ (or $IFM_ARTIFACTS),
/// publishing them on first use when they are missing, so `dotnet test` works on its own too (slowly).
/// </summary>
public sealed class PublishedBinaries
{
    private static readonly Lock Gate = new();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ArtifactsDir =>
        Environment.GetEnvironmentVariable("IFM_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(RepoRoot, "artifacts", "publish");

    /// <summary>Path of the published <c>ifm</c> for <paramref name="rid"/>, publishing it if needed.</summary>
    public static string Ifm(string rid)
    {
        string path = Path.Combine(ArtifactsDir, rid, "ifm");
        lock (Gate)
        {
            if (!File.Exists(path))
            {
                ProcessResult r = ProcessRunner.Run("bash", [Path.Combine(RepoRoot, "scripts", "publish.sh"), rid], timeoutSeconds: 1200);
                Assert.True(r.ExitCode == 0, $"publish.sh {rid} failed:\n{r.Stdout}\n{r.Stderr}");
            }
        }

        Assert.True(File.Exists(path), $"{path} was not produced");
        return path;
    }

    public static string Model(string name) => Path.Combine(RepoRoot, "runtime", "models", name);

    private static string FindRepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "IFM.sln")))
            {
                return dir;
            }
        }

        throw new InvalidOperationException("IFM.sln not found above " + AppContext.BaseDirectory);
    }
}

public readonly record struct ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs a child process to completion with captured output and a generous time limit.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string file, IEnumerable<string> args, int timeoutSeconds = 300, string? workDir = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workDir ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (env is not null)
        {
            foreach ((string k, string v) in env)
            {
                psi.Environment[k] = v;
            }
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s");
        }

        p.WaitForExit();
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

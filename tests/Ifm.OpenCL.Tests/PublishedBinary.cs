using System.Diagnostics;

namespace Ifm.OpenCL.Tests;

/// <summary>
/// The NativeAOT <c>ifm</c> for linux-x64: from $IFM_ARTIFACTS (default &lt;repo&gt;/artifacts/publish) when the test
/// script published it, otherwise published here once (slow, but <c>dotnet test</c> alone still works).
/// </summary>
public sealed class PublishedBinary
{
    public PublishedBinary()
    {
        string repo = FindRepo();
        string artifacts = Environment.GetEnvironmentVariable("IFM_ARTIFACTS") ?? System.IO.Path.Combine(repo, "artifacts", "publish");
        Path = System.IO.Path.Combine(artifacts, "linux-x64", "ifm");
        if (File.Exists(Path)) return;

        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        foreach (var a in new[] { "publish", "runtime/Ifm.Cli", "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", System.IO.Path.GetDirectoryName(Path)! })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("publishing the NativeAOT ifm took more than 20 minutes");
        }

        if (p.ExitCode != 0 || !File.Exists(Path)) throw new InvalidOperationException($"publishing the NativeAOT ifm failed:\n{output.Result}\n{errors.Result}");
    }

    public string Path { get; }

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Directory.Packages.props"))) return d.FullName;
        }

        throw new InvalidOperationException("the repository root (Directory.Packages.props) is not above " + AppContext.BaseDirectory);
    }
}

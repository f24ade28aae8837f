using System.Diagnostics;

namespace Ifm.Control.Tests;

/// <summary>
/// The published NativeAOT <c>ifm</c> for process tests: $IFM_ARTIFACTS/linux-x64/ifm (default
/// &lt;repo&gt;/artifacts/publish), published here when missing or when it predates the `run` command.
/// </summary>
internal static class IfmBinary
{
    private static readonly Lazy<string> Binary = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Path => Binary.Value;

    private static string Locate()
    {
        string root = Paths.RepoRoot();
        string artifacts = Environment.GetEnvironmentVariable("IFM_ARTIFACTS") is { Length: > 0 } a ? a : System.IO.Path.Combine(root, "artifacts", "publish");
        string exe = System.IO.Path.Combine(artifacts, "linux-x64", "ifm");
        if (File.Exists(exe) && SupportsRun(exe)) return exe;

        string output = System.IO.Path.Combine(root, "artifacts", "publish", "linux-x64");
        var psi = new ProcessStartInfo("dotnet", ["publish", System.IO.Path.Combine(root, "runtime", "Ifm.Cli"), "-c", "Release", "-r", "linux-x64",
            "-p:PublishAot=true", "-o", output])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(20))) { p.Kill(true); throw new TimeoutException("dotnet publish of ifm took over 20 minutes"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"dotnet publish of ifm failed:\n{stdout.Result}\n{stderr.Result}");
        return System.IO.Path.Combine(output, "ifm");
    }

    private static bool SupportsRun(string exe)
    {
        using var p = Process.Start(new ProcessStartInfo(exe, ["run", "--help"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 && text.Contains("--sim", StringComparison.Ordinal);
    }
}

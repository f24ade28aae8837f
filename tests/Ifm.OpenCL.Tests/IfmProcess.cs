using System.Diagnostics;

namespace Ifm.OpenCL.Tests;

/// <summary>Runs the <c>ifm</c> tool (the managed build next to the tests) in a child process with extra environment.</summary>
internal static class IfmProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>An ICD directory with no driver in it: the OpenCL loader then finds no platform.</summary>
    public static string EmptyIcdDirectory { get; } = Directory.CreateTempSubdirectory("ifm-no-icd-").FullName;

    public static Result Run(IReadOnlyDictionary<string, string>? env, params string[] args) => RunWith(null, env, args);

    /// <param name="executable">A native <c>ifm</c> (NativeAOT); null runs the managed build next to the tests.</param>
    public static Result RunWith(string? executable, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(executable ?? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (executable is null) psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ifm.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env) psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"ifm {string.Join(' ', args)} did not finish within 3 minutes");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static Dictionary<string, string> WithoutDriver() => new() { ["OCL_ICD_VENDORS"] = EmptyIcdDirectory };
}

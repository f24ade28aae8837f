using System.Diagnostics;
using System.Text;

namespace Ifm.Native.Tests.Infrastructure;

/// <summary>Runs a process to completion with a generous timeout (the machine may be loaded) and captures its output.</summary>
internal static class Proc
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}";

        private static string Tail(string s) => s.Length > 4000 ? "…" + s[^4000..] : s;
    }

    public static Result Run(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null, int timeoutSeconds = 600)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Repo.Root,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var kv in env) psi.Environment[kv.Key] = kv.Value;
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeoutSeconds} s");
        }

        p.WaitForExit();
        return new Result(p.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static Result Ok(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null, int timeoutSeconds = 600)
    {
        var r = Run(file, args, env, workingDirectory, timeoutSeconds);
        Assert.True(r.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {r}");
        return r;
    }

    /// <summary>Full path of a tool on PATH, or null.</summary>
    public static string? Which(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = Path.Combine(dir, tool);
            if (File.Exists(f)) return f;
        }

        return null;
    }

    /// <summary>A tool the suite needs; fails with how to get it when it is missing.</summary>
    public static string Require(string tool) =>
        Which(tool) ?? throw new InvalidOperationException($"'{tool}' is not installed: run scripts/install-deps.sh (as root)");
}

using System.Diagnostics;

namespace Ifm.Import.Tests;

/// <summary>Runs nir_files.py (Debian's python3 with python3-h5py and python3-numpy) into a fresh directory.</summary>
internal static class Python
{
    public static string NirFiles(string mode)
    {
        string dir = Directory.CreateTempSubdirectory("ifm-nir-").FullName;
        Run(mode, dir);
        return dir;
    }

    /// <summary>Runs nir_files.py with <paramref name="args"/>; returns its standard output.</summary>
    public static string Run(params string[] args)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run scripts/install-deps.sh");
        var psi = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nir_files.py"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "nir_files.py did not finish in 2 minutes");
        Assert.True(p.ExitCode == 0, $"nir_files.py {args[0]} failed (h5py missing? run scripts/install-deps.sh): {err}");
        return stdout.Result;
    }
}

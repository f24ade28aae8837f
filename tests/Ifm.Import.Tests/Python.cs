using System.Diagnostics;

namespace Ifm.Import.Tests;

/// <summary>Runs nir_files.py (Debian's python3 with python3-h5py and python3-numpy) into a fresh directory.</summary>
internal static class Python
{
    public static string NirFiles(string mode)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), $"{python} is missing: run scripts/install-deps.sh");
        string dir = Directory.CreateTempSubdirectory("ifm-nir-").FullName;
        var psi = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nir_files.py"));
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add(dir);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "nir_files.py did not finish in 2 minutes");
        Assert.True(p.ExitCode == 0, $"nir_files.py {mode} failed (h5py missing? run scripts/install-deps.sh): {err}");
        return dir;
    }
}

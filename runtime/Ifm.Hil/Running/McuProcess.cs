using System.Diagnostics;

namespace Ifm.Hil.Running;

/// <summary>
/// The C virtual MCU (<c>ifm-virtual-mcu</c>) as a child of the runner: started on a pseudo-terminal, its EVENT and
/// STATUS lines collected with the scenario period they arrived in, rebooted with SIGUSR1, and stopped (SIGTERM, then
/// SIGKILL) when disposed.
/// </summary>
public sealed class McuProcess : IDisposable
{
    /// <summary>The environment variable that names the virtual MCU executable.</summary>
    public const string EnvironmentVariable = "IFM_VIRTUAL_MCU";

    private readonly Process _process;
    private readonly List<(long, string)> _lines = [];
    private readonly Func<long> _period;
    private bool _disposed;

    public McuProcess(string executable, string port, string plant, long seed, IEnumerable<string> perturbations, Func<long> period)
    {
        _period = period;
        var psi = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["--plant", plant, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)]) psi.ArgumentList.Add(a);
        foreach (string p in perturbations)
        {
            psi.ArgumentList.Add("--perturb");
            psi.ArgumentList.Add(p);
        }

        psi.ArgumentList.Add(port);
        _process = Process.Start(psi) ?? throw new IOException($"cannot start the virtual MCU {executable}");
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<(long Period, string Line)> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    /// <summary>Finds the executable: <paramref name="given"/> (--mcu), then $IFM_VIRTUAL_MCU, then ifm-virtual-mcu next to this program, then on PATH.</summary>
    public static string Locate(string? given)
    {
        if (given is not null) return File.Exists(given) ? Path.GetFullPath(given) : throw new Scenarios.ScenarioException("--mcu", [$"'{given}' does not exist"]);
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            return File.Exists(env) ? env : throw new Scenarios.ScenarioException(EnvironmentVariable, [$"'{env}' does not exist"]);
        }

        string beside = Path.Combine(AppContext.BaseDirectory, "ifm-virtual-mcu");
        if (File.Exists(beside)) return beside;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "ifm-virtual-mcu");
            if (File.Exists(candidate)) return candidate;
        }

        throw new Scenarios.ScenarioException("--target virtual-mcu", ["no virtual MCU: give --mcu PATH, set IFM_VIRTUAL_MCU, or put ifm-virtual-mcu next to ifm or on PATH (build it: cmake -S firmware-bridge/firmware -B build && cmake --build build --target ifm-virtual-mcu)"]);
    }

    /// <summary>Reboots the MCU (SIGUSR1: new boot id, plant reset).</summary>
    public void Reset() => Native.Kill(_process.Id, Native.SIGUSR1);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                Native.Kill(_process.Id, Native.SIGTERM);
                if (!_process.WaitForExit(3000)) _process.Kill();
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add((_period(), line));
    }
}

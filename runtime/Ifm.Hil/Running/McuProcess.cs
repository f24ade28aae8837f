using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ifm.Hil.Running;

/// <summary>
/// The C virtual MCU (<c>ifm-virtual-mcu</c>) as a child of the runner: started on a pseudo-terminal, its EVENT and
/// STATUS lines collected with the scenario period they arrived in, rebooted with SIGUSR1, and stopped (SIGTERM, then
/// SIGKILL) when disposed. Its stdin is a pipe only this process holds open (--exit-on-stdin-eof): when the runner ends
/// in any way, SIGKILL included, the kernel closes it and the MCU exits, which also frees its pseudo-terminal.
/// </summary>
/// <remarks>
/// Started with posix_spawnp and read through one pipe (stdout and stderr together) rather than with
/// System.Diagnostics.Process: that class and its SIGCHLD and async-reader machinery cost more of the NativeAOT binary
/// (budget 10 MB) than this file, and the runner needs only start, lines, signal, wait.
/// </remarks>
public sealed unsafe class McuProcess : IDisposable
{
    /// <summary>The environment variable that names the virtual MCU executable.</summary>
    public const string EnvironmentVariable = "IFM_VIRTUAL_MCU";

    private readonly int _pid;
    private readonly Thread _reader;
    private readonly List<(long, string)> _lines = [];
    private readonly Func<long> _period;
    private readonly Lock _wait = new();
    private int _lifeline = -1;
    private int? _exitStatus;
    private bool _disposed;

    public McuProcess(string executable, string port, string plant, long seed, IEnumerable<string> perturbations, Func<long> period)
    {
        _period = period;
        List<string> args = [executable, "--plant", plant, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--events", "--exit-on-stdin-eof"];
        foreach (string p in perturbations)
        {
            args.Add("--perturb");
            args.Add(p);
        }

        args.Add(port);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) env.Add($"{e.Key}={e.Value}");

        int* fds = stackalloc int[2];
        int* life = stackalloc int[2];
        if (Native.Pipe2(fds, Native.O_CLOEXEC) != 0) throw new IOException($"cannot create a pipe for the virtual MCU: {Marshal.GetLastPInvokeErrorMessage()}");
        if (Native.Pipe2(life, Native.O_CLOEXEC) != 0)
        {
            Native.Close(fds[0]);
            Native.Close(fds[1]);
            throw new IOException($"cannot create a pipe for the virtual MCU: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        byte* actions = stackalloc byte[256]; // posix_spawn_file_actions_t: 80 bytes in glibc on 64-bit targets
        Native.SpawnFileActionsInit(actions);
        int pid;
        int rc;
        try
        {
            Native.SpawnFileActionsAddDup2(actions, life[0], 0); // the lifeline's read end; the write end stays here only (O_CLOEXEC)
            Native.SpawnFileActionsAddDup2(actions, fds[1], 1);
            Native.SpawnFileActionsAddDup2(actions, fds[1], 2);
            using var argv = new CStrings(args);
            using var envp = new CStrings(env);
            rc = Native.SpawnP(&pid, argv.Pointers[0], actions, null, argv.Pointers, envp.Pointers);
        }
        finally
        {
            Native.SpawnFileActionsDestroy(actions);
            Native.Close(fds[1]);
            Native.Close(life[0]);
        }

        _lifeline = life[1];
        if (rc != 0)
        {
            Native.Close(fds[0]);
            Native.Close(_lifeline);
            throw new IOException($"cannot start the virtual MCU {executable}: {Marshal.GetPInvokeErrorMessage(rc)}");
        }

        _pid = pid;
        var stream = new FileStream(new SafeFileHandle(fds[0], ownsHandle: true), FileAccess.Read, 1);
        _reader = new Thread(() =>
        {
            using var r = new StreamReader(stream, Encoding.UTF8);
            while (r.ReadLine() is { } line) Add(line);
        }) { IsBackground = true, Name = "ifm-virtual-mcu output" };
        _reader.Start();
    }

    public int Id => _pid;

    public bool HasExited => Reap(block: false);

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
    public void Reset() => Native.Kill(_pid, Native.SIGUSR1);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Native.Close(_lifeline); // EOF on the MCU's stdin: it exits by itself
        if (!HasExited)
        {
            Native.Kill(_pid, Native.SIGTERM);
            if (!WaitForExit(3000)) Native.Kill(_pid, Native.SIGKILL);
        }

        Reap(block: true);
        _reader.Join(3000);
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for the MCU to end; true when it has.</summary>
    private bool WaitForExit(int milliseconds)
    {
        long until = Environment.TickCount64 + milliseconds;
        while (!Reap(block: false))
        {
            if (Environment.TickCount64 >= until) return false;
            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Collects the child's exit status once (waitpid); true when it has ended.</summary>
    private bool Reap(bool block)
    {
        lock (_wait)
        {
            if (_exitStatus is not null) return true;
            int status;
            int r = Native.WaitPid(_pid, &status, block ? 0 : Native.WNOHANG);
            if (r == _pid || (r < 0 && Marshal.GetLastPInvokeError() == Native.ECHILD))
            {
                _exitStatus = status;
                return true;
            }

            return false;
        }
    }

    /// <summary>NUL-terminated UTF-8 copies of strings and a NULL-terminated array of pointers to them, freed on dispose.</summary>
    private sealed class CStrings : IDisposable
    {
        private readonly List<nint> _blocks = [];

        public CStrings(IReadOnlyList<string> strings)
        {
            Pointers = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(byte*));
            for (int i = 0; i < strings.Count; i++)
            {
                int n = Encoding.UTF8.GetByteCount(strings[i]);
                byte* b = (byte*)NativeMemory.Alloc((nuint)n + 1);
                Encoding.UTF8.GetBytes(strings[i], new Span<byte>(b, n));
                b[n] = 0;
                Pointers[i] = b;
                _blocks.Add((nint)b);
            }
        }

        public byte** Pointers { get; }

        public void Dispose()
        {
            foreach (nint b in _blocks) NativeMemory.Free((void*)b);
            NativeMemory.Free(Pointers);
        }
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add((_period(), line));
    }
}

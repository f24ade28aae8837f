using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ifm.FirmwareBridge.Tests;

/// <summary>Builds the C project (library, virtual MCU) once per test run with CMake.</summary>
public sealed class VirtualMcuBuild
{
    public VirtualMcuBuild()
    {
        string source = Path.Combine(RepoPaths.FirmwareBridge, "firmware");
        string build = Path.Combine(source, "build-dotnet");
        Run("cmake", $"-S \"{source}\" -B \"{build}\" -DCMAKE_BUILD_TYPE=RelWithDebInfo");
        Run("cmake", $"--build \"{build}\" --target ifm-virtual-mcu -j 2");
        McuPath = Path.Combine(build, "ifm-virtual-mcu");
        if (!File.Exists(McuPath))
        {
            throw new InvalidOperationException($"cmake did not produce {McuPath}");
        }
    }

    public string McuPath { get; }

    private static void Run(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {args} failed ({p.ExitCode}):\n{stdout}\n{stderr}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HardwareInTheLoop : ICollectionFixture<VirtualMcuBuild>
{
    public const string Name = "hardware-in-the-loop";
}

/// <summary>Polls a condition until a deadline (generous: the machine may be loaded).</summary>
internal static class Wait
{
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }
}

/// <summary>A socat pseudo-terminal pair: <see cref="McuEnd"/> for the virtual MCU, <see cref="HostEnd"/> for the host.</summary>
internal sealed class SocatPair : IDisposable
{
    private readonly string _dir;
    private Process? _process;

    public SocatPair()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"ifm-bridge-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        Start();
    }

    public string McuEnd => Path.Combine(_dir, "mcu");

    public string HostEnd => Path.Combine(_dir, "host");

    public void Start()
    {
        var psi = new ProcessStartInfo("socat", $"pty,raw,echo=0,link={McuEnd} pty,raw,echo=0,link={HostEnd}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start socat (run scripts/install-deps.sh)");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (!Wait.Until(() => File.Exists(McuEnd) && File.Exists(HostEnd), TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("socat did not create its pty links");
        }
    }

    /// <summary>Kills socat (like pulling the cable) and waits until it is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            // SIGTERM like a user would (socat then removes its links); SIGKILL if it does not go.
            using (var term = Process.Start("kill", $"-TERM {_process.Id}"))
            {
                term.WaitForExit();
            }

            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }

        _process?.Dispose();
        _process = null;
        Wait.Until(() => !File.Exists(McuEnd) && !File.Exists(HostEnd), TimeSpan.FromSeconds(5));
        // socat may leave dangling links when killed: remove them so the reopen sees the new ptys only.
        File.Delete(McuEnd);
        File.Delete(HostEnd);
    }

    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The C virtual MCU as a child process; its stdout event lines are collected.</summary>
internal sealed class VirtualMcuProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public VirtualMcuProcess(string exe, string device, string plant = "pong", bool redirectStdin = false, params string[] options)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
        };
        psi.ArgumentList.Add("--plant");
        psi.ArgumentList.Add(plant);
        foreach (string o in options)
        {
            psi.ArgumentList.Add(o);
        }

        psi.ArgumentList.Add(device);
        _process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        if (device == "-")
        {
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.BeginErrorReadLine();
        }
        else
        {
            _process.OutputDataReceived += (_, e) => Add(e.Data);
            _process.ErrorDataReceived += (_, e) => Add(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }
    }

    public Process Process => _process;

    public string[] Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string? WaitForLine(Func<string, bool> match, TimeSpan timeout, int skip = 0)
    {
        string? found = null;
        Wait.Until(() => (found = Lines.Skip(skip).FirstOrDefault(match)) is not null, timeout);
        return found;
    }

    /// <summary>The value of key=value in the newest STATUS line.</summary>
    public double? Status(string key)
    {
        string? line = Lines.LastOrDefault(l => l.StartsWith("STATUS ", StringComparison.Ordinal));
        string? field = line?.Split(' ').FirstOrDefault(f => f.StartsWith(key + "=", StringComparison.Ordinal));
        return field is null ? null : double.Parse(field[(key.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Simulates an MCU reboot (SIGUSR1): new boot id, protocol state and plant reset.</summary>
    public void Reboot()
    {
        using var kill = Process.Start("kill", $"-USR1 {_process.Id}");
        kill.WaitForExit();
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }
}

/// <summary>A read stream and a write stream as one duplex stream (a child's stdout and stdin).</summary>
internal sealed class DuplexStream(Stream read, Stream write) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => write.Flush();
    public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        write.Write(buffer, offset, count);
        write.Flush();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            read.Dispose();
            write.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>Runs the managed <c>ifm</c> (ifm.dll next to the tests) with captured output.</summary>
internal static class IfmCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "ifm.dll");

    /// <summary>Runs to completion.</summary>
    public static (int Code, string Stdout, string Stderr) Run(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        return p.Finish(timeout);
    }

    public static Running Start(params string[] args) => StartWith("dotnet", ["exec", Dll, .. args]);

    /// <summary>
    /// Starts the published NativeAOT <c>ifm</c> (linux-x64), the binary users run: its runtime settings (the GC's
    /// first-generation budget among them) are compiled in and differ from the managed build's.
    /// </summary>
    public static Running StartPublished(params string[] args) => StartWith(PublishedArtifacts.Ifm("linux-x64"), args);

    private static Running StartWith(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return new Running(System.Diagnostics.Process.Start(psi)!, args);
    }

    /// <summary>A started <c>ifm</c>: stop it as Ctrl-C does (SIGINT), or wait for it.</summary>
    internal sealed class Running(System.Diagnostics.Process process, string[] args) : IDisposable
    {
        private readonly Task<string> _stdout = process.StandardOutput.ReadToEndAsync();
        private readonly Task<string> _stderr = process.StandardError.ReadToEndAsync();

        /// <summary>The process id, to sample its resources from /proc.</summary>
        public int Pid => process.Id;

        public bool HasExited => process.HasExited;

        public void Interrupt() => Signal(SigInt);

        /// <summary>Sends a signal by number (1 SIGHUP, 2 SIGINT, 15 SIGTERM).</summary>
        public void Signal(int signal)
        {
            if (Kill(process.Id, signal) != 0) throw new InvalidOperationException($"kill({signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }

        public (int Code, string Stdout, string Stderr) Finish(TimeSpan timeout)
        {
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"ifm {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
            }

            return (process.ExitCode, _stdout.Result, _stderr.Result);
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }

        private const int SigInt = 2;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);
    }
}

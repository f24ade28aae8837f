using System.Globalization;
using System.Text;
using Ifm.Control.Native;

namespace Ifm.Control.Service;

/// <summary>
/// The sd_notify protocol (systemd.service Type=notify, sd_notify(3)), implemented directly: one datagram per
/// message on an AF_UNIX SOCK_DGRAM socket to <c>$NOTIFY_SOCKET</c>; a path starting with '@' is in the abstract
/// namespace (the '@' becomes a leading NUL byte). Messages: READY=1, STOPPING=1, STATUS=…, WATCHDOG=1.
/// </summary>
/// <remarks>
/// <see cref="Send(ReadOnlySpan{byte})"/> allocates nothing and never blocks (MSG_DONTWAIT), so the control loop
/// itself can feed the watchdog. The watchdog interval is half of <c>$WATCHDOG_USEC</c> (the recommendation of
/// sd_watchdog_enabled(3)); it is ignored when <c>$WATCHDOG_PID</c> names another process.
/// </remarks>
public sealed unsafe class SystemdNotifier : IDisposable
{
    private static readonly byte[] WatchdogMessage = "WATCHDOG=1"u8.ToArray();
    private readonly byte[] _address = new byte[110];
    private readonly uint _addressLength;
    private int _fd;

    private SystemdNotifier(string socketPath, long watchdogIntervalNs)
    {
        // struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; }
        _address[0] = Libc.AfUnix;
        byte[] path = Encoding.UTF8.GetBytes(socketPath);
        if (path.Length > 107) throw new ArgumentException($"NOTIFY_SOCKET path is longer than 107 bytes: {socketPath}");
        path.CopyTo(_address, 2);
        bool isAbstract = path[0] == (byte)'@';
        if (isAbstract) _address[2] = 0;
        _addressLength = (uint)(2 + path.Length + (isAbstract ? 0 : 1));
        _fd = Libc.Socket(Libc.AfUnix, Libc.SockDgram | Libc.SockCloexec, 0);
        if (_fd < 0) throw new IOException($"cannot create the notification socket: {Libc.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
        SocketPath = socketPath;
        WatchdogIntervalNanoseconds = watchdogIntervalNs;
    }

    public string SocketPath { get; }

    /// <summary>How often the loop must send WATCHDOG=1 (half of WATCHDOG_USEC); 0 when the watchdog is off.</summary>
    public long WatchdogIntervalNanoseconds { get; }

    /// <summary>Messages that could not be sent (receiver gone, buffer full).</summary>
    public long SendFailures { get; private set; }

    /// <summary>WATCHDOG=1 messages sent.</summary>
    public long WatchdogPings { get; private set; }

    /// <summary>A notifier for <c>$NOTIFY_SOCKET</c>, or null when the process is not run by systemd as Type=notify.</summary>
    public static SystemdNotifier? FromEnvironment()
    {
        string? socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket) || !OperatingSystem.IsLinux()) return null;
        return new SystemdNotifier(socket, WatchdogInterval(
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId));
    }

    /// <summary>Half of WATCHDOG_USEC in ns, or 0 when unset, invalid, or meant for another process.</summary>
    public static long WatchdogInterval(string? watchdogUsec, string? watchdogPid, int ownPid)
    {
        if (!long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out long usec) || usec <= 0) return 0;
        if (!string.IsNullOrEmpty(watchdogPid) &&
            (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid != ownPid))
        {
            return 0;
        }

        return usec * 1000 / 2;
    }

    public bool Ready() => Send("READY=1"u8);

    public bool Stopping() => Send("STOPPING=1"u8);

    /// <summary>STATUS=… shown by <c>systemctl status</c> (allocates: not for the loop thread).</summary>
    public bool Status(string text) => Send(Encoding.UTF8.GetBytes("STATUS=" + text.Replace('\n', ' ')));

    /// <summary>WATCHDOG=1; allocation-free, called by the loop thread.</summary>
    public bool Watchdog()
    {
        bool ok = Send(WatchdogMessage);
        if (ok) WatchdogPings++;
        return ok;
    }

    public bool Send(ReadOnlySpan<byte> message)
    {
        int fd = _fd;
        if (fd < 0) return false;
        nint sent;
        fixed (byte* m = message)
        fixed (byte* a = _address)
        {
            sent = Libc.SendTo(fd, m, (nuint)message.Length, Libc.MsgDontwait | Libc.MsgNosignal, a, _addressLength);
        }

        if (sent < 0) SendFailures++;
        return sent >= 0;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace Ifm.Hil.Running;

/// <summary>
/// Two pseudo-terminal pairs made with openpty and a thread relaying bytes between their masters: the virtual MCU opens
/// <see cref="McuPath"/>, the host opens <see cref="HostPath"/> (what socat does, without socat). <see cref="Connected"/>
/// false drops every byte both ways: a pulled cable. Disposing stops the thread and closes all four descriptors, so
/// the /dev/pts entries disappear.
/// </summary>
public sealed unsafe class PtyRelay : IDisposable
{
    private const int FSetFl = 4, ONonblock = 0x800;
    private readonly int _masterMcu, _slaveMcu, _masterHost, _slaveHost;
    private readonly Thread _thread;
    private volatile bool _stop;
    private volatile bool _connected = true;
    private long _relayed, _dropped;
    private bool _disposed;

    public PtyRelay()
    {
        (_masterMcu, _slaveMcu, McuPath) = Open();
        try
        {
            (_masterHost, _slaveHost, HostPath) = Open();
        }
        catch
        {
            Native.Close(_masterMcu);
            Native.Close(_slaveMcu);
            throw;
        }

        _thread = new Thread(Run) { Name = "ifm-hil-pty-relay", IsBackground = true };
        _thread.Start();
    }

    /// <summary>The slave end the virtual MCU opens (/dev/pts/N).</summary>
    public string McuPath { get; }

    /// <summary>The slave end the host (the device map's bridge port) opens.</summary>
    public string HostPath { get; }

    /// <summary>False: bytes are dropped both ways (a pulled link); true: relayed.</summary>
    public bool Connected
    {
        get => _connected;
        set => _connected = value;
    }

    public long RelayedBytes => Interlocked.Read(ref _relayed);
    public long DroppedBytes => Interlocked.Read(ref _dropped);

    private static (int Master, int Slave, string Path) Open()
    {
        int master, slave;
        if (Native.OpenPty(&master, &slave, null, null, null) != 0)
        {
            throw new IOException($"openpty failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        byte* name = stackalloc byte[128];
        byte* termios = stackalloc byte[256];
        if (Native.PtsNameR(master, name, 128) != 0 || Native.TcGetAttr(slave, termios) != 0)
        {
            Native.Close(master);
            Native.Close(slave);
            throw new IOException($"pseudo-terminal set-up failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        // Raw both ways from the start: no echo, no line discipline between the relay and whoever opens the slave.
        Native.CfMakeRaw(termios);
        Native.TcSetAttr(slave, 0, termios);
        Native.Fcntl(master, FSetFl, ONonblock);
        return (master, slave, Marshal.PtrToStringUTF8((nint)name) ?? throw new IOException("ptsname returned nothing"));
    }

    private void Run()
    {
        byte* buffer = stackalloc byte[4096];
        Native.PollFd* fds = stackalloc Native.PollFd[2];
        fds[0] = new Native.PollFd { Fd = _masterMcu, Events = Native.POLLIN };
        fds[1] = new Native.PollFd { Fd = _masterHost, Events = Native.POLLIN };
        while (!_stop)
        {
            fds[0].Revents = fds[1].Revents = 0;
            if (Native.Poll(fds, 2, 20) <= 0) continue;
            for (int i = 0; i < 2; i++)
            {
                if ((fds[i].Revents & Native.POLLIN) == 0)
                {
                    if (fds[i].Revents != 0) Thread.Sleep(1); // the other side closed its slave: wait for it to reopen
                    continue;
                }

                nint n = Native.Read(fds[i].Fd, buffer, 4096);
                if (n <= 0) continue;
                if (!_connected)
                {
                    Interlocked.Add(ref _dropped, n);
                    continue;
                }

                int target = i == 0 ? _masterHost : _masterMcu;
                nint done = 0;
                int tries = 0;
                while (done < n && !_stop && tries++ < 1000)
                {
                    nint w = Native.Write(target, buffer + done, (nuint)(n - done));
                    if (w > 0) done += w;
                    else Thread.Sleep(1);
                }

                Interlocked.Add(ref _relayed, done);
            }
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop = true;
        _thread.Join(2000);
        Native.Close(_masterMcu);
        Native.Close(_slaveMcu);
        Native.Close(_masterHost);
        Native.Close(_slaveHost);
    }

    internal static string Describe(PtyRelay r) => new StringBuilder().Append(r.McuPath).Append(" ↔ ").Append(r.HostPath).ToString();
}

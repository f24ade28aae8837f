using System.Runtime.InteropServices;

namespace Ifm.FirmwareBridge.Link;

/// <summary>
/// A Linux serial device (tty, USB CDC, pty) opened and configured with libc (raw 8N1, no flow control, the given
/// baud rate) and read/written with poll/read/write on the caller's buffers: unlike System.IO.Ports' SerialStream,
/// which allocates a request and a task per Read, it allocates nothing per call. DTR is not touched on open.
/// </summary>
internal sealed unsafe partial class PosixTtyStream : Stream
{
    private const int ORdWr = 0x2;
    private const int ONoCtty = 0x100;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const short PollIn = 0x1;
    private const short PollOut = 0x4;
    private const short PollErr = 0x8;
    private const short PollHup = 0x10;
    private const short PollNval = 0x20;
    private const int EIntr = 4;
    private const int EAgain = 11;
    private const int PollSliceMs = 100;

    // struct termios (glibc, Linux x64/arm64/arm): c_cflag at 8, c_cc[32] at 17 (VTIME 5, VMIN 6).
    private const int TermiosSize = 256;
    private const int CflagOffset = 8;
    private const int CcOffset = 17;
    private const uint CRead = 0x80;
    private const uint CLocal = 0x800;
    private const uint CRtsCts = 0x80000000;

    private int _fd;
    private volatile bool _closed;

    private PosixTtyStream(int fd)
    {
        _fd = fd;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Opens and configures <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The path is not a character device (a regular file, a directory, ...), or the
    /// device is missing, busy or not configurable; the message names the path and the reason.</exception>
    public static PosixTtyStream Open(string path, int baud)
    {
        SerialDevice.EnsureCharacterDevice(path); // never open (let alone write) a regular file
        int fd = open(path, ORdWr | ONoCtty | ONonBlock | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"cannot open '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (SerialDevice.ProblemOfOpenFile(fd, path) is { } problem)
            {
                throw new IOException(problem); // replaced between the check and the open
            }

            if (isatty(fd) == 1)
            {
                Configure(fd, path, baud);
            }

            return new PosixTtyStream(fd);
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var pfd = new PollFd { Events = PollIn };
        while (true)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            pfd.Fd = _fd;
            pfd.Revents = 0;
            int r = poll(&pfd, 1, PollSliceMs); // bounded so that Dispose from another thread is noticed
            if (r < 0)
            {
                ThrowUnlessInterrupted("poll");
                continue;
            }

            if (r == 0)
            {
                continue;
            }

            if ((pfd.Revents & PollIn) == 0 && (pfd.Revents & (PollHup | PollErr | PollNval)) != 0)
            {
                throw new IOException(_closed ? "the port was closed" : "the serial device hung up (unplugged, or the pty peer went away)");
            }

            fixed (byte* p = buffer)
            {
                nint n = read(_fd, p, buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }
            }

            ThrowUnlessInterrupted("read");
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int waits = 0;
        while (!buffer.IsEmpty)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            nint n;
            fixed (byte* p = buffer)
            {
                n = write(_fd, p, buffer.Length);
            }

            if (n > 0)
            {
                buffer = buffer[(int)n..];
                continue;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (n < 0 && errno == EAgain)
            {
                // Output queue full: wait for room, but never more than ~500 ms in all (the caller treats that as a dead link).
                if (++waits > 5)
                {
                    throw new IOException("the serial device accepts no data (output queue full for 500 ms)");
                }

                var pfd = new PollFd { Fd = _fd, Events = PollOut };
                poll(&pfd, 1, PollSliceMs);
                continue;
            }

            if (n < 0 && errno == EIntr)
            {
                continue;
            }

            throw new IOException($"write failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        _closed = true;
        if (fd >= 0)
        {
            close(fd);
        }

        base.Dispose(disposing);
    }

    private static void Configure(int fd, string path, int baud)
    {
        uint speed = SpeedConstant(baud);
        byte* t = stackalloc byte[TermiosSize];
        new Span<byte>(t, TermiosSize).Clear();
        if (tcgetattr(fd, t) != 0)
        {
            throw new IOException($"cannot read the settings of '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
        }

        cfmakeraw(t);
        uint* cflag = (uint*)(t + CflagOffset);
        *cflag = (*cflag | CRead | CLocal) & ~CRtsCts;
        t[CcOffset + 5] = 0; // VTIME
        t[CcOffset + 6] = 1; // VMIN
        if (cfsetispeed(t, speed) != 0 || cfsetospeed(t, speed) != 0 || tcsetattr(fd, 0, t) != 0)
        {
            throw new IOException($"cannot configure '{path}' for {baud} baud: {Marshal.GetLastPInvokeErrorMessage()}");
        }
    }

    private static uint SpeedConstant(int baud) => baud switch
    {
        1200 => 9, 2400 => 11, 4800 => 12, 9600 => 13, 19200 => 14, 38400 => 15,
        57600 => 0x1001, 115200 => 0x1002, 230400 => 0x1003, 460800 => 0x1004, 500000 => 0x1005,
        576000 => 0x1006, 921600 => 0x1007, 1000000 => 0x1008, 1152000 => 0x1009, 1500000 => 0x100A,
        2000000 => 0x100B, 2500000 => 0x100C, 3000000 => 0x100D, 3500000 => 0x100E, 4000000 => 0x100F,
        _ => throw new ArgumentException($"baud rate {baud} is not a standard Linux rate (use 9600..4000000, e.g. 115200)"),
    };

    private static void ThrowUnlessInterrupted(string call)
    {
        int errno = Marshal.GetLastPInvokeError();
        if (errno is not EIntr and not EAgain)
        {
            throw new IOException($"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int isatty(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int tcsetattr(int fd, int optionalActions, byte* termios);

    [LibraryImport("libc")]
    private static partial void cfmakeraw(byte* termios);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int cfsetispeed(byte* termios, uint speed);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int cfsetospeed(byte* termios, uint speed);
}

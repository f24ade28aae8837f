using System.Runtime.InteropServices;

namespace Ifm.FirmwareBridge.Link;

/// <summary>
/// Decides whether a path may be opened as the bridge's serial line: only a character device (a tty, a pty, a USB
/// CDC or USB serial device), after symbolic links are resolved. A regular file, directory, FIFO or socket is
/// refused by name before anything opens it, so the link can never write protocol frames into a file.
/// </summary>
public static unsafe partial class SerialDevice
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28; // struct statx is the same on every Linux architecture
    private const int IfMt = 0xF000;
    private const int IfChr = 0x2000;
    private const int ENoEnt = 2;
    private const int ENotDir = 20;

    /// <summary>Why <paramref name="path"/> is not a serial device, or <see langword="null"/> when it is one.</summary>
    /// <remarks>On systems other than Linux only existence is checked (port names such as COM3 are not paths).</remarks>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        byte* buf = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, 0, StatxType, buf) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is ENoEnt or ENotDir
                ? $"'{path}' does not exist{DanglingNote(path)}"
                : $"cannot examine '{path}': {Marshal.GetPInvokeErrorMessage(errno)}";
        }

        return Describe(path, *(ushort*)(buf + StatxModeOffset));
    }

    /// <summary>Throws <see cref="IOException"/> naming the path unless it is a character device.</summary>
    public static void EnsureCharacterDevice(string path)
    {
        if (Problem(path) is { } problem)
        {
            throw new IOException(problem);
        }
    }

    /// <summary>Checks an open descriptor (the path may have been replaced between the check and the open).</summary>
    internal static string? ProblemOfOpenFile(int fd, string path)
    {
        byte* buf = stackalloc byte[StatxSize];
        if (statx(fd, string.Empty, AtEmptyPath, StatxType, buf) != 0)
        {
            return $"cannot examine '{path}': {Marshal.GetLastPInvokeErrorMessage()}";
        }

        return Describe(path, *(ushort*)(buf + StatxModeOffset));
    }

    private static string? Describe(string path, int mode)
    {
        string? what = (mode & IfMt) switch
        {
            IfChr => null,
            0x8000 => "a regular file",
            0x4000 => "a directory",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            0x6000 => "a block device",
            _ => "not a device",
        };
        if (what is null)
        {
            return null;
        }

        string target = ResolvedTarget(path) is { } t ? $" (a link to {t})" : "";
        return $"'{path}'{target} is {what}, not a serial device: give a tty, pty or USB serial device such as /dev/ttyACM0";
    }

    private static string? ResolvedTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string DanglingNote(string path) => ResolvedTarget(path) is { } t ? $" (a link to {t}, which is gone)" : "";

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* statxbuf);
}

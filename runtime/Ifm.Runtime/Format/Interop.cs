using System.Runtime.InteropServices;

namespace Ifm.Runtime.Format;

/// <summary>The few POSIX calls .NET does not expose: fsync of a directory after a rename.</summary>
internal static partial class Interop
{
    private const int ORdOnly = 0;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    /// <summary>Flushes a directory's entries (the rename of a file in it) to the disk.</summary>
    public static void FSyncDirectory(string dir)
    {
        int fd = Open(dir, ORdOnly);
        if (fd < 0) throw new IOException($"cannot open directory '{dir}' to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (FSync(fd) != 0) throw new IOException($"fsync of directory '{dir}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            Close(fd);
        }
    }
}

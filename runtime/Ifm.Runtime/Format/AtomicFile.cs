namespace Ifm.Runtime.Format;

/// <summary>
/// Crash-safe file replacement: write a temporary file in the same directory, flush it to the disk, rename it over
/// the target (atomic on POSIX file systems) and flush the directory entry. A reader sees the old file or the new
/// one, never a torn mix.
/// </summary>
public static class AtomicFile
{
    /// <param name="verify">Optional check of the bytes read back from the disk before they replace the target; throws to abort.</param>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, Action<byte[]>? verify = null)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }

            verify?.Invoke(File.ReadAllBytes(tmp));
            File.Move(tmp, full, overwrite: true);
            FlushDirectory(dir);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    /// <summary>
    /// Checks, before any work is done, that <see cref="WriteAllBytes"/> will be able to replace <paramref name="path"/>:
    /// the folder exists and a temporary file can be created in it. Throws an <see cref="IOException"/> naming the path.
    /// </summary>
    public static void CheckWritable(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (Directory.Exists(full)) throw new IOException($"{path}: is a directory, not a file");
        if (!Directory.Exists(dir)) throw new IOException($"{path}: cannot be written: the folder {dir} does not exist");
        string probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot be written: {e.Message}", e);
        }
        finally
        {
            TryDelete(probe);
        }
    }

    /// <summary>fsync on the directory so that the rename itself survives a power cut.</summary>
    private static void FlushDirectory(string dir)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        // Some file systems refuse fsync on directories; the data file itself is already on disk then.
        try
        {
            Interop.FSyncDirectory(dir);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

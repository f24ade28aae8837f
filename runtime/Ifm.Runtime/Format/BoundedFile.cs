namespace Ifm.Runtime.Format;

/// <summary>
/// Reads a whole input with a limit checked while reading, never from the file's length: pipes, FIFOs and character
/// devices such as <c>/dev/zero</c> report a length of 0 (or none at all), so a reader that trusts the length either
/// fails oddly or reads until memory runs out.
/// </summary>
public static class BoundedFile
{
    /// <summary>
    /// Reads <paramref name="path"/> to its end, or throws an <see cref="IOException"/> whose message starts with the
    /// path as soon as more than <paramref name="limit"/> bytes have arrived. A directory is refused by name.
    /// </summary>
    public static byte[] ReadAllBytes(string path, long limit)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new IOException($"{path}: is a directory, not a file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return ReadAllBytes(stream, limit, path);
    }

    /// <summary>Reads <paramref name="stream"/> to its end, failing once more than <paramref name="limit"/> bytes arrived.</summary>
    public static byte[] ReadAllBytes(Stream stream, long limit, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > limit) throw new IOException($"{source}: longer than the limit of {limit:N0} bytes (is it the right file?)");
            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a UTF-8 text file with the same bound (in bytes).</summary>
    public static string ReadAllText(string path, long limit) => System.Text.Encoding.UTF8.GetString(ReadAllBytes(path, limit));
}

using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;

namespace Ifm.Runtime.Persistence;

/// <summary>Thrown when a checkpoint cannot be loaded: corrupt, torn, of another model, or of an unknown version.</summary>
public sealed class CheckpointException : Ifm.Core.IfmException
{
    // Messages quote file contents (metadata values): kept on one line.
    public CheckpointException(string message) : base(Ifm.Core.IfmErrorCode.Checkpoint, message.ReplaceLineEndings(" ")) { }

    public CheckpointException(string message, Exception inner) : base(Ifm.Core.IfmErrorCode.Checkpoint, message.ReplaceLineEndings(" "), inner) { }
}

/// <summary>
/// Saves and loads a session's learned state (neuron states, effective weights, plasticity traces) as a safetensors
/// file with a CRC-32 over its contents and the identity of the model it belongs to.
/// </summary>
/// <remarks>
/// Saving is crash-safe: the new checkpoint is written to a temporary file, flushed to the disk, read back and
/// verified, renamed over the old one (atomic) and the directory is flushed. A crash at any moment leaves either the
/// previous checkpoint or the new one, never a torn file; a file that is torn or corrupt anyway (copied badly, bit
/// rot) is refused on load with a <see cref="CheckpointException"/>.
/// </remarks>
public static class Checkpoint
{
    public const int Version = 1;

    private const string FormatValue = "ifm-checkpoint";
    private const string CrcKey = "checkpoint.crc32";

    /// <summary>Saves <paramref name="session"/>'s state to <paramref name="path"/> atomically.</summary>
    public static void Save(INetworkSession session, string path)
    {
        ArgumentNullException.ThrowIfNull(session);
        var state = session.Snapshot();
        if (state.FirstNonFinite() is { } bad)
            throw new CheckpointException($"{path}: not saved: the learned state is not finite ({bad}); the previous checkpoint, if any, is kept");
        byte[] bytes = Encode(state, session.Model.Name);
        RemoveStaleTemporaries(path);
        AtomicFile.WriteAllBytes(path, bytes, verify: written => Decode(written, path));
    }

    /// <summary>Loads a checkpoint into <paramref name="session"/> (which must run the same model).</summary>
    public static void Load(INetworkSession session, string path)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!File.Exists(path)) throw new CheckpointException($"{path}: checkpoint does not exist");
        var state = Decode(ReadBounded(path), path, out string modelName);
        if (state.ModelId != session.Model.Id)
        {
            throw new CheckpointException($"{path}: checkpoint belongs to model '{modelName}' (id {state.ModelId[..16]}), " +
                $"not to the loaded model '{session.Model.Name}' (id {session.Model.Id[..16]})");
        }

        session.Restore(state);
    }

    /// <summary>Reads and verifies a checkpoint without loading it.</summary>
    public static SessionState Read(string path) => Decode(ReadBounded(path), path, out _);

    /// <summary>Verifies checkpoint bytes held in memory; <paramref name="source"/> names them in error messages.</summary>
    public static SessionState Read(byte[] bytes, string source) => Decode(bytes, source, out _);

    private static byte[] ReadBounded(string path)
    {
        try
        {
            return BoundedFile.ReadAllBytes(path, SafeTensorsContainer.MaxFileBytes);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new CheckpointException(e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}", e);
        }
    }

    internal static byte[] Encode(SessionState state, string modelName)
    {
        var tensors = new List<(string, TensorDType, long[], byte[])>();
        foreach (var kv in state.Floats.OrderBy(k => k.Key, StringComparer.Ordinal))
            tensors.Add((kv.Key, TensorDType.F32, [kv.Value.Length], MemoryMarshal.AsBytes(kv.Value.AsSpan()).ToArray()));
        foreach (var kv in state.Ints.OrderBy(k => k.Key, StringComparer.Ordinal))
            tensors.Add((kv.Key, TensorDType.I32, [kv.Value.Length], MemoryMarshal.AsBytes(kv.Value.AsSpan()).ToArray()));

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatValue,
            ["checkpoint.version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["checkpoint.model_id"] = state.ModelId,
            ["checkpoint.model_name"] = modelName,
            ["checkpoint.tick"] = state.Tick.ToString(CultureInfo.InvariantCulture),
        };

        // The CRC covers the metadata and the tensor table (computed on the layout the writer produces) and all data.
        var unsigned = SafeTensorsContainer.Parse(SafeTensorsContainer.Write(metadata, tensors), "<checkpoint>");
        metadata[CrcKey] = Crc(unsigned).ToString("x8", CultureInfo.InvariantCulture);
        return SafeTensorsContainer.Write(metadata, tensors);
    }

    private static void Decode(byte[] bytes, string path) => Decode(bytes, path, out _);

    private static SessionState Decode(byte[] bytes, string path, out string modelName)
    {
        SafeTensorsContainer c;
        try
        {
            c = SafeTensorsContainer.Parse(bytes, path);
        }
        catch (IfmFormatException e)
        {
            string why = e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            throw new CheckpointException($"{path}: torn or corrupt checkpoint: {why}", e);
        }

        var md = c.Metadata;
        string Get(string key) => md.TryGetValue(key, out var v) ? v : throw new CheckpointException($"{path}: not a checkpoint (metadata has no '{key}')");
        if (Get("format") != FormatValue) throw new CheckpointException($"{path}: not a checkpoint (format is '{md["format"]}')");
        if (Get("checkpoint.version") != Version.ToString(CultureInfo.InvariantCulture))
            throw new CheckpointException($"{path}: unsupported checkpoint version '{md["checkpoint.version"]}' (this runtime reads {Version})");
        if (!uint.TryParse(Get(CrcKey), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint stored) || stored != Crc(c))
            throw new CheckpointException($"{path}: checksum mismatch: the checkpoint is torn or corrupt");
        if (!long.TryParse(Get("checkpoint.tick"), NumberStyles.None, CultureInfo.InvariantCulture, out long tick))
            throw new CheckpointException($"{path}: bad tick '{md["checkpoint.tick"]}'");

        modelName = Get("checkpoint.model_name");
        string modelId = Get("checkpoint.model_id");
        if (modelId.Length != 64 || !modelId.All(char.IsAsciiHexDigitLower))
            throw new CheckpointException($"{path}: checkpoint.model_id is not a model id (64 lower-case hex digits): '{(modelId.Length > 70 ? modelId[..70] + "…" : modelId)}'");
        var state = new SessionState(modelId, tick);
        foreach (var t in c.Tensors.Values)
        {
            if (t.Shape.Length != 1) throw new CheckpointException($"{path}: tensor '{t.Name}' is not a vector");
            switch (t.DType)
            {
                case TensorDType.F32:
                    state.Floats[t.Name] = MemoryMarshal.Cast<byte, float>(c.Data(t)).ToArray();
                    break;
                case TensorDType.I32:
                    state.Ints[t.Name] = MemoryMarshal.Cast<byte, int>(c.Data(t)).ToArray();
                    break;
                default:
                    throw new CheckpointException($"{path}: tensor '{t.Name}' has unexpected dtype {t.DType}");
            }
        }

        if (state.FirstNonFinite() is { } bad) throw new CheckpointException($"{path}: refused: the saved state is not finite ({bad})");
        return state;
    }

    private static uint Crc(SafeTensorsContainer c)
    {
        var crc = new Crc32();
        var text = new StringBuilder();
        foreach (var kv in c.Metadata.Where(k => k.Key != CrcKey).OrderBy(k => k.Key, StringComparer.Ordinal))
            text.Append(kv.Key).Append('=').Append(kv.Value).Append('\n');
        foreach (var t in c.Tensors.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"{t.Name}:{t.DType}:{string.Join('x', t.Shape)}:{t.Begin}:{t.End}\n");
        crc.Append(Encoding.UTF8.GetBytes(text.ToString()));
        foreach (var t in c.Tensors.Values.OrderBy(t => t.Begin)) crc.Append(c.Data(t));
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Temporary files left by a process killed while saving this checkpoint.</summary>
    private static void RemoveStaleTemporaries(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) return;
        foreach (var tmp in Directory.EnumerateFiles(dir, $".{Path.GetFileName(full)}.*.tmp"))
        {
            try
            {
                File.Delete(tmp);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

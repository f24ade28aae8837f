using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ifm.Control.Recording;

/// <summary>A malformed or truncated <c>.ifmrec</c> file; the message names the file and the problem.</summary>
public sealed class RecordingFormatException(string message) : Ifm.Core.IfmException(Ifm.Core.IfmErrorCode.DataFormat, message.ReplaceLineEndings(" "));

/// <summary>
/// Reads an <c>.ifmrec</c> file into memory (for <c>ifm plot</c> and tests). A file whose writer did not finish
/// (records = −1 in the prefix) is read up to its last whole record.
/// </summary>
public sealed class RecordingReader
{
    private readonly byte[] _data;
    private readonly int _recordStart;
    private readonly Dictionary<string, (string Type, int Count, int Offset)> _fields = new(StringComparer.Ordinal);

    private RecordingReader(string path, byte[] data)
    {
        _data = data;
        if (data.Length < RecordingLayout.PrefixBytes || Encoding.ASCII.GetString(data, 0, 8) != RecordingLayout.Magic)
        {
            throw new RecordingFormatException($"{path}: not an IFM recording (no {RecordingLayout.Magic} magic)");
        }

        uint jsonBytes = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        RecordBytes = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(12));
        long declared = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(16));
        Dropped = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(24));
        if (jsonBytes > data.Length - RecordingLayout.PrefixBytes) throw new RecordingFormatException($"{path}: header length {jsonBytes} runs past the end of the file");
        if (RecordBytes <= 0) throw new RecordingFormatException($"{path}: record size {RecordBytes} is not positive");
        _recordStart = RecordingLayout.PrefixBytes + (int)jsonBytes;
        try
        {
            using var doc = JsonDocument.Parse(data.AsMemory(RecordingLayout.PrefixBytes, (int)jsonBytes));
            JsonElement root = doc.RootElement;
            Version = root.GetProperty("version").GetInt32();
            Source = root.GetProperty("source").GetString() ?? "";
            ModelName = root.GetProperty("model").GetString() ?? "";
            NeuronCount = root.GetProperty("neuronCount").GetInt32();
            RateHz = root.GetProperty("rateHz").GetDouble();
            NeuronCapture = root.GetProperty("neuronCapture").GetString() ?? "none";
            InputNames = Names(root, "inputNames");
            OutputNames = Names(root, "outputNames");
            ActuatorNames = Names(root, "actuatorNames");
            int at = 0;
            foreach (JsonElement f in root.GetProperty("fields").EnumerateArray())
            {
                string name = f.GetProperty("name").GetString()!;
                string type = f.GetProperty("type").GetString()!;
                int count = f.GetProperty("shape")[0].GetInt32();
                int size = type switch { "<i8" => 8, "<f4" => 4, "u1" => 1, _ => throw new RecordingFormatException($"{path}: field '{name}' has unknown type '{type}'") };
                if (count < 0) throw new RecordingFormatException($"{path}: field '{name}' has a negative shape");
                _fields[name] = (type, count, at);
                at += size * count;
            }

            if (at != RecordBytes) throw new RecordingFormatException($"{path}: the fields add up to {at} bytes, the prefix says {RecordBytes}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new RecordingFormatException($"{path}: bad JSON header: {e.Message}");
        }

        long whole = (data.Length - _recordStart) / RecordBytes;
        Count = (int)(declared >= 0 ? Math.Min(declared, whole) : whole);
        Complete = declared >= 0;
    }

    public int Version { get; }
    public string Source { get; } = "";
    public string ModelName { get; } = "";
    public int NeuronCount { get; }
    public double RateHz { get; }
    public string NeuronCapture { get; } = "none";
    public IReadOnlyList<string> InputNames { get; } = [];
    public IReadOnlyList<string> OutputNames { get; } = [];
    public IReadOnlyList<string> ActuatorNames { get; } = [];
    public int RecordBytes { get; }

    /// <summary>Whole records in the file.</summary>
    public int Count { get; }

    /// <summary>Records the ring dropped (−1 when the writer did not finish the file).</summary>
    public long Dropped { get; }

    /// <summary>Whether the writer closed the file (the prefix holds the counts).</summary>
    public bool Complete { get; }

    /// <summary>Largest recording read into memory (a rotated file is at most <c>--record-max-mb</c>, 256 MB by default).</summary>
    public const long MaxFileBytes = 1L << 30;

    public static RecordingReader Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"recording '{path}' does not exist", path);
        return new RecordingReader(path, Ifm.Runtime.Format.BoundedFile.ReadAllBytes(path, MaxFileBytes));
    }

    /// <summary>Reads a recording held in memory; <paramref name="source"/> names it in errors.</summary>
    public static RecordingReader Parse(byte[] data, string source) => new(source, data);

    public bool Has(string field) => _fields.ContainsKey(field);

    /// <summary>A scalar int64 field of every record.</summary>
    public long[] Int64(string field)
    {
        var (type, _, offset) = Get(field, "<i8");
        _ = type;
        var v = new long[Count];
        for (int i = 0; i < Count; i++) v[i] = BinaryPrimitives.ReadInt64LittleEndian(_data.AsSpan(_recordStart + (i * RecordBytes) + offset));
        return v;
    }

    /// <summary>A float32 field: [record][element].</summary>
    public float[][] Float32(string field)
    {
        var (_, count, offset) = Get(field, "<f4");
        var v = new float[Count][];
        for (int i = 0; i < Count; i++)
        {
            var row = new float[count];
            int at = _recordStart + (i * RecordBytes) + offset;
            for (int k = 0; k < count; k++) row[k] = BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(at + (k * 4)));
            v[i] = row;
        }

        return v;
    }

    /// <summary>Spike bits unpacked: [record][neuron].</summary>
    public bool[][] Spikes()
    {
        var (_, count, offset) = Get("spikes", "u1");
        var v = new bool[Count][];
        for (int i = 0; i < Count; i++)
        {
            var row = new bool[NeuronCount];
            int at = _recordStart + (i * RecordBytes) + offset;
            for (int n = 0; n < NeuronCount && (n >> 3) < count; n++) row[n] = (_data[at + (n >> 3)] & (1 << (n & 7))) != 0;
            v[i] = row;
        }

        return v;
    }

    private (string Type, int Count, int Offset) Get(string field, string type)
    {
        if (!_fields.TryGetValue(field, out var f)) throw new RecordingFormatException($"the recording has no field '{field}'");
        if (f.Type != type) throw new RecordingFormatException($"field '{field}' is {f.Type}, not {type}");
        return f;
    }

    private static string[] Names(JsonElement root, string name) => [.. root.GetProperty(name).EnumerateArray().Select(e => e.GetString() ?? "")];
}

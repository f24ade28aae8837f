using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ifm.Runtime.Format;

/// <summary>One tensor's entry in a safetensors header.</summary>
public readonly record struct TensorInfo(string Name, TensorDType DType, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// The safetensors container (https://github.com/huggingface/safetensors): an 8-byte little-endian header length,
/// a JSON header mapping tensor names to dtype, shape and data offsets (plus a string→string <c>__metadata__</c> map),
/// then the raw little-endian tensor bytes. This class validates the container only; <see cref="IfmFile"/> interprets it.
/// </summary>
/// <remarks>
/// Every size is checked against the real length of the input before anything is allocated, so a header that lies
/// about sizes cannot make the reader allocate more than the input itself.
/// </remarks>
public sealed class SafeTensorsContainer
{
    /// <summary>Largest header accepted (the JSON text).</summary>
    public const int MaxHeaderBytes = 16 * 1024 * 1024;

    /// <summary>Largest file accepted.</summary>
    public const long MaxFileBytes = 0x7FFF_FF00;

    /// <summary>Most tensors accepted in one file.</summary>
    public const int MaxTensors = 65536;

    private readonly byte[] _bytes;
    private readonly int _dataStart;

    private SafeTensorsContainer(byte[] bytes, int dataStart, Dictionary<string, string> metadata, Dictionary<string, TensorInfo> tensors)
    {
        _bytes = bytes;
        _dataStart = dataStart;
        Metadata = metadata;
        Tensors = tensors;
    }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>Raw bytes of a tensor.</summary>
    public ReadOnlySpan<byte> Data(TensorInfo t) => _bytes.AsSpan(_dataStart + (int)t.Begin, (int)(t.End - t.Begin));

    /// <summary>Parses and validates a whole file held in memory. <paramref name="source"/> names it in error messages.</summary>
    public static SafeTensorsContainer Parse(byte[] file, string source)
    {
        if (file.Length < 8) throw Error(source, $"file is {file.Length} bytes, shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)(file.Length - 8))
            throw Error(source, $"header length {headerLength} is beyond the end of the file ({file.Length - 8} bytes after the length field)");
        if (headerLength > MaxHeaderBytes) throw Error(source, $"header length {headerLength} exceeds the limit of {MaxHeaderBytes} bytes");
        if (headerLength < 2) throw Error(source, $"header length {headerLength} is too small for a JSON object");

        int dataStart = 8 + (int)headerLength;
        long dataLength = file.Length - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);

        if (!System.Text.Unicode.Utf8.IsValid(file.AsSpan(8, (int)headerLength))) throw Error(source, "header is not valid UTF-8 text");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.AsMemory(8, (int)headerLength), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Error(source, $"header is not valid JSON: {e.Message}");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Error(source, "header is not a JSON object");
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (metadata.Count > 0) throw Error(source, "header has '__metadata__' twice");
                    ReadMetadata(prop.Value, metadata, source);
                    continue;
                }

                if (tensors.ContainsKey(prop.Name)) throw Error(source, $"tensor '{prop.Name}' is declared twice");
                if (tensors.Count >= MaxTensors) throw Error(source, $"more than {MaxTensors} tensors");
                tensors.Add(prop.Name, ReadTensorInfo(prop.Name, prop.Value, dataLength, source));
            }
        }

        CheckLayout(tensors.Values, dataLength, source);
        return new SafeTensorsContainer(file, dataStart, metadata, tensors);
    }

    /// <summary>Reads and validates a file from disk (or a pipe or device: the limit is checked while reading).</summary>
    public static SafeTensorsContainer ReadFile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(path, MaxFileBytes);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw Error(path, e.Message.StartsWith(path + ": ", StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message);
        }

        return Parse(bytes, path);
    }

    /// <summary>Reads a container from a stream of unknown length; memory grows only with the bytes actually read.</summary>
    public static SafeTensorsContainer ReadStream(Stream stream, string source)
    {
        byte[] bytes;
        try
        {
            bytes = BoundedFile.ReadAllBytes(stream, MaxFileBytes, source);
        }
        catch (IOException e)
        {
            throw Error(source, e.Message.StartsWith(source + ": ", StringComparison.Ordinal) ? e.Message[(source.Length + 2)..] : e.Message);
        }

        return Parse(bytes, source);
    }

    /// <summary>Writes a container: metadata first, tensors in the given order, header padded with spaces to 8 bytes.</summary>
    public static byte[] Write(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<(string Name, TensorDType DType, long[] Shape, byte[] Data)> tensors)
    {
        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach (var kv in metadata.OrderBy(k => k.Key, StringComparer.Ordinal)) w.WriteString(kv.Key, kv.Value);
            w.WriteEndObject();
            long offset = 0;
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", TensorDTypes.Name(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }

            w.WriteEndObject();
        }

        int pad = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < pad; i++) header.WriteByte((byte)' ');

        using var output = new MemoryStream();
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        output.Write(len);
        header.Position = 0;
        header.CopyTo(output);
        foreach (var t in tensors) output.Write(t.Data);
        return output.ToArray();
    }

    private static void ReadMetadata(JsonElement e, Dictionary<string, string> metadata, string source)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Error(source, "'__metadata__' is not a JSON object");
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Error(source, $"'__metadata__.{p.Name}' is not a string (safetensors metadata values are strings)");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!)) throw Error(source, $"'__metadata__.{p.Name}' appears twice");
        }
    }

    private static TensorInfo ReadTensorInfo(string name, JsonElement e, long dataLength, string source)
    {
        string where = $"tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object) throw Error(source, $"{where}: entry is not a JSON object");
        TensorDType? dtype = null;
        long[]? shape = null;
        long[]? offsets = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "dtype":
                    if (p.Value.ValueKind != JsonValueKind.String || !TensorDTypes.TryParse(p.Value.GetString()!, out var d))
                        throw Error(source, $"{where}: unknown dtype {p.Value.GetRawText()}");
                    dtype = d;
                    break;
                case "shape":
                    shape = ReadLongArray(p.Value, where, "shape", source, maxLength: 8);
                    break;
                case "data_offsets":
                    offsets = ReadLongArray(p.Value, where, "data_offsets", source, maxLength: 2);
                    if (offsets.Length != 2) throw Error(source, $"{where}: data_offsets must have 2 entries, got {offsets.Length}");
                    break;
                default:
                    throw Error(source, $"{where}: unexpected field '{p.Name}'");
            }
        }

        if (dtype is null) throw Error(source, $"{where}: missing 'dtype'");
        if (shape is null) throw Error(source, $"{where}: missing 'shape'");
        if (offsets is null) throw Error(source, $"{where}: missing 'data_offsets'");
        long begin = offsets[0], end = offsets[1];
        if (begin > end) throw Error(source, $"{where}: data_offsets [{begin}, {end}] begin after they end");
        if (end > dataLength) throw Error(source, $"{where}: data_offsets [{begin}, {end}] end beyond the data section ({dataLength} bytes)");

        // The element count cannot overflow: every dimension is bounded by the data section's size.
        long elements = 1;
        foreach (var dim in shape)
        {
            if (dim > dataLength) throw Error(source, $"{where}: dimension {dim} is larger than the whole data section");
            elements *= dim;
            if (elements > dataLength) throw Error(source, $"{where}: shape [{string.Join(", ", shape)}] is larger than the whole data section");
        }

        long expected = elements * TensorDTypes.Size(dtype.Value);
        if (expected != end - begin)
            throw Error(source, $"{where}: shape [{string.Join(", ", shape)}] of {TensorDTypes.Name(dtype.Value)} needs {expected} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return new TensorInfo(name, dtype.Value, shape, begin, end);
    }

    private static long[] ReadLongArray(JsonElement e, string where, string field, string source, int maxLength)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Error(source, $"{where}: '{field}' is not an array");
        int length = e.GetArrayLength();
        if (length > maxLength) throw Error(source, $"{where}: '{field}' has {length} entries (at most {maxLength})");
        var result = new long[length];
        int i = 0;
        foreach (var v in e.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long x) || x < 0)
                throw Error(source, $"{where}: '{field}[{i}]' is not a non-negative integer ({v.GetRawText()})");
            result[i++] = x;
        }

        return result;
    }

    /// <summary>Tensors must tile the data section exactly: no overlap, no gap, nothing after the last one.</summary>
    private static void CheckLayout(IEnumerable<TensorInfo> tensors, long dataLength, string source)
    {
        long expectedBegin = 0;
        TensorInfo? previous = null;
        foreach (var t in tensors.OrderBy(t => t.Begin).ThenBy(t => t.End))
        {
            if (t.Begin < expectedBegin)
                throw Error(source, $"tensor '{t.Name}': data_offsets [{t.Begin}, {t.End}] overlap tensor '{previous!.Value.Name}' [{previous.Value.Begin}, {previous.Value.End}]");
            if (t.Begin > expectedBegin)
                throw Error(source, $"tensor '{t.Name}': {t.Begin - expectedBegin} unused bytes before its data at offset {t.Begin}");
            expectedBegin = t.End;
            previous = t;
        }

        if (expectedBegin != dataLength)
            throw Error(source, $"data section has {dataLength - expectedBegin} bytes after the last tensor (at offset {expectedBegin})");
    }

    internal static IfmFormatException Error(string source, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source}: {message}").ReplaceLineEndings(" "));

    internal static string Utf8(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}

using System.Text;
using System.Text.Json;

namespace Ifm.Control.Recording;

/// <summary>What a recording keeps of the neurons each period.</summary>
public enum NeuronCapture
{
    /// <summary>Nothing per neuron.</summary>
    None,

    /// <summary>One bit per neuron: output ≥ 0.5 (a LIF neuron's output is 1 in the tick it spikes).</summary>
    Spikes,

    /// <summary>Every neuron's output y as float32.</summary>
    Outputs,
}

/// <summary>One fixed-size field of a record: name, numpy type string, element count.</summary>
public readonly record struct RecordField(string Name, string Type, int Count, int Offset)
{
    public int ElementBytes => Type switch { "<i8" => 8, "<f4" => 4, "u1" => 1, _ => throw new InvalidOperationException(Type) };

    public int Bytes => ElementBytes * Count;
}

/// <summary>
/// The layout of an <c>.ifmrec</c> file (see README.md in this folder): a 32-byte binary prefix, a JSON header that
/// describes the record fields in numpy terms, then fixed-size little-endian records, one per period.
/// </summary>
public sealed class RecordingLayout
{
    public const string Magic = "IFMREC01";
    public const int PrefixBytes = 32;

    public RecordingLayout(RecordingMetadata meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        Metadata = meta;
        var fields = new List<RecordField>();
        int at = 0;
        void Add(string name, string type, int count)
        {
            var f = new RecordField(name, type, count, at);
            fields.Add(f);
            at += f.Bytes;
        }

        Add("period", "<i8", 1);
        Add("time_ns", "<i8", 1);
        Add("compute_ns", "<i8", 1);
        Add("lateness_ns", "<i8", 1);
        Add("learning_signal", "<f4", 1);
        Add("mean_abs_dw", "<f4", 1);
        Add("inputs", "<f4", meta.InputNames.Count);
        Add("outputs", "<f4", meta.OutputNames.Count);
        Add("actuators", "<f4", meta.ActuatorNames.Count);
        switch (meta.Neurons)
        {
            case NeuronCapture.Spikes: Add("spikes", "u1", (meta.NeuronCount + 7) / 8); break;
            case NeuronCapture.Outputs: Add("neurons", "<f4", meta.NeuronCount); break;
        }

        // Pad to 8 bytes so every record starts aligned in a file whose records start aligned.
        int pad = (8 - (at % 8)) % 8;
        if (pad > 0) Add("pad", "u1", pad);
        Fields = fields;
        RecordBytes = at;
    }

    public RecordingMetadata Metadata { get; }

    public IReadOnlyList<RecordField> Fields { get; }

    public int RecordBytes { get; }

    public RecordField Field(string name) => Fields.First(f => f.Name == name);

    public bool Has(string name) => Fields.Any(f => f.Name == name);

    /// <summary>The JSON header, padded with spaces so records start at a multiple of 8 bytes.</summary>
    public byte[] HeaderJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            RecordingMetadata m = Metadata;
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("source", m.Source);
            m.WriteRunFields(w);
            w.WriteNumber("ticksPerPeriod", m.TicksPerPeriod);
            w.WriteString("neuronCapture", m.Neurons.ToString().ToLowerInvariant());
            w.WriteString("startedUtc", m.StartedUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteNumber("recordBytes", RecordBytes);
            w.WriteStartArray("fields");
            foreach (RecordField f in Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("type", f.Type);
                w.WriteStartArray("shape");
                w.WriteNumberValue(f.Count);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        int len = (int)ms.Length;
        int padded = len + ((8 - ((PrefixBytes + len) % 8)) % 8);
        byte[] json = new byte[padded];
        ms.GetBuffer().AsSpan(0, len).CopyTo(json);
        json.AsSpan(len).Fill((byte)' ');
        return json;
    }

    /// <summary>The 32-byte prefix: magic, JSON length, record size, records written and dropped (−1 while open).</summary>
    public static byte[] Prefix(int jsonBytes, int recordBytes, long records, long dropped)
    {
        byte[] p = new byte[PrefixBytes];
        Encoding.ASCII.GetBytes(Magic).CopyTo(p, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8), (uint)jsonBytes);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(12), (uint)recordBytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(16), records);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(24), dropped);
        return p;
    }
}

/// <summary>What a recording says about its run, written once in the header.</summary>
public sealed record RecordingMetadata : Hosting.RunDescription
{
    public string Source { get; init; } = "run";
    public int TicksPerPeriod { get; init; } = 1;
    public NeuronCapture Neurons { get; init; }
    public DateTime StartedUtc { get; init; } = DateTime.UtcNow;
}

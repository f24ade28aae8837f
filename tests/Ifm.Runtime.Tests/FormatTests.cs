using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;

namespace Ifm.Runtime.Tests;

public class FormatTests
{
    [Fact]
    public void Round_trip_is_exact()
    {
        var m = EngineTests.MixedModel();
        var bytes = IfmFile.ToBytes(m);
        var back = IfmFile.Read(bytes, "mixed.ifm");
        Assert.Equal(bytes, IfmFile.ToBytes(back));
        Assert.Equal(m.Id, back.Id);
        Assert.Equal(m.Name, back.Name);
        Assert.Equal(m.Dt, back.Dt);
        Assert.Equal(m.Weight.ToArray(), back.Weight.ToArray());
        Assert.Equal(m.Pre.ToArray(), back.Pre.ToArray());
        Assert.Equal(m.Bias.ToArray(), back.Bias.ToArray());
        Assert.Equal(m.InputNames, back.InputNames);
        for (int p = 0; p < m.Populations.Count; p++)
        {
            var a = m.Populations[p];
            var b = back.Populations[p];
            Assert.Equal((a.Name, a.Kind, a.Role, a.Start, a.Count), (b.Name, b.Kind, b.Role, b.Start, b.Count));
            Assert.Equal(a.Parameters.A, b.Parameters.A);
            Assert.Equal(a.Parameters.Tau, b.Parameters.Tau);
            Assert.Equal(a.Parameters.VThreshold, b.Parameters.VThreshold);
            Assert.Equal(a.Parameters.ResetMode, b.Parameters.ResetMode);
            Assert.Equal(a.Parameters.RefractoryTicks, b.Parameters.RefractoryTicks);
            Assert.Equal(a.Parameters.Activation, b.Parameters.Activation);
        }

        // And it runs the same.
        using var s1 = new CpuSession(m);
        using var s2 = new CpuSession(back);
        s1.SetInputs([1, 2, 3, 4]);
        s2.SetInputs([1, 2, 3, 4]);
        s1.Step(10);
        s2.Step(10);
        Assert.Equal(s1.NeuronOutputs.ToArray(), s2.NeuronOutputs.ToArray());
    }

    [Fact]
    public void Write_to_disk_and_read_back()
    {
        var dir = Directory.CreateTempSubdirectory("ifm-format");
        try
        {
            var m = EngineTests.MixedModel();
            string path = Path.Combine(dir.FullName, "m.ifm");
            IfmFile.Write(m, path);
            Assert.Equal(m.Id, IfmFile.Read(path).Id);
            Assert.Single(Directory.GetFiles(dir.FullName)); // no temporary file left behind
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Extra_metadata_survives_and_reserved_keys_are_refused()
    {
        var b = new ModelBuilder();
        b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        b.ExtraMetadata["trained_by"] = "ifm train";
        var back = IfmFile.Read(IfmFile.ToBytes(b.Build()));
        Assert.Equal("ifm train", back.ExtraMetadata["trained_by"]);
        b.ExtraMetadata["ifm.graph"] = "x";
        Assert.Throws<ModelValidationException>(() => b.Build());
    }

    // ---- The malformed-file corpus: each case must give IfmFormatException naming the problem. ----

    public static TheoryData<string, string> Corruptions() => new()
    {
        { "empty", "shorter than the 8-byte header length" },
        { "truncated-in-header", "beyond the end of the file" },
        { "truncated-in-data", "beyond the data section" },
        { "header-length-huge", "beyond the end of the file" },
        { "header-not-json", "not valid JSON" },
        { "overlapping-offsets", "overlap" },
        { "offsets-out-of-range", "beyond the data section" },
        { "offsets-reversed", "begin after they end" },
        { "shape-size-mismatch", "needs" },
        { "wrong-dtype", "dtype is I32, expected F32" },
        { "unknown-dtype", "unknown dtype" },
        { "nan-weight", "is NaN" },
        { "inf-bias", "is infinite" },
        { "edge-index-out-of-range", "out of range" },
        { "unknown-version", "unsupported format version 99" },
        { "not-ifm", "not an IFM model" },
        { "graph-missing-populations", "missing field 'populations'" },
        { "graph-missing-dt", "missing field 'dt'" },
        { "graph-unknown-kind", "unknown neuron kind 'izhikevich'" },
        { "graph-bad-json", "'ifm.graph' is not valid JSON" },
        { "missing-tensor", "tensor 'edges.weight' is missing" },
        { "extra-tensor", "not part of the IFM format" },
        { "duplicate-edge", "duplicate edge" },
        { "neuron-count-mismatch", "graph.neurons" },
        { "negative-tau", "must be positive" },
        { "metadata-not-string", "is not a string" },
        { "gap-in-data", "unused bytes" },
        { "trailing-bytes", "after the last tensor" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Malformed_files_give_the_documented_exception(string corruption, string expectedMessage)
    {
        var bytes = Corrupt(corruption);
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(bytes, $"{corruption}.ifm"));
        Assert.Contains(expectedMessage, e.Message);
        Assert.StartsWith($"{corruption}.ifm: ", e.Message);
    }

    [Fact]
    public void Random_byte_flips_never_escape_as_other_exceptions()
    {
        var good = IfmFile.ToBytes(EngineTests.MixedModel());
        var rng = new Random(11);
        for (int trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])good.Clone();
            int flips = 1 + rng.Next(4);
            for (int f = 0; f < flips; f++) bytes[rng.Next(Math.Min(bytes.Length, 8 + 2048))] ^= (byte)(1 << rng.Next(8));
            if (rng.Next(4) == 0) Array.Resize(ref bytes, rng.Next(bytes.Length));
            try
            {
                IfmFile.Read(bytes);
            }
            catch (IfmFormatException)
            {
            }
        }
    }

    [Fact]
    public void A_lying_header_length_does_not_allocate_its_size()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue / 2);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<IfmFormatException>(() => IfmFile.Read(bytes));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000);
    }

    private static IfmModel Small()
    {
        var b = new ModelBuilder { Name = "small" };
        int i = b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 2);
        int o = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 2);
        b.AddEdge(i, o, 0.5f);
        b.AddEdge(i + 1, o + 1, -0.5f);
        b.AddEdge(o, o + 1, 0.25f);
        return b.Build();
    }

    /// <summary>Builds each malformed variant of a small valid file.</summary>
    internal static byte[] Corrupt(string how)
    {
        var good = IfmFile.ToBytes(Small());
        switch (how)
        {
            case "empty": return [];
            case "truncated-in-header": return good[..40];
            case "truncated-in-data": return good[..^5];
            case "header-length-huge":
            {
                var b = (byte[])good.Clone();
                BinaryPrimitives.WriteUInt64LittleEndian(b, 1UL << 40);
                return b;
            }

            case "header-not-json":
            {
                var b = (byte[])good.Clone();
                b[8] = (byte)'[';
                b[9] = (byte)'}';
                return b;
            }
        }

        // Variants that edit the header JSON or the tensors: decode, change, re-encode.
        var (header, data) = Split(good);
        var h = JsonNode.Parse(header)!.AsObject();
        var meta = h["__metadata__"]!.AsObject();
        var graph = JsonNode.Parse(meta["ifm.graph"]!.GetValue<string>())!.AsObject();
        JsonObject T(string name) => h[name]!.AsObject();
        long Off(string name, int i) => T(name)["data_offsets"]![i]!.GetValue<long>();

        switch (how)
        {
            case "overlapping-offsets":
                T("edges.post")["data_offsets"] = new JsonArray(Off("edges.pre", 0), Off("edges.pre", 1));
                break;
            case "offsets-out-of-range":
                T("edges.group")["data_offsets"] = new JsonArray(Off("edges.group", 0), data.Length + 100);
                break;
            case "offsets-reversed":
                T("edges.group")["data_offsets"] = new JsonArray(Off("edges.group", 1), Off("edges.group", 0));
                break;
            case "shape-size-mismatch":
                T("edges.weight")["shape"] = new JsonArray(7);
                break;
            case "wrong-dtype":
                T("edges.weight")["dtype"] = "I32";
                break;
            case "unknown-dtype":
                T("edges.weight")["dtype"] = "Q7";
                break;
            case "nan-weight":
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)Off("edges.weight", 0) + 4), float.NaN);
                break;
            case "inf-bias":
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)Off("neurons.bias", 0)), float.PositiveInfinity);
                break;
            case "edge-index-out-of-range":
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan((int)Off("edges.pre", 0) + 4), 1000);
                break;
            case "unknown-version":
                meta["ifm.version"] = "99";
                break;
            case "not-ifm":
                meta.Remove("format");
                break;
            case "graph-missing-populations":
                graph.Remove("populations");
                break;
            case "graph-missing-dt":
                graph.Remove("dt");
                break;
            case "graph-unknown-kind":
                graph["populations"]![0]!["kind"] = "izhikevich";
                break;
            case "graph-bad-json":
                meta["ifm.graph"] = "{\"name\": ";
                return Join(h, data);
            case "missing-tensor":
                h.Remove("edges.weight");
                // keep the data section tiled: drop the bytes and shift later offsets
                return Rebuild(h, data, removed: ("edges.weight", Off2(header, "edges.weight")));
            case "extra-tensor":
            {
                h["junk"] = new JsonObject { ["dtype"] = "U8", ["shape"] = new JsonArray(2), ["data_offsets"] = new JsonArray(data.Length, data.Length + 2) };
                meta["ifm.graph"] = graph.ToJsonString();
                return Join(h, [.. data, 1, 2]);
            }

            case "duplicate-edge":
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan((int)Off("edges.pre", 0) + 4), BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan((int)Off("edges.pre", 0))));
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan((int)Off("edges.post", 0) + 4), BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan((int)Off("edges.post", 0))));
                break;
            case "neuron-count-mismatch":
                graph["neurons"] = 5;
                break;
            case "negative-tau":
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)Off("populations.out.tau", 0)), -0.01f);
                break;
            case "metadata-not-string":
                meta["author"] = 3;
                break;
            case "gap-in-data":
            {
                // Shift every tensor 4 bytes to the right: the first 4 bytes are not used by any tensor.
                foreach (var kv in h.Where(kv => kv.Key != "__metadata__").ToList())
                {
                    var o = kv.Value!["data_offsets"]!.AsArray();
                    kv.Value["data_offsets"] = new JsonArray(o[0]!.GetValue<long>() + 4, o[1]!.GetValue<long>() + 4);
                }

                meta["ifm.graph"] = graph.ToJsonString();
                return Join(h, [0, 0, 0, 0, .. data]);
            }

            case "trailing-bytes":
                meta["ifm.graph"] = graph.ToJsonString();
                return Join(h, [.. data, 9, 9, 9]);
            default:
                throw new ArgumentException(how);
        }

        meta["ifm.graph"] = graph.ToJsonString();
        return Join(h, data);
    }

    /// <summary>Decodes a file's metadata and graph JSON, lets the caller edit them, and re-encodes a consistent file.</summary>
    internal static byte[] EditMetadata(byte[] file, Action<JsonObject, JsonObject> edit)
    {
        var (header, data) = Split(file);
        var h = JsonNode.Parse(header)!.AsObject();
        var meta = h["__metadata__"]!.AsObject();
        var graph = JsonNode.Parse(meta["ifm.graph"]!.GetValue<string>())!.AsObject();
        edit(meta, graph);
        meta["ifm.graph"] = graph.ToJsonString();
        return Join(h, data);
    }

    private static (long, long) Off2(string header, string name)
    {
        var h = JsonNode.Parse(header)!;
        return (h[name]!["data_offsets"]![0]!.GetValue<long>(), h[name]!["data_offsets"]![1]!.GetValue<long>());
    }

    private static byte[] Rebuild(JsonObject h, byte[] data, (string Name, (long Begin, long End) Range) removed)
    {
        long len = removed.Range.End - removed.Range.Begin;
        foreach (var kv in h.Where(kv => kv.Key != "__metadata__").ToList())
        {
            var o = kv.Value!["data_offsets"]!.AsArray();
            long b = o[0]!.GetValue<long>(), e = o[1]!.GetValue<long>();
            if (b >= removed.Range.End) kv.Value["data_offsets"] = new JsonArray(b - len, e - len);
        }

        var rest = data[..(int)removed.Range.Begin].Concat(data[(int)removed.Range.End..]).ToArray();
        return Join(h, rest);
    }

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, n), file[(8 + n)..]);
    }

    private static byte[] Join(JsonObject header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions()));
        var result = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        data.CopyTo(result, 8 + h.Length);
        return result;
    }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ifm.Runtime.Format;
using PureHDF;

namespace Ifm.Import.Nir;

/// <summary>
/// Reads a .nir file (HDF5, layout of neuromorphs/NIR <c>nir/serialization.py</c>): a root group <c>node</c> of type
/// NIRGraph holding <c>nodes/&lt;name&gt;/</c> groups (a <c>type</c> string and parameter datasets, gzip-compressed
/// since NIR 1.0) and an <c>edges</c> dataset of (source, target) name pairs; nested graphs are NIRGraph nodes.
/// Every problem is an <see cref="IfmFormatException"/> naming the file and the HDF5 path. Reads are bounded: a
/// dataset may hold at most <see cref="MaxElements"/> elements and uncompressed data cannot claim more bytes than
/// the file has, so a lying header cannot make the reader allocate more than the limit; nesting is limited to
/// <see cref="MaxDepth"/> graphs.
/// </summary>
public static class NirFile
{
    /// <summary>Largest dataset the reader accepts (elements).</summary>
    public const long MaxElements = 1L << 24;

    /// <summary>Deepest nesting of subgraphs.</summary>
    public const int MaxDepth = 8;

    /// <summary>Most nodes in one graph.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The HDF5 scale-offset filter (id 6): refused, see <see cref="RefusedFilter"/>.</summary>
    public const ushort ScaleOffsetFilterId = 6;

    static NirFile() => PureHDF.Filters.H5Filter.Register(new RefusedFilter(ScaleOffsetFilterId, "scale-offset"));

    public static NirGraph Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string source = Path.GetFileName(path);
        long fileLength = new FileInfo(path).Length;
        CheckHeaps(path, source, fileLength);
        try
        {
            using var file = H5File.OpenRead(path);
            if (!file.LinkExists("node")) throw Error(source, "/", "no group 'node' (not a NIR file)");
            if (file.Get("node") is not IH5Group root) throw Error(source, "/node", "is not a group");
            var graph = ReadGraph(root, "/node", source, fileLength, 0);
            return graph;
        }
        catch (IfmFormatException)
        {
            throw;
        }
        catch (Exception e)
        {
            // PureHDF wraps a filter's exception ("Filter pipeline failed."): a refused filter is named as such.
            for (Exception? inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is RefusedFilterException refused)
                {
                    throw new IfmFormatException($"{source}: {refused.Message}", e);
                }
            }

            // PureHDF reports damaged structures with various exception types (an array size read from a corrupt
            // structure surfaces as OutOfMemoryException "array dimensions exceeded"); a corrupt file is bad input.
            throw new IfmFormatException($"{source}: not a readable HDF5/NIR file: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }

    /// <summary>
    /// Refuses heaps that claim more bytes than they can hold: PureHDF allocates a local heap's data segment and a
    /// global heap object before it reads them, so an 18 KB file claiming a 1.7 GB segment would allocate 1.7 GB
    /// before failing. Checked: a local heap's segment (signature <c>HEAP</c>) and a global heap collection (<c>GCOL</c>)
    /// fit in the file, and every object in a collection fits in the collection. Sizes are read as 8 bytes (h5py's
    /// size of lengths); a real heap lies inside the file, so this never refuses a readable file.
    /// </summary>
    private static void CheckHeaps(string path, string source, long fileLength)
    {
        const int Header = 16; // signature, version, 3 reserved, a size (8)
        using var f = File.OpenRead(path);
        var buffer = new byte[(1 << 16) + Header];
        int kept = 0;
        long bufferStart = 0;
        while (true)
        {
            int n = f.Read(buffer, kept, buffer.Length - kept);
            int length = kept + n;
            for (int i = 0; i + Header <= length; i++)
            {
                if (buffer[i] == FillValueMessage) CheckFillValue(buffer.AsSpan(i, Header), source, bufferStart + i);
                if (buffer[i + 1] != (byte)'E' && buffer[i + 1] != (byte)'C') continue;
                bool local = buffer.AsSpan(i, 5).SequenceEqual("HEAP\0"u8);
                if (!local && !buffer.AsSpan(i, 5).SequenceEqual("GCOL\u0001"u8)) continue;
                ulong size = BitConverter.ToUInt64(buffer, i + 8);
                long at = bufferStart + i;
                if (size > (ulong)fileLength) throw HeapError(source, local ? "local heap" : "global heap collection", at, size, fileLength);
                if (!local) CheckGlobalHeapObjects(f.SafeFileHandle, source, at, (long)size);
            }

            if (n == 0) return;
            kept = Math.Min(Header - 1, length);
            Array.Copy(buffer, length - kept, buffer, 0, kept);
            bufferStart += length - kept;
        }
    }

    private const byte FillValueMessage = 5;

    /// <summary>
    /// A fill-value message in a version-1 object header (h5py's default): type 5 (2 bytes), its size (2 bytes, a
    /// multiple of 8), flags, 3 zero bytes, then the message (version 1/2: version, allocation time, write time,
    /// defined, a 4-byte value size; version 3: version, flags, the size when flag 0x20 is set). PureHDF allocates the
    /// value's claimed size before reading it (a 17 KB file claiming 771 MB did so), so a value larger than its own
    /// message is refused first. The pattern is strict enough that a real file never matches it with a size larger
    /// than the message.
    /// </summary>
    private static void CheckFillValue(ReadOnlySpan<byte> h, string source, long at)
    {
        if (h[1] != 0 || h[5] != 0 || h[6] != 0 || h[7] != 0) return;
        int messageSize = BinaryPrimitives.ReadUInt16LittleEndian(h[2..]);
        if (messageSize == 0 || messageSize % 8 != 0) return;
        byte version = h[8];
        uint size;
        int sizeEnd;
        if (version is 1 || (version is 2 && h[11] == 1))
        {
            size = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
            sizeEnd = 8;
        }
        else if (version is 3 && (h[9] & 0x20) != 0)
        {
            size = BinaryPrimitives.ReadUInt32LittleEndian(h[10..]);
            sizeEnd = 6;
        }
        else
        {
            return;
        }

        if (size > (uint)Math.Max(0, messageSize - sizeEnd)) throw HeapError(source, "fill value", at, size, messageSize - sizeEnd);
    }

    /// <summary>Walks the objects of the global heap collection at <paramref name="at"/>: each must fit in the collection.</summary>
    private static void CheckGlobalHeapObjects(Microsoft.Win32.SafeHandles.SafeFileHandle file, string source, long at, long collectionSize)
    {
        Span<byte> header = stackalloc byte[16]; // index (2), reference count (2), reserved (4), size (8)
        for (long offset = 16; offset + 16 <= collectionSize; )
        {
            if (RandomAccess.Read(file, header, at + offset) < 16) return;
            if (BitConverter.ToUInt16(header) == 0) return; // the free space: the last object
            ulong size = BitConverter.ToUInt64(header[8..]);
            if (size > (ulong)(collectionSize - offset - 16)) throw HeapError(source, "global heap object", at + offset, size, collectionSize);
            offset += 16 + (((long)size + 7) & ~7L);
        }
    }

    private static IfmFormatException HeapError(string source, string what, long at, ulong size, long limit) =>
        Error(source, "/", string.Create(CultureInfo.InvariantCulture, $"{what} at byte {at} claims {size} bytes, more than the {limit} it can hold"));

    /// <summary>NIR version written into exported files (the layout of nir/serialization.py in NIR 1.0).</summary>
    public const string Version = "1.0.0";

    /// <summary>
    /// Writes <paramref name="graph"/> as a .nir file: a <c>version</c> string, the root group <c>node</c> (type NIRGraph)
    /// with <c>nodes/&lt;name&gt;/</c> groups (a <c>type</c> string, float32 parameter datasets of their shapes,
    /// <c>shape</c> as int64 for Input and Output) and <c>edges</c>, an [edges, 2] dataset of strings (all strings
    /// fixed-length UTF-8, null-terminated); nested graphs as nested NIRGraph groups. Datasets are stored contiguous (uncompressed): NIR readers accept both.
    /// The file is written next to its destination and renamed into place, so a failed export leaves no torn file.
    /// </summary>
    public static void Write(NirGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(path);
        KeepInt64MarshallingData();
        var file = new H5File { ["version"] = Version, ["node"] = ToGroup(graph) };
        using var buffer = new MemoryStream();

        // Fixed-length strings, one width for the file (the longest string and its null terminator): PureHDF encodes
        // them without reflection, whereas its variable-length string encoder needs marshalling data for byte that
        // NativeAOT lacks. h5py reads them as bytes, as it does variable-length ones, and nir.read decodes both.
        file.Write(buffer, new H5WriteOptions(DefaultStringLength: StringWidth(graph)));
        AtomicFile.WriteAllBytes(path, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// PureHDF sizes an integer dataset's type with <c>Marshal.SizeOf(Type)</c>, which NativeAOT answers only for
    /// types whose marshalling data the compiler kept, and it keeps it for the types a program sizes statically. This
    /// asks for int64's (the <c>shape</c> and update-order datasets) before <see cref="Write"/> needs it at run time.
    /// </summary>
    private static void KeepInt64MarshallingData()
    {
        if (Marshal.SizeOf<long>() != sizeof(long)) throw new InvalidOperationException("int64 has an unexpected marshalled size");
    }

    /// <summary>Bytes of the longest string <see cref="Write"/> stores (version, types, edge names) plus a terminator.</summary>
    private static int StringWidth(NirGraph graph)
    {
        int Longest(NirGraph g) => g.Nodes
            .Select(n => Math.Max(Encoding.UTF8.GetByteCount(n.Type), n.Subgraph is { } sub ? Longest(sub) : 0))
            .Concat(g.Edges.Select(e => Math.Max(Encoding.UTF8.GetByteCount(e.Source), Encoding.UTF8.GetByteCount(e.Target))))
            .DefaultIfEmpty(0)
            .Max();

        return Math.Max(Math.Max(Encoding.UTF8.GetByteCount(Version), Encoding.UTF8.GetByteCount("NIRGraph")), Longest(graph)) + 1;
    }

    private static H5Group ToGroup(NirGraph graph)
    {
        var nodes = new H5Group();
        foreach (var n in graph.Nodes)
        {
            if (n.Subgraph is { } sub)
            {
                nodes[n.Name] = ToGroup(sub);
                continue;
            }

            var g = new H5Group { ["type"] = n.Type };
            foreach (var (name, a) in n.Parameters)
            {
                var dims = a.Shape.Select(x => (ulong)x).ToArray();
                g[name] = name == "shape"
                    ? new H5Dataset(a.Values.Select(v => (long)v).ToArray(), fileDims: dims)
                    : new H5Dataset(a.Values, fileDims: dims);
            }

            if (n.UpdateOrder is { } order) g["metadata"] = new H5Group { [NirExporter.UpdateOrderKey] = new H5Dataset(new[] { order }, fileDims: [1]) };
            nodes[n.Name] = g;
        }

        var edges = new string[graph.Edges.Count * 2];
        for (int i = 0; i < graph.Edges.Count; i++) (edges[2 * i], edges[2 * i + 1]) = graph.Edges[i];
        return new H5Group
        {
            ["type"] = "NIRGraph",
            ["nodes"] = nodes,
            ["edges"] = new H5Dataset(edges, fileDims: [(ulong)graph.Edges.Count, 2]),
        };
    }

    private static NirGraph ReadGraph(IH5Group g, string where, string source, long fileLength, int depth)
    {
        if (depth > MaxDepth) throw Error(source, where, $"subgraphs nested deeper than {MaxDepth}");
        string type = ReadType(g, where, source, fileLength);
        if (type != "NIRGraph") throw Error(source, where, $"type is '{type}', expected NIRGraph");
        if (!g.LinkExists("nodes") || g.Get("nodes") is not IH5Group nodesGroup) throw Error(source, where, "graph has no group 'nodes'");
        var nodes = new List<NirNode>();
        foreach (var child in nodesGroup.Children())
        {
            if (nodes.Count >= MaxNodes) throw Error(source, where + "/nodes", $"more than {MaxNodes} nodes");
            string path = $"{where}/nodes/{child.Name}";
            if (child is not IH5Group ng) throw Error(source, path, "is not a group");
            string nodeType = ReadType(ng, path, source, fileLength);
            if (nodeType == "NIRGraph")
            {
                nodes.Add(new NirNode(child.Name, nodeType, new Dictionary<string, NirArray>(), ReadGraph(ng, path, source, fileLength, depth + 1)));
                continue;
            }

            var parameters = new Dictionary<string, NirArray>(StringComparer.Ordinal);
            foreach (var p in ng.Children())
            {
                if (p.Name is "type" or "metadata") continue;
                if (p is not IH5Dataset d) continue;
                parameters[p.Name] = ReadNumeric(d, $"{path}/{p.Name}", source, fileLength);
            }

            nodes.Add(new NirNode(child.Name, nodeType, parameters, null) { UpdateOrder = ReadUpdateOrder(ng, path, source, fileLength) });
        }

        var edges = new List<(string, string)>();
        if (g.LinkExists("edges"))
        {
            if (g.Get("edges") is not IH5Dataset ed) throw Error(source, where + "/edges", "is not a dataset");
            var dims = CheckedDims(ed, where + "/edges", source, fileLength, 16);
            if (dims.Length == 1 && dims[0] == 0)
            {
                // an empty edge list
            }
            else if (dims.Length != 2 || dims[1] != 2)
            {
                throw Error(source, where + "/edges", $"shape [{string.Join(", ", dims)}], expected [edges, 2]");
            }
            else
            {
                var names = ReadStrings(ed, where + "/edges", source);
                for (int i = 0; i + 1 < names.Length; i += 2) edges.Add((names[i], names[i + 1]));
            }
        }

        return new NirGraph(nodes, edges);
    }

    /// <summary>The node's <c>metadata/ifm_update_order</c> (see <see cref="NirExporter"/>), or null when absent.</summary>
    private static long? ReadUpdateOrder(IH5Group node, string where, string source, long fileLength)
    {
        if (!node.LinkExists("metadata") || node.Get("metadata") is not IH5Group meta) return null;
        if (!meta.LinkExists(NirExporter.UpdateOrderKey) || meta.Get(NirExporter.UpdateOrderKey) is not IH5Dataset d) return null;
        string at = $"{where}/metadata/{NirExporter.UpdateOrderKey}";
        var a = ReadNumeric(d, at, source, fileLength);
        if (a.Count != 1 || !(a.Values[0] >= 0 && a.Values[0] <= MaxNodes * 2)) throw Error(source, at, "is not one update position");
        return (long)a.Values[0];
    }

    private static string ReadType(IH5Group g, string where, string source, long fileLength)
    {
        if (!g.LinkExists("type") || g.Get("type") is not IH5Dataset t) throw Error(source, where, "has no 'type' string");
        CheckedDims(t, where + "/type", source, fileLength, 16);
        var s = ReadStrings(t, where + "/type", source);
        if (s.Length != 1) throw Error(source, where + "/type", "is not a single string");
        return s[0];
    }

    private static string[] ReadStrings(IH5Dataset d, string where, string source)
    {
        var c = d.Type.Class;
        if (c is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength)) throw Error(source, where, $"holds {c} values, expected strings");
        var s = d.Read<string[]>();
        foreach (var x in s)
        {
            if (x is null || x.Length > 4096) throw Error(source, where, "holds a missing or over-long string");
        }

        return s;
    }

    private static NirArray ReadNumeric(IH5Dataset d, string where, string source, long fileLength)
    {
        var c = d.Type.Class;
        int size = (int)d.Type.Size;
        var dims = CheckedDims(d, where, source, fileLength, size);
        var shape = dims.Select(x => (long)x).ToArray();
        float[] values = c switch
        {
            H5DataTypeClass.FloatingPoint when size == 4 => d.Read<float[]>(),
            H5DataTypeClass.FloatingPoint when size == 8 => [.. d.Read<double[]>().Select(v => (float)v)],
            H5DataTypeClass.FixedPoint when size == 8 => [.. d.Read<long[]>().Select(v => (float)v)],
            H5DataTypeClass.FixedPoint when size == 4 => [.. d.Read<int[]>().Select(v => (float)v)],
            _ => throw Error(source, where, $"holds {c} values of {size} bytes, expected float32/float64/int32/int64"),
        };
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (values.Length != expected) throw Error(source, where, $"read {values.Length} values for shape [{string.Join(", ", shape)}]");
        return new NirArray(values, shape);
    }

    /// <summary>The dataset's dimensions, refused when they claim more than the limits allow.</summary>
    private static ulong[] CheckedDims(IH5Dataset d, string where, string source, long fileLength, int elementSize)
    {
        var dims = d.Space.Dimensions;
        if (dims.Length > 8) throw Error(source, where, $"{dims.Length} dimensions");
        double product = 1;
        foreach (var x in dims) product *= x;
        if (product > MaxElements) throw Error(source, where, string.Create(CultureInfo.InvariantCulture, $"claims {product:G6} elements (limit {MaxElements})"));
        bool compressed = d.Layout.Class == H5DataLayoutClass.Chunked;
        if (!compressed && product * elementSize > fileLength) throw Error(source, where, string.Create(CultureInfo.InvariantCulture, $"claims {product * elementSize:G6} bytes, the file has {fileLength}"));
        return dims;
    }

    private static IfmFormatException Error(string source, string where, string what) => new($"{source}: {where}: {what}");
}

/// <summary>
/// Stands in for an HDF5 filter that <c>ifm import</c> does not read: PureHDF's scale-offset filter compiles an
/// expression tree, and the NativeAOT binary leaves it out to save about 0.5 MB (runtime/Ifm.Import/PureHDF.substitutions.xml).
/// Registered in place of PureHDF's own so a dataset stored with it is refused the same way with and without
/// NativeAOT, naming the filter. The NIR libraries write gzip (or no filter); h5py writes scale-offset only when asked.
/// </summary>
internal sealed class RefusedFilter(ushort id, string name) : PureHDF.Filters.IH5Filter
{
    public ushort FilterId => id;

    public string Name => name;

    public Memory<byte> Filter(PureHDF.Filters.FilterInfo info) =>
        throw new RefusedFilterException($"a dataset is stored with the HDF5 {name} filter (id {id}), which ifm import does not read; write it without that filter (h5py: no {name.Replace("-", "", StringComparison.Ordinal)}= argument)");

    public uint[] GetParameters(uint[] chunkDimensions, uint typeSize, Dictionary<string, object>? options) =>
        throw new NotSupportedException($"ifm import does not write HDF5 ({name})");
}

/// <summary>Thrown through PureHDF by <see cref="RefusedFilter"/>; <see cref="NirFile.Read"/> names the file.</summary>
internal sealed class RefusedFilterException(string message) : Exception(message);

using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ifm.Runtime.Data;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;
using Ifm.Runtime.Model;
using Ifm.Runtime.Persistence;

namespace Ifm.Runtime.Tests;

/// <summary>
/// Hostile inputs: parameters that make the state diverge, non-finite states, files that lie about their size or
/// have none (pipes, devices), malformed metadata. Each case names the file and the problem.
/// </summary>
public sealed class ReliabilityTests
{
    private static IfmModel Leaky(float tau, float selfWeight = 0.5f, float dt = 0.001f)
    {
        var b = new ModelBuilder { Name = "leaky", Dt = dt };
        int i = b.AddPopulation("in", NeuronKind.Leaky, NeuronRole.Input, 1, NeuronParameters.ForLeaky([0.002f], Activation.Identity));
        int o = b.AddPopulation("out", NeuronKind.Leaky, NeuronRole.Output, 1, NeuronParameters.ForLeaky([tau], Activation.Identity));
        b.AddEdge(i, o, 1f);
        b.AddEdge(o, o, selfWeight);
        return b.Build();
    }

    [Theory]
    [InlineData(1e-45f)]
    [InlineData(0.0004f)]
    public void A_time_constant_shorter_than_half_a_tick_is_refused(float tau)
    {
        var e = Assert.Throws<ModelValidationException>(() => Leaky(tau));
        Assert.Contains("'tau' of neuron 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("dt/2", e.Message, StringComparison.Ordinal);
        Leaky(0.0005f); // exactly half a tick: the Euler step is still bounded
    }

    [Fact]
    public void Weights_and_biases_beyond_any_meaningful_magnitude_are_refused()
    {
        Assert.Contains("beyond", Assert.Throws<ModelValidationException>(() => Leaky(0.01f, selfWeight: 3e38f)).Message, StringComparison.Ordinal);
        var b = new ModelBuilder { Name = "bias" };
        b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        int o = b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1);
        b.SetBias(o, -3e38f);
        Assert.Contains("bias of neuron 1", Assert.Throws<ModelValidationException>(b.Build).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tick_of_a_picosecond_is_refused()
    {
        Assert.Contains("dt must be between", Assert.Throws<ModelValidationException>(() => Leaky(0.01f, dt: 1e-12f)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_given_twice_in_the_graph_JSON_is_refused()
    {
        byte[] file = EditGraphText(IfmFile.ToBytes(Leaky(0.01f)), g => g.Replace("\"name\":\"leaky\"", "\"name\":\"leaky\",\"name\":\"other\"", StringComparison.Ordinal));
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(file, "dup.ifm"));
        Assert.StartsWith("dup.ifm: graph: field 'name' appears twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_metadata_in_the_reserved_namespace_is_refused_not_dropped()
    {
        byte[] file = EditGraphText(IfmFile.ToBytes(Leaky(0.01f)), g => g, meta => meta["ifm.units"] = "volts");
        var e = Assert.Throws<IfmFormatException>(() => IfmFile.Read(file, "meta.ifm"));
        Assert.StartsWith("meta.ifm: metadata 'ifm.units': unknown key", e.Message, StringComparison.Ordinal);
        byte[] user = EditGraphText(IfmFile.ToBytes(Leaky(0.01f)), g => g, meta => meta["author"] = "me");
        Assert.Equal("me", IfmFile.Read(user, "user.ifm").ExtraMetadata["author"]);
    }

    [Fact]
    public void A_NaN_state_is_never_written_to_a_checkpoint()
    {
        string dir = TempDir();
        string path = Path.Combine(dir, "state.ckpt");
        using var session = new CpuSession(TestModels.PlasticNetwork());
        session.Step(3);
        Checkpoint.Save(session, path);
        byte[] good = File.ReadAllBytes(path);
        var state = session.Snapshot();
        state.Floats["state"][1] = float.NaN;
        session.Restore(state);
        var e = Assert.Throws<CheckpointException>(() => Checkpoint.Save(session, path));
        Assert.Contains("array 'state' element 1 is NaN", e.Message, StringComparison.Ordinal);
        Assert.Equal(good, File.ReadAllBytes(path)); // the previous checkpoint is kept
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void A_checkpoint_holding_an_infinite_value_is_refused_on_load()
    {
        var e = RefusedCheckpoint("inf.ckpt", real => { real.Floats["weight"][0] = float.PositiveInfinity; return real; }, out string path);
        Assert.Contains("array 'weight' element 0 is +infinity", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_with_a_short_model_id_gets_a_message_not_an_index_error()
    {
        var e = RefusedCheckpoint("short.ckpt", real =>
        {
            var state = new SessionState("abc", real.Tick);
            foreach (var kv in real.Floats) state.Floats[kv.Key] = kv.Value;
            foreach (var kv in real.Ints) state.Ints[kv.Key] = kv.Value;
            return state;
        }, out string path);
        Assert.Equal($"{path}: checkpoint.model_id is not a model id (64 lower-case hex digits): 'abc'", e.Message);
    }

    /// <summary>
    /// Writes a plastic network's snapshot, changed by <paramref name="spoil"/>, as a checkpoint with a valid CRC (only
    /// the content is wrong) and returns the refusal of loading it.
    /// </summary>
    private static CheckpointException RefusedCheckpoint(string file, Func<SessionState, SessionState> spoil, out string path)
    {
        string at = Path.Combine(TempDir(), file);
        var model = TestModels.PlasticNetwork();
        using var session = new CpuSession(model);
        File.WriteAllBytes(at, Checkpoint.Encode(spoil(session.Snapshot()), model.Name));
        path = at;
        return Assert.Throws<CheckpointException>(() => Checkpoint.Load(session, at));
    }

    /// <summary>A reader that counts what it hands out: a line-less input must be refused after about one line's worth.</summary>
    private sealed class EndlessReader(char fill, long length) : TextReader
    {
        public long Consumed { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            int n = (int)Math.Min(count, length - Consumed);
            buffer.AsSpan(index, n).Fill(fill);
            Consumed += n;
            return n;
        }

        public override int Read() => Consumed++ < length ? fill : -1;
    }

    [Fact]
    public void A_tick_file_without_line_breaks_is_refused_after_one_line_not_at_its_end()
    {
        var reader = new EndlessReader('1', 64L << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => TickTable.Read(reader, "flat.txt"));
        Assert.StartsWith("flat.txt:1: line is longer than", e.Message, StringComparison.Ordinal);
        Assert.True(reader.Consumed <= TickTable.MaxLineLength + (64 << 10), $"read {reader.Consumed:N0} characters before refusing");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 32L << 20, "the refusal cost more than 32 MB");
    }

    [Fact]
    public void Tick_files_keep_their_line_endings_and_numbers()
    {
        var t = TickTable.Read(new StringReader("1,2\r\n3,4\r5,6\n\n7,8"), "ends.txt");
        Assert.Equal(4, t.Rows);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], t.Values);
    }

    [Fact]
    public async Task A_model_is_read_from_a_pipe_and_a_device_is_refused_at_the_limit()
    {
        string fifo = Path.Combine(TempDir(), "model.fifo");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        byte[] bytes = IfmFile.ToBytes(Leaky(0.01f));
        var writer = Task.Run(() => File.WriteAllBytes(fifo, bytes));
        var m = IfmFile.Read(fifo);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("leaky", m.Name);

        var e = Assert.Throws<IOException>(() => BoundedFile.ReadAllBytes("/dev/zero", 1 << 20));
        Assert.StartsWith("/dev/zero: longer than the limit of 1,048,576 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_is_named_as_one()
    {
        string dir = TempDir();
        Assert.Equal($"{dir}: is a directory, not a file", Assert.Throws<IfmFormatException>(() => IfmFile.Read(dir)).Message);
        Assert.Equal($"{dir}: is a directory, not a tick file", Assert.Throws<DataFormatException>(() => TickTable.Read(dir)).Message);
    }

    [Fact]
    public void The_dense_layout_checks_its_memory_need_before_allocating()
    {
        var b = new ModelBuilder { Name = "wide" };
        b.AddPopulation("in", NeuronKind.Ifm, NeuronRole.Input, 1);
        b.AddPopulation("hidden", NeuronKind.Ifm, NeuronRole.Hidden, 29_998);
        b.AddPopulation("out", NeuronKind.Ifm, NeuronRole.Output, 1);
        b.AddEdge(0, 29_999, 1f);
        var model = b.Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<Ifm.Core.IfmException>(() => new CpuSession(model, new SessionOptions { Layout = SynapseLayout.Dense, DenseMemoryBudget = 1L << 30 }));
        Assert.Equal(Ifm.Core.IfmErrorCode.OutOfMemory, e.Code);
        Assert.StartsWith("dense layout: 30,000 neurons need 3.6 GB", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20);
        using var sparse = new CpuSession(model, new SessionOptions { Layout = SynapseLayout.Sparse });
        sparse.Step(1);
    }

    internal static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ifm-reliability-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Rewrites a model file's graph JSON as text (so that it may hold what a JSON object model cannot, e.g. a key twice).</summary>
    internal static byte[] EditGraphText(byte[] file, Func<string, string> edit, Action<JsonObject>? metadata = null)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(file, 8, n))!.AsObject();
        var meta = header["__metadata__"]!.AsObject();
        meta["ifm.graph"] = edit(meta["ifm.graph"]!.GetValue<string>());
        metadata?.Invoke(meta);
        byte[] h = Encoding.UTF8.GetBytes(header.ToJsonString());
        byte[] data = file[(8 + n)..];
        var result = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        data.CopyTo(result, 8 + h.Length);
        return result;
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Ifm.Devices.Mapping;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Recording;

/// <summary>How a <see cref="RunRecorder"/> is bounded.</summary>
public sealed record RecorderOptions
{
    /// <summary>Records the ring holds between the loop and the writer thread (default: about 2 s of periods, 1024..65536).</summary>
    public int? RingRecords { get; init; }

    /// <summary>
    /// Largest file size in bytes (0: unbounded). When the next record would pass it, the file is closed, renamed to
    /// <c>name.1.ifmrec</c> (replacing an older one) and a new file is started: at most twice this on disk.
    /// </summary>
    public long MaxFileBytes { get; init; } = 256L << 20;

    /// <summary>
    /// Per-neuron capture (spikes or every neuron's output); needs the CPU backend's neuron outputs. Null: spikes for a
    /// model with spiking (LIF) neurons on the CPU backend, otherwise none.
    /// </summary>
    public NeuronCapture? Neurons { get; init; }
}

/// <summary>
/// Records one fixed-size record per period (<see cref="RecordingLayout"/>) into a preallocated ring on the loop
/// thread, without allocating or blocking; a writer thread drains the ring to the file. When the writer falls behind
/// and the ring is full, records are dropped and counted (<see cref="Dropped"/>, also in the file's prefix).
/// </summary>
/// <remarks>Single producer (the loop thread), single consumer (the writer thread); <see cref="Dispose"/> drains what
/// is left, then patches the prefix with the record and drop counts.</remarks>
public sealed class RunRecorder : IDisposable
{
    private readonly RecordingLayout _layout;
    private readonly byte[] _ring;
    private readonly int _capacity;
    private readonly int _recordBytes;
    private readonly float[] _actuators;
    private readonly CpuSession? _neurons;
    private readonly RecordField _fInputs, _fOutputs, _fActuators;
    private readonly RecordField? _fNeurons;
    private readonly long _maxFileBytes;
    private readonly Thread _writer;
    private readonly byte[] _json;
    private long _head, _tail, _dropped, _written, _fileRecords;
    private volatile bool _stopping;
    private FileStream _file;
    private bool _disposed;
    private Exception? _writerError;

    public RunRecorder(string path, RecordingMetadata meta, RecorderOptions options, INetworkSession? session = null)
        : this(path, meta, options, session, startWriter: true)
    {
    }

    internal RunRecorder(string path, RecordingMetadata meta, RecorderOptions options, INetworkSession? session, bool startWriter)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        NeuronCapture capture = options.Neurons
            ?? (session is CpuSession cpu && cpu.Model.Populations.Any(p => p.Kind == Ifm.Runtime.Model.NeuronKind.Lif) ? NeuronCapture.Spikes : NeuronCapture.None);
        if (capture != NeuronCapture.None)
        {
            _neurons = session as CpuSession ?? throw new ArgumentException(
                $"recording neuron {capture.ToString().ToLowerInvariant()} needs the cpu backend (this backend does not expose every neuron's output); use --record-neurons none");
            meta = meta with { NeuronCount = _neurons.Model.NeuronCount };
        }

        meta = meta with { Neurons = capture };
        _layout = new RecordingLayout(meta);
        _recordBytes = _layout.RecordBytes;
        int defaultRing = (int)Math.Clamp(meta.RateHz * 2, 1024, 65536);
        _capacity = Math.Max(2, options.RingRecords ?? (int)Math.Min(defaultRing, Math.Max(64, (64L << 20) / _recordBytes)));
        _ring = new byte[(long)_capacity * _recordBytes];
        _actuators = new float[meta.ActuatorNames.Count];
        _fInputs = _layout.Field("inputs");
        _fOutputs = _layout.Field("outputs");
        _fActuators = _layout.Field("actuators");
        _fNeurons = capture switch
        {
            NeuronCapture.Spikes => _layout.Field("spikes"),
            NeuronCapture.Outputs => _layout.Field("neurons"),
            _ => null,
        };
        _json = _layout.HeaderJson();
        if (options.MaxFileBytes < 0) throw new ArgumentException("the recording size limit must be >= 0");
        _maxFileBytes = options.MaxFileBytes == 0 ? long.MaxValue : Math.Max(options.MaxFileBytes, RecordingLayout.PrefixBytes + _json.Length + _recordBytes);
        Path = System.IO.Path.GetFullPath(path);
        _file = OpenFile();
        _writer = new Thread(WriterLoop) { Name = "ifm-recorder", IsBackground = true };
        if (startWriter) _writer.Start();
    }

    public string Path { get; }

    public RecordingLayout Layout => _layout;

    /// <summary>Records the ring holds.</summary>
    public int RingCapacity => _capacity;

    /// <summary>Records in the ring not yet written.</summary>
    public long Pending => Volatile.Read(ref _head) - Volatile.Read(ref _tail);

    /// <summary>Records dropped because the ring was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Records written to disk so far (all files).</summary>
    public long Written => Volatile.Read(ref _written);

    /// <summary>Files closed and renamed because of <see cref="RecorderOptions.MaxFileBytes"/>.</summary>
    public int Rotations { get; private set; }

    /// <summary>
    /// Records one period from the control loop (loop thread; allocation-free, never blocks). Actuator commands come
    /// from <paramref name="devices"/>, neuron outputs from the session given at construction.
    /// </summary>
    public void CapturePeriod(long period, long timeNs, long computeNs, long latenessNs, float learningSignal, float meanAbsDw,
        ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs, DeviceSet? devices)
    {
        if (devices is not null && _actuators.Length > 0) devices.CopyActuatorCommands(_actuators);
        Capture(period, timeNs, computeNs, latenessNs, learningSignal, meanAbsDw, inputs, outputs, _actuators);
    }

    /// <summary>Records one period (one thread at a time; allocation-free, never blocks).</summary>
    public void Capture(long period, long timeNs, long computeNs, long latenessNs, float learningSignal, float meanAbsDw,
        ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs, ReadOnlySpan<float> actuators)
    {
        long h = _head;
        if (h - Volatile.Read(ref _tail) >= _capacity)
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return;
        }

        Span<byte> r = _ring.AsSpan((int)(h % _capacity) * _recordBytes, _recordBytes);
        BinaryPrimitives.WriteInt64LittleEndian(r, period);
        BinaryPrimitives.WriteInt64LittleEndian(r[8..], timeNs);
        BinaryPrimitives.WriteInt64LittleEndian(r[16..], computeNs);
        BinaryPrimitives.WriteInt64LittleEndian(r[24..], latenessNs);
        BinaryPrimitives.WriteSingleLittleEndian(r[32..], learningSignal);
        BinaryPrimitives.WriteSingleLittleEndian(r[36..], meanAbsDw);
        CopyFloats(inputs, r, _fInputs);
        CopyFloats(outputs, r, _fOutputs);
        CopyFloats(actuators, r, _fActuators);
        if (_fNeurons is { } fn && _neurons is not null)
        {
            ReadOnlySpan<float> y = _neurons.NeuronOutputs;
            if (fn.Type == "u1")
            {
                Span<byte> bits = r.Slice(fn.Offset, fn.Count);
                bits.Clear();
                for (int i = 0; i < y.Length; i++)
                {
                    if (y[i] >= 0.5f) bits[i >> 3] |= (byte)(1 << (i & 7));
                }
            }
            else
            {
                CopyFloats(y, r, fn);
            }
        }

        Volatile.Write(ref _head, h + 1);
    }

    private static void CopyFloats(ReadOnlySpan<float> values, Span<byte> record, RecordField f)
    {
        Span<byte> dst = record.Slice(f.Offset, f.Bytes);
        int n = Math.Min(values.Length, f.Count);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values[..n]).CopyTo(dst);
        }
        else
        {
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(i * 4)..], values[i]);
        }

        dst[(n * 4)..].Clear();
    }

    internal void StartWriter() => _writer.Start();

    private FileStream OpenFile()
    {
        var fs = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        fs.Write(RecordingLayout.Prefix(_json.Length, _recordBytes, -1, -1));
        fs.Write(_json);
        _fileRecords = 0;
        return fs;
    }

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                long h = Volatile.Read(ref _head);
                long t = _tail;
                if (h == t)
                {
                    if (_stopping && Volatile.Read(ref _head) == t) return;
                    Thread.Sleep(5);
                    continue;
                }

                int start = (int)(t % _capacity);
                int n = (int)Math.Min(h - t, _capacity - start);
                long room = (_maxFileBytes - _file.Position) / _recordBytes;
                if (room <= 0)
                {
                    Rotate();
                    continue;
                }

                n = (int)Math.Min(n, room);
                _file.Write(_ring, start * _recordBytes, n * _recordBytes);
                _fileRecords += n;
                Volatile.Write(ref _written, _written + n);
                Volatile.Write(ref _tail, t + n);
                if (h - t - n == 0) _file.Flush();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk stops the recording, never the loop: the ring fills and further records are dropped.
            _writerError = e;
        }
    }

    private void Rotate()
    {
        Finish(_file);
        string older = System.IO.Path.ChangeExtension(Path, null) + ".1" + System.IO.Path.GetExtension(Path);
        File.Move(Path, older, overwrite: true);
        Rotations++;
        _file = OpenFile();
    }

    private void Finish(FileStream fs)
    {
        fs.Flush();
        fs.Position = 0;
        fs.Write(RecordingLayout.Prefix(_json.Length, _recordBytes, _fileRecords, Dropped));
        fs.Dispose();
    }

    /// <summary>The writer's I/O failure, if it stopped early.</summary>
    public Exception? WriterError => _writerError;

    /// <summary>Drains the ring, writes the counts into the prefix and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        if (_writer.IsAlive)
        {
            _writer.Join();
        }
        else if ((_writer.ThreadState & ThreadState.Unstarted) != 0)
        {
            _writer.Start();
            _writer.Join();
        }

        try
        {
            Finish(_file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            _writerError ??= e;
        }
    }
}

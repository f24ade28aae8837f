using Ifm.Devices.Mapping;
using Ifm.Runtime.Engine;

namespace Ifm.Control.Dashboard;

/// <summary>
/// The last period as the loop left it, for the dashboard: the loop thread publishes into preallocated arrays under a
/// sequence lock (no allocation, no lock, no wait); readers on other threads copy and retry when a publish overlapped.
/// Requests from the dashboard (freeze/unfreeze learning, save a checkpoint) are flags the loop applies between periods.
/// </summary>
public sealed class LiveSnapshot
{
    /// <summary>Neurons whose spikes are published (the first ones); larger models show a slice.</summary>
    public const int MaxNeurons = 1024;

    private readonly float[] _inputs, _outputs, _actuators;
    private readonly byte[] _spikes;
    private readonly CpuSession? _cpu;
    private long _seq, _period, _computeNs, _checkpointsRequested, _checkpointsSaved;
    private int _freezeRequest; // 0 none, 1 freeze, 2 unfreeze
    private int _checkpointRequest;
    private volatile bool _learningEnabled;

    public LiveSnapshot(int inputs, int outputs, int actuators, INetworkSession? session)
    {
        _inputs = new float[inputs];
        _outputs = new float[outputs];
        _actuators = new float[actuators];
        _cpu = session as CpuSession;
        NeuronCount = _cpu is null ? 0 : Math.Min(MaxNeurons, _cpu.Model.NeuronCount);
        _spikes = new byte[NeuronCount];
        _learningEnabled = session?.Plasticity.Enabled ?? false;
    }

    public int NeuronCount { get; }

    public bool LearningEnabled => _learningEnabled;

    public long CheckpointsSaved => Volatile.Read(ref _checkpointsSaved);

    /// <summary>Loop thread: applies pending requests to the session; returns true when a checkpoint is due now.</summary>
    public bool ApplyRequests(INetworkSession session)
    {
        int f = Interlocked.Exchange(ref _freezeRequest, 0);
        if (f != 0) session.Plasticity.Enabled = f == 2;
        _learningEnabled = session.Plasticity.Enabled;
        return Interlocked.Exchange(ref _checkpointRequest, 0) != 0;
    }

    /// <summary>Loop thread: a checkpoint asked for by the dashboard was handed to the writer.</summary>
    public void CheckpointOffered() => Volatile.Write(ref _checkpointsSaved, _checkpointsSaved + 1);

    /// <summary>Loop thread: publishes one period (allocation-free).</summary>
    public void Publish(long period, long computeNs, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputs, DeviceSet? devices)
    {
        Volatile.Write(ref _seq, _seq + 1); // odd: writing
        _period = period;
        _computeNs = computeNs;
        inputs[.._inputs.Length].CopyTo(_inputs);
        outputs[.._outputs.Length].CopyTo(_outputs);
        if (devices is not null && _actuators.Length > 0) devices.CopyActuatorCommands(_actuators);
        if (_cpu is not null)
        {
            ReadOnlySpan<float> y = _cpu.NeuronOutputs;
            for (int i = 0; i < _spikes.Length; i++) _spikes[i] = y[i] >= 0.5f ? (byte)1 : (byte)0;
        }

        Volatile.Write(ref _seq, _seq + 1); // even: consistent
    }

    /// <summary>Any thread: a consistent copy of the last published period (false when none yet).</summary>
    public bool TryRead(LiveFrame into)
    {
        ArgumentNullException.ThrowIfNull(into);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            long s1 = Volatile.Read(ref _seq);
            if (s1 == 0) return false;
            if ((s1 & 1) != 0) { Thread.SpinWait(20); continue; }
            into.Period = _period;
            into.ComputeNs = _computeNs;
            into.Inputs = Copy(_inputs, into.Inputs);
            into.Outputs = Copy(_outputs, into.Outputs);
            into.Actuators = Copy(_actuators, into.Actuators);
            into.Spikes = _spikes.Length == into.Spikes.Length ? into.Spikes : new byte[_spikes.Length];
            _spikes.CopyTo(into.Spikes, 0);
            if (Volatile.Read(ref _seq) == s1) return true;
        }

        return false;
    }

    private static float[] Copy(float[] src, float[] dst)
    {
        if (dst.Length != src.Length) dst = new float[src.Length];
        src.CopyTo(dst, 0);
        return dst;
    }

    public void RequestLearning(bool enabled) => Volatile.Write(ref _freezeRequest, enabled ? 2 : 1);

    public void RequestCheckpoint()
    {
        Interlocked.Increment(ref _checkpointsRequested);
        Volatile.Write(ref _checkpointRequest, 1);
    }
}

/// <summary>A reader's copy of a <see cref="LiveSnapshot"/>.</summary>
public sealed class LiveFrame
{
    public long Period { get; set; }
    public long ComputeNs { get; set; }
    public float[] Inputs { get; set; } = [];
    public float[] Outputs { get; set; } = [];
    public float[] Actuators { get; set; } = [];
    public byte[] Spikes { get; set; } = [];
}

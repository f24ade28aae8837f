namespace Ifm.Devices.Catalog;

/// <summary>
/// A catalog sensor whose binding blocks or allocates on its read path: a background thread samples it at the
/// device's rate into a latest-value slot, and <see cref="Read"/> copies the newest sample (never blocks, allocates
/// nothing; returns false when no new sample arrived since the last read, which the loop counts as a stale read).
/// An <see cref="IOException"/> or <see cref="TimeoutException"/> while sampling loses that sample and is counted in
/// <see cref="BusErrors"/>.
/// </summary>
public abstract class BackgroundSensor : ISensor
{
    private readonly float[] _latest, _sample;
    private readonly Lock _gate = new();
    private Thread? _thread;
    private int _periodMs;
    private volatile bool _stop;
    private long _sequence, _seen, _busErrors;

    protected BackgroundSensor(string name, int channels)
    {
        Name = name;
        ChannelCount = channels;
        _latest = new float[channels];
        _sample = new float[channels];
    }

    public string Name { get; }
    public int ChannelCount { get; }

    /// <summary>Samples lost to a bus error or a timeout.</summary>
    public long BusErrors => Interlocked.Read(ref _busErrors);

    /// <summary>Completed samples.</summary>
    public long Samples => Interlocked.Read(ref _sequence);

    /// <summary>Starts the sampling thread (call at the end of the derived constructor).</summary>
    protected void Start(double periodSeconds)
    {
        _periodMs = Math.Max(1, (int)(periodSeconds * 1000));
        _thread = new Thread(Run) { IsBackground = true, Name = $"ifm-{Name}" };
        _thread.Start();
    }

    /// <summary>Reads the part into <paramref name="destination"/> (on the sampling thread).</summary>
    protected abstract void Sample(Span<float> destination);

    public bool Read(Span<float> destination)
    {
        lock (_gate)
        {
            if (_sequence == _seen)
            {
                return false;
            }

            _seen = _sequence;
            _latest.CopyTo(destination);
        }

        return true;
    }

    public void Dispose()
    {
        _stop = true;
        _thread?.Join(TimeSpan.FromSeconds(2));
        GC.SuppressFinalize(this);
    }

    private void Run()
    {
        while (!_stop)
        {
            try
            {
                Sample(_sample);
                lock (_gate)
                {
                    _sample.CopyTo(_latest);
                    _sequence++;
                }
            }
            catch (Exception e) when (e is IOException or TimeoutException)
            {
                Interlocked.Increment(ref _busErrors);
            }

            Thread.Sleep(_periodMs);
        }
    }
}

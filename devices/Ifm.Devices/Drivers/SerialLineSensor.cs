namespace Ifm.Devices.Drivers;

/// <summary>
/// A device that prints one line of numeric fields per sample over a UART (an Arduino printing
/// <c>Serial.println</c> values, a GPS-less lidar, a load-cell amplifier board…). Channels are the fields, in order.
/// </summary>
/// <remarks>
/// <para>A background thread reads the stream (System.IO.Ports' <c>SerialPort.BaseStream</c> on hardware) into a
/// fixed buffer and feeds a <see cref="LineFieldParser"/>; each good line replaces the latest sample under a lock.
/// <see cref="Read"/> never blocks on the port: it copies the latest sample and returns <see langword="true"/>
/// only when a new good line arrived since the previous call. Bad lines (wrong field count, not a number) and
/// overlong lines are counted and skipped. Our code allocates nothing per line; System.IO.Ports itself may
/// allocate per read call on its own I/O thread, never on the loop's.</para>
/// <para>A stream error or end of stream ends the reader; the next <see cref="Read"/> throws
/// <see cref="IOException"/> naming the device (a permanent failure: the loop enters the safe state).</para>
/// <para>Wiring: device TX → board RX (Pi GPIO15, /dev/ttyAMA0 or /dev/serial0 with the console disabled), GND
/// common; a USB adapter shows up as /dev/ttyUSB0 or /dev/ttyACM0. Level-shift 5 V TX lines to 3.3 V.</para>
/// </remarks>
public sealed class SerialLineSensor : ISensor
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly LineFieldParser _parser;
    private readonly float[] _latest;
    private readonly byte[] _readBuffer;
    private readonly object _gate = new();
    private readonly Thread _reader;
    private long _sequence;
    private long _consumedSequence;
    private volatile bool _stopping;
    private Exception? _fault;
    private bool _disposed;

    public SerialLineSensor(string name, Stream stream, int fieldCount, int maxLineLength = 256, string separators = ", \t;",
        bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("stream must be readable", nameof(stream));
        }

        Name = name;
        _stream = stream;
        _ownsStream = ownsStream;
        _parser = new LineFieldParser(fieldCount, maxLineLength, separators);
        _latest = new float[fieldCount];
        _readBuffer = new byte[Math.Max(64, Math.Min(4096, maxLineLength))];
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"serial:{name}" };
        _reader.Start();
    }

    public string Name { get; }
    public int ChannelCount => _latest.Length;

    public long GoodLines
    {
        get
        {
            lock (_gate)
            {
                return _parser.GoodLines;
            }
        }
    }

    public long BadLines
    {
        get
        {
            lock (_gate)
            {
                return _parser.BadLines;
            }
        }
    }

    public long OverlongLines
    {
        get
        {
            lock (_gate)
            {
                return _parser.OverlongLines;
            }
        }
    }

    public bool Read(Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_sequence != _consumedSequence)
            {
                _latest.CopyTo(destination);
                _consumedSequence = _sequence;
                return true;
            }

            if (_fault is not null)
            {
                throw new IOException($"{Name}: serial stream failed: {_fault.Message}", _fault);
            }
        }

        return false;
    }

    private void ReadLoop()
    {
        while (!_stopping)
        {
            int n;
            try
            {
                n = _stream.Read(_readBuffer, 0, _readBuffer.Length);
            }
            catch (TimeoutException)
            {
                continue; // SerialPort.ReadTimeout elapsed with no data: check _stopping and go on
            }
            catch (Exception ex)
            {
                if (!_stopping)
                {
                    lock (_gate)
                    {
                        _fault = ex;
                    }
                }

                return;
            }

            if (n == 0)
            {
                lock (_gate)
                {
                    _fault ??= new EndOfStreamException("end of stream");
                }

                return;
            }

            lock (_gate)
            {
                for (int i = 0; i < n; i++)
                {
                    if (_parser.Push(_readBuffer[i]))
                    {
                        _parser.Values.CopyTo(_latest);
                        _sequence++;
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        if (_ownsStream)
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception)
            {
                // Closing a port whose device vanished may throw; the reader ends either way.
            }
        }

        _reader.Join(TimeSpan.FromSeconds(2));
    }
}

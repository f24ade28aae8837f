using System.Buffers.Binary;
using System.Diagnostics;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

public sealed partial class BridgeClient
{
    // Guarded by _valuesLock: the newest sample of every sensor channel.
    private readonly object _valuesLock = new();
    private readonly float[] _sensors = new float[ProtocolConstants.MaxSensors];
    private long _sampleCount;
    private uint _sampleTimeUs;
    private volatile bool _mcuSafe = true;

    // Guarded by _txLock: round trips measured from heartbeat echoes.
    private readonly long[] _rttTicks = new long[512];
    private int _rttCount;

    private long _receiveThreadAllocated;
    private long _payloadErrors; // well-formed frames with a malformed payload (receive thread only)

    /// <summary>
    /// Bytes the receive thread has allocated since it started (read, parse, dispatch), as of its last received chunk:
    /// flat in steady state with the libc transport.
    /// </summary>
    public long ReceiveThreadAllocatedBytes => Volatile.Read(ref _receiveThreadAllocated);

    /// <summary>Sensor frames received so far (each one is a fresh sample of every channel it carries).</summary>
    public long SampleCount => Interlocked.Read(ref _sampleCount);

    /// <summary>The MCU's own report (heartbeat flag) that its actuators are at their safe values.</summary>
    public bool McuReportsSafe => _mcuSafe;

    /// <summary>
    /// Copies the newest values of <paramref name="channels"/> into <paramref name="destination"/> (no allocation).
    /// </summary>
    /// <param name="lastSample">The caller's last seen <see cref="SampleCount"/>; updated.</param>
    /// <returns><see langword="true"/> when a sample newer than <paramref name="lastSample"/> arrived and the link is up.</returns>
    public bool ReadSensors(ReadOnlySpan<int> channels, Span<float> destination, ref long lastSample)
    {
        long count;
        lock (_valuesLock)
        {
            for (int i = 0; i < channels.Length; i++)
            {
                destination[i] = _sensors[channels[i]];
            }

            count = _sampleCount;
        }

        bool fresh = count != lastSample && _state == LinkState.Up;
        lastSample = count;
        return fresh;
    }

    /// <summary>Round-trip times (heartbeat to echo) measured so far, newest last, at most 512.</summary>
    public TimeSpan[] RoundTripSamples()
    {
        lock (_txLock)
        {
            int n = Math.Min(_rttCount, _rttTicks.Length);
            var result = new TimeSpan[n];
            for (int i = 0; i < n; i++)
            {
                long t = _rttTicks[(_rttCount - n + i) % _rttTicks.Length];
                result[i] = TimeSpan.FromSeconds((double)t / Stopwatch.Frequency);
            }

            return result;
        }
    }

    private void ReceiveLoop()
    {
        while (!_disposed)
        {
            Stream? s = _stream;
            if (s is null)
            {
                if (!TryOpen())
                {
                    Thread.Sleep(_options.ReconnectIntervalMs);
                }

                continue;
            }

            int n;
            try
            {
                n = s.Read(_rxBuffer, 0, _rxBuffer.Length);
            }
            catch (Exception e) when (IsTransportError(e))
            {
                Disconnect(s, $"read failed: {e.Message}");
                continue;
            }

            if (n == 0)
            {
                Disconnect(s, "the port reported end of stream");
                continue;
            }

            ProcessReceived(_rxBuffer.AsSpan(0, n), Stopwatch.GetTimestamp());
            Volatile.Write(ref _receiveThreadAllocated, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    private bool TryOpen()
    {
        Stream s;
        try
        {
            s = _open();
        }
        catch (Exception e) when (IsTransportError(e) || e is ArgumentException)
        {
            _lastError = $"cannot open {PortName}: {e.Message}";
            return false;
        }

        lock (_linkLock)
        {
            if (_disposed)
            {
                CloseQuietly(s);
                return false;
            }

            _parser.Reset();
            _rxSequence.Reset();
            _stream = s;
            _state = LinkState.Connecting;
            _lastHelloTicks = 0;
            Volatile.Write(ref _lastRxTicks, Stopwatch.GetTimestamp());
        }

        try
        {
            // A lone delimiter ends any partial frame the MCU's parser holds from before.
            lock (_txLock)
            {
                _tx[0] = 0;
                s.Write(_tx, 0, 1);
            }
        }
        catch (Exception e) when (IsTransportError(e))
        {
            Disconnect(s, $"write failed: {e.Message}");
            return false;
        }

        _wake.Set();
        return true;
    }

    /// <summary>Parses and dispatches received bytes (the receive thread's work; tests call it directly).</summary>
    internal void ProcessReceived(ReadOnlySpan<byte> data, long nowTicks)
    {
        for (int i = 0; i < data.Length; i++)
        {
            ParseResult r = _parser.Push(data[i]);
            if (r == ParseResult.Frame)
            {
                HandleFrame(nowTicks);
            }
        }

        Volatile.Write(ref Counters.FramesOk, _parser.FramesOk);
        Volatile.Write(ref Counters.CrcErrors, _parser.CrcErrors);
        Volatile.Write(ref Counters.FramingErrors,
            _parser.CobsErrors + _parser.ShortFrames + _parser.Oversize + _parser.VersionErrors + _payloadErrors);
        Volatile.Write(ref Counters.Resyncs, _parser.Resyncs);
    }

    private void HandleFrame(long now)
    {
        Volatile.Write(ref _lastRxTicks, now);
        MessageType type = _parser.Type;
        int lost = _rxSequence.Observe(_parser.Sequence);
        if (lost > 0)
        {
            Interlocked.Add(ref Counters.Gaps, lost);
        }
        else if (lost < 0 && type != MessageType.Hello)
        {
            _helloWanted = true; // sequence went backwards: did the MCU restart? Its HELLO will tell.
        }

        ReadOnlySpan<byte> p = _parser.Payload;
        switch (type)
        {
            case MessageType.Hello:
                HandleHello(p);
                break;
            case MessageType.Sensor:
                HandleSensor(p);
                break;
            case MessageType.Heartbeat:
                if (p.Length >= 5)
                {
                    _mcuSafe = (p[4] & ProtocolConstants.HeartbeatFlagSafe) != 0;
                }

                HandleHeartbeatEcho(_parser.Ack, now);
                break;
            case MessageType.Ack:
                HandleAck(_parser.Ack, rejected: false, 0);
                break;
            case MessageType.Nak:
                Interlocked.Increment(ref Counters.Naks);
                HandleAck(_parser.Ack, rejected: true, p.Length > 0 ? p[0] : (byte)0);
                break;
            default:
                break; // the host ignores types it does not expect (ACTUATE, CONFIG, RESET from an MCU)
        }
    }

    private void HandleSensor(ReadOnlySpan<byte> p)
    {
        if (p.Length < 6)
        {
            return;
        }

        uint t = BinaryPrimitives.ReadUInt32LittleEndian(p);
        int first = p[4];
        int count = p[5];
        if (p.Length != 6 + 4 * count || first + count > ProtocolConstants.MaxSensors)
        {
            _payloadErrors++;
            return;
        }

        lock (_valuesLock)
        {
            for (int i = 0; i < count; i++)
            {
                _sensors[first + i] = BinaryPrimitives.ReadSingleLittleEndian(p[(6 + 4 * i)..]);
            }

            _sampleTimeUs = t;
            _sampleCount++;
        }

        Interlocked.Increment(ref Counters.SensorSamples);
    }

    private void HandleHeartbeatEcho(ushort ack, long now)
    {
        if (ack == 0)
        {
            return;
        }

        lock (_txLock)
        {
            if (ack != _heartbeatSeq)
            {
                return;
            }

            _heartbeatSeq = 0;
            _rttTicks[_rttCount % _rttTicks.Length] = now - _heartbeatSentTicks;
            _rttCount++;
        }

        _echo.Set();
    }

    private void HandleHello(ReadOnlySpan<byte> p)
    {
        DeviceCapabilities? caps = DeviceCapabilities.TryParse(p, out string? error);
        if (caps is null)
        {
            _lastError = $"malformed HELLO from {PortName}: {error}";
            _payloadErrors++;
            return;
        }

        _helloWanted = false;
        DeviceCapabilities? previous = _capabilities;
        bool restarted = previous is not null && previous.BootId != caps.BootId;
        if (restarted)
        {
            Interlocked.Increment(ref Counters.PeerRestarts);
            _rxSequence.Reset();
            _rxSequence.Observe(_parser.Sequence);
        }

        Volatile.Write(ref _capabilities, caps);
        AdoptMcuSafeValues(caps);

        bool cameUp = false;
        bool reconnect = false;
        lock (_linkLock)
        {
            if (_stream is not null && _state != LinkState.Up)
            {
                _state = LinkState.Up;
                cameUp = true;
                reconnect = _everUp;
                _everUp = true;
            }
        }

        if (cameUp || restarted)
        {
            QueueConfiguration();
            ResendActuatorCommands();
            _wake.Set();
        }
        else if (_reconfigureOnHello)
        {
            QueueConfiguration(); // after RESET: configuration again, actuators stay at their safe values
            _wake.Set();
        }

        _reconfigureOnHello = false;

        if (reconnect)
        {
            Interlocked.Increment(ref Counters.Reconnects);
        }

        if (cameUp)
        {
            Raise(LinkUp, LinkState.Up, reconnect ? "link restored" : "connected");
        }
        else if (restarted)
        {
            Raise(PeerRestarted, LinkState.Up, $"MCU restarted (boot id {previous!.BootId:x8} -> {caps.BootId:x8})");
        }
    }
}

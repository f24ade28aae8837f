using System.Buffers.Binary;
using System.Diagnostics;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

public sealed partial class BridgeClient
{
    private readonly ManualResetEventSlim _echo = new(false);
    private volatile bool _reconfigureOnHello;
    private long _lastHeartbeatTicks;

    // Guarded by _writeLock: what is on the wire and waiting for an ACK.
    private ushort _heartbeatSeq;
    private long _heartbeatSentTicks;
    private readonly byte[] _actuatePayload = new byte[1 + 5 * ProtocolConstants.MaxActuators];
    private int _actuatePayloadLength;
    private ushort _actuateSeq;
    private bool _actuateInFlight;
    private long _actuateSentTicks;
    private readonly ConfigItem[] _config = new ConfigItem[2 + ProtocolConstants.MaxActuators];
    private int _configCount;
    private int _configNext;
    private ushort _configSeq;
    private bool _configInFlight;
    private long _configSentTicks;
    private int _configRetries;

    private readonly record struct ConfigItem(ConfigKey Key, byte Channel, uint Value);

    /// <summary>Sends a heartbeat and waits for the MCU's echo.</summary>
    /// <returns>The round-trip time, or <see langword="null"/> when the link is not up or no echo came in time.</returns>
    public TimeSpan? Ping(TimeSpan timeout)
    {
        Stream? s = _stream;
        if (s is null || _state != LinkState.Up)
        {
            return null;
        }

        _echo.Reset();
        try
        {
            SendHeartbeat(s, Stopwatch.GetTimestamp());
        }
        catch (Exception e) when (IsTransportError(e))
        {
            Disconnect(s, $"write failed: {e.Message}");
            return null;
        }

        if (!_echo.Wait(timeout))
        {
            return null;
        }

        lock (_rttTicks)
        {
            long t = _rttTicks[(_rttCount - 1) % _rttTicks.Length];
            return TimeSpan.FromSeconds((double)t / Stopwatch.Frequency);
        }
    }

    /// <summary>Asks the MCU to reset its protocol state (defaults, safe values); it answers with ACK and HELLO.</summary>
    /// <returns><see langword="false"/> when the link is not up.</returns>
    public bool RequestReset()
    {
        Stream? s = _stream;
        if (s is null || _state != LinkState.Up)
        {
            return false;
        }

        try
        {
            _reconfigureOnHello = true; // the MCU forgets its configuration: send it again when its HELLO comes
            lock (_writeLock)
            {
                WriteFrame(s, MessageType.Reset, NextSeq(), 0, []);
            }

            return true;
        }
        catch (Exception e) when (IsTransportError(e))
        {
            Disconnect(s, $"write failed: {e.Message}");
            return false;
        }
    }

    private void ServiceLoop()
    {
        while (!_disposed)
        {
            _wake.WaitOne(ServiceTickMs);
            Stream? s = _stream;
            if (_disposed || s is null)
            {
                continue;
            }

            long now = Stopwatch.GetTimestamp();
            try
            {
                LinkState state = _state;
                if (state is LinkState.Connecting or LinkState.Lost)
                {
                    if (now - _lastHelloTicks >= _helloTicks)
                    {
                        _lastHelloTicks = now;
                        SendSimple(s, MessageType.Hello);
                    }

                    continue;
                }

                if (state != LinkState.Up)
                {
                    continue;
                }

                long silent = now - Volatile.Read(ref _lastRxTicks);
                if (silent > _linkTimeoutTicks)
                {
                    DeclareLost(s, $"no frame from the MCU on {PortName} for {silent * 1000 / Stopwatch.Frequency} ms");
                    continue;
                }

                if (_helloWanted && now - _lastHelloTicks >= _helloTicks)
                {
                    _lastHelloTicks = now;
                    SendSimple(s, MessageType.Hello);
                }

                if (now - _lastHeartbeatTicks >= _heartbeatTicks)
                {
                    _lastHeartbeatTicks = now;
                    SendHeartbeat(s, now);
                }

                ServiceConfig(s, now);
                ServiceActuate(s, now);
            }
            catch (Exception e) when (IsTransportError(e))
            {
                Disconnect(s, $"write failed: {e.Message}");
            }
        }
    }

    private void SendActuateNow()
    {
        Stream? s = _stream;
        if (s is not null)
        {
            ServiceActuate(s, Stopwatch.GetTimestamp());
        }
    }

    private ushort NextSeq()
    {
        ushort seq = _txSeq;
        _txSeq = ProtocolConstants.NextSequence(seq);
        return seq;
    }

    /// <summary>Encodes and writes one frame; the caller holds <see cref="_writeLock"/>.</summary>
    private void WriteFrame(Stream s, MessageType type, ushort seq, ushort ack, ReadOnlySpan<byte> payload)
    {
        int n = FrameCodec.Encode(type, seq, ack, payload, _tx);
        s.Write(_tx, 0, n);
        Interlocked.Increment(ref Counters.FramesSent);
    }

    private void SendSimple(Stream s, MessageType type)
    {
        lock (_writeLock)
        {
            WriteFrame(s, type, NextSeq(), 0, []);
        }
    }

    private void SendHeartbeat(Stream s, long now)
    {
        Span<byte> p = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)(now * 1_000_000 / Stopwatch.Frequency));
        p[4] = 0;
        lock (_writeLock)
        {
            ushort seq = NextSeq();
            _heartbeatSeq = seq;
            _heartbeatSentTicks = Stopwatch.GetTimestamp();
            WriteFrame(s, MessageType.Heartbeat, seq, 0, p);
        }
    }

    private void ServiceActuate(Stream s, long now)
    {
        Span<byte> payload = stackalloc byte[1 + 5 * ProtocolConstants.MaxActuators];
        int length = 0;
        bool changed;
        lock (_cmdLock)
        {
            changed = _cmdVersion != _sentVersion;
            if (changed)
            {
                _sentVersion = _cmdVersion;
                length = BuildActuatePayload(payload);
            }
        }

        lock (_writeLock)
        {
            if (changed && length > 0)
            {
                payload[..length].CopyTo(_actuatePayload);
                _actuatePayloadLength = length;
                _actuateSeq = NextSeq();
                _actuateInFlight = true;
                _actuateSentTicks = now;
                WriteFrame(s, MessageType.Actuate, _actuateSeq, 0, payload[..length]);
            }
            else if (_actuateInFlight && now - _actuateSentTicks >= _retransmitTicks)
            {
                // Same frame, same seq: ACTUATE carries absolute values, so a duplicate is harmless.
                _actuateSentTicks = now;
                Interlocked.Increment(ref Counters.Retransmits);
                WriteFrame(s, MessageType.Actuate, _actuateSeq, 0, _actuatePayload.AsSpan(0, _actuatePayloadLength));
            }
        }
    }

    private void ServiceConfig(Stream s, long now)
    {
        Span<byte> p = stackalloc byte[6];
        lock (_writeLock)
        {
            if (_configInFlight)
            {
                if (now - _configSentTicks < _retransmitTicks)
                {
                    return;
                }

                if (_configRetries >= _options.MaxConfigRetries)
                {
                    _lastError = $"CONFIG key {_config[_configNext].Key} was never acknowledged by the MCU on {PortName}";
                    _configInFlight = false;
                    _configNext++;
                    return;
                }

                _configRetries++;
                Interlocked.Increment(ref Counters.Retransmits);
            }
            else
            {
                if (_configNext >= _configCount)
                {
                    return;
                }

                _configSeq = NextSeq();
                _configInFlight = true;
                _configRetries = 0;
            }

            ConfigItem item = _config[_configNext];
            p[0] = (byte)item.Key;
            int n;
            if (item.Key == ConfigKey.SafeValue)
            {
                p[1] = item.Channel;
                BinaryPrimitives.WriteUInt32LittleEndian(p[2..], item.Value);
                n = 6;
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(p[1..], item.Value);
                n = 5;
            }

            _configSentTicks = now;
            WriteFrame(s, MessageType.Config, _configSeq, 0, p[..n]);
        }
    }

    private void QueueConfiguration()
    {
        Span<float> safe = stackalloc float[ProtocolConstants.MaxActuators];
        Span<bool> hostSafe = stackalloc bool[ProtocolConstants.MaxActuators];
        lock (_cmdLock)
        {
            _safe.CopyTo(safe);
            _hostSafe.CopyTo(hostSafe);
        }

        int actuators = _capabilities?.Actuators.Count ?? 0;
        lock (_writeLock)
        {
            int n = 0;
            _config[n++] = new ConfigItem(ConfigKey.HeartbeatTimeoutMilliseconds, 0, (uint)_options.McuHeartbeatTimeoutMs);
            _config[n++] = new ConfigItem(ConfigKey.SensorPeriodMicroseconds, 0, (uint)_options.SensorPeriodUs);
            for (int ch = 0; ch < actuators; ch++)
            {
                if (hostSafe[ch])
                {
                    _config[n++] = new ConfigItem(ConfigKey.SafeValue, (byte)ch, BitConverter.SingleToUInt32Bits(safe[ch]));
                }
            }

            _configCount = n;
            _configNext = 0;
            _configInFlight = false;
        }
    }

    private void HandleAck(ushort ack, bool rejected, byte reason)
    {
        if (ack == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            if (_actuateInFlight && ack == _actuateSeq)
            {
                _actuateInFlight = false;
                if (rejected)
                {
                    _lastError = $"MCU on {PortName} rejected ACTUATE: {(NakReason)reason}";
                }
            }

            if (_configInFlight && ack == _configSeq)
            {
                if (rejected)
                {
                    _lastError = $"MCU on {PortName} rejected CONFIG {_config[_configNext].Key}: {(NakReason)reason}";
                }

                _configInFlight = false;
                _configNext++;
                _wake.Set();
            }
        }
    }

    private void DeclareLost(Stream s, string reason)
    {
        bool wasUp;
        lock (_stateLock)
        {
            if (!ReferenceEquals(_stream, s))
            {
                return;
            }

            wasUp = _state == LinkState.Up;
            _state = LinkState.Lost;
            _lastHelloTicks = 0;
        }

        OnLinkDown(wasUp, LinkState.Lost, reason);
    }

    private void Disconnect(Stream s, string reason)
    {
        bool wasUp;
        lock (_stateLock)
        {
            if (!ReferenceEquals(_stream, s))
            {
                return;
            }

            wasUp = _state == LinkState.Up;
            _stream = null;
            _state = LinkState.Disconnected;
        }

        CloseQuietly(s);
        OnLinkDown(wasUp, LinkState.Disconnected, reason);
    }

    private void OnLinkDown(bool wasUp, LinkState state, string reason)
    {
        _lastError = reason;
        lock (_writeLock)
        {
            _actuateInFlight = false;
            _configInFlight = false;
            _configCount = 0;
        }

        if (!wasUp || _disposed)
        {
            return;
        }

        Interlocked.Increment(ref Counters.LinkLosses);
        EnterSafeStateAll();
        Raise(LinkLost, state, reason);
    }
}

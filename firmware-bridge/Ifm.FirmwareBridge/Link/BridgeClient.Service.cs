using System.Buffers.Binary;
using System.Diagnostics;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

public sealed partial class BridgeClient
{
    private readonly ManualResetEventSlim _echo = new(false);
    private volatile bool _reconfigureOnHello;
    private long _lastHeartbeatTicks;

    // Guarded by _txLock: what is on the wire and waiting for an answer.
    private ushort _heartbeatSeq;
    private long _heartbeatSentTicks;
    private readonly ReliableCommand _actuate;  // the newest ACTUATE, retransmitted until acknowledged or superseded
    private readonly ReliableCommand _configCmd; // the CONFIG at _configNext, given up after MaxConfigRetries
    private readonly ConfigItem[] _config = new ConfigItem[2 + ProtocolConstants.MaxActuators];
    private int _configCount;
    private int _configNext;
    private long _ackedVersion;  // the newest actuator-command version an ACTUATE carried and the MCU accepted
    private long _rejectedVersion; // ... and rejected (NAK)

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

        lock (_txLock)
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
            lock (_txLock)
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

    /// <summary>Encodes and writes one frame; the caller holds <see cref="_txLock"/>.</summary>
    private void WriteFrame(Stream s, MessageType type, ushort seq, ushort ack, ReadOnlySpan<byte> payload)
    {
        int n = FrameCodec.Encode(type, seq, ack, payload, _tx);
        s.Write(_tx, 0, n);
        Interlocked.Increment(ref Counters.FramesSent);
    }

    /// <summary>Writes the frame of an acknowledged command (first send or retransmission); the caller holds <see cref="_txLock"/>.</summary>
    private void WriteFrame(Stream s, ReliableCommand command) => WriteFrame(s, command.Type, command.Sequence, 0, command.Payload);

    private void SendSimple(Stream s, MessageType type)
    {
        lock (_txLock)
        {
            WriteFrame(s, type, NextSeq(), 0, []);
        }
    }

    private void SendHeartbeat(Stream s, long now)
    {
        Span<byte> p = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32LittleEndian(p, (uint)(now * 1_000_000 / Stopwatch.Frequency));
        p[4] = 0;
        lock (_txLock)
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
        long version = 0;
        bool changed;
        lock (_valuesLock)
        {
            changed = _cmdVersion != _sentVersion;
            if (changed)
            {
                _sentVersion = _cmdVersion;
                version = _cmdVersion;
                length = BuildActuatePayload(payload);
            }
        }

        lock (_txLock)
        {
            if (changed && length > 0)
            {
                // A newer command supersedes the one in flight: ACTUATE carries absolute values.
                _actuate.Start(MessageType.Actuate, NextSeq(), payload[..length], now, version);
                WriteFrame(s, _actuate);
            }
            else if (_actuate.Poll(now) == RetransmitAction.Retransmit)
            {
                Interlocked.Increment(ref Counters.Retransmits);
                WriteFrame(s, _actuate); // same frame, same seq: a duplicate is harmless
            }
        }
    }

    private void ServiceConfig(Stream s, long now)
    {
        lock (_txLock)
        {
            switch (_configCmd.Poll(now))
            {
                case RetransmitAction.Retransmit:
                    Interlocked.Increment(ref Counters.Retransmits);
                    WriteFrame(s, _configCmd);
                    return;
                case RetransmitAction.GiveUp:
                    _lastError = $"CONFIG key {_config[_configNext].Key} was never acknowledged by the MCU on {PortName}";
                    _configNext++;
                    return;
                default:
                    break;
            }

            if (_configCmd.InFlight || _configNext >= _configCount)
            {
                return;
            }

            ConfigItem item = _config[_configNext];
            Span<byte> p = stackalloc byte[6];
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

            _configCmd.Start(MessageType.Config, NextSeq(), p[..n], now);
            WriteFrame(s, _configCmd);
        }
    }

    private void QueueConfiguration()
    {
        Span<float> safe = stackalloc float[ProtocolConstants.MaxActuators];
        Span<bool> hostSafe = stackalloc bool[ProtocolConstants.MaxActuators];
        lock (_valuesLock)
        {
            _safe.CopyTo(safe);
            _hostSafe.CopyTo(hostSafe);
        }

        int actuators = _capabilities?.Actuators.Count ?? 0;
        lock (_txLock)
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
            _configCmd.Cancel();
        }
    }

    private void HandleAck(ushort ack, bool rejected, byte reason)
    {
        lock (_txLock)
        {
            if (_actuate.Acknowledge(ack))
            {
                if (rejected)
                {
                    _rejectedVersion = Math.Max(_rejectedVersion, _actuate.Tag);
                    _lastError = $"MCU on {PortName} rejected ACTUATE: {(NakReason)reason}";
                }
                else
                {
                    _ackedVersion = Math.Max(_ackedVersion, _actuate.Tag);
                }
            }

            if (_configCmd.Acknowledge(ack))
            {
                if (rejected)
                {
                    _lastError = $"MCU on {PortName} rejected CONFIG {_config[_configNext].Key}: {(NakReason)reason}";
                }

                _configNext++;
                _wake.Set();
            }
        }
    }

    private void DeclareLost(Stream s, string reason)
    {
        bool wasUp;
        lock (_linkLock)
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
        lock (_linkLock)
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
        lock (_txLock)
        {
            _actuate.Cancel();
            _configCmd.Cancel();
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

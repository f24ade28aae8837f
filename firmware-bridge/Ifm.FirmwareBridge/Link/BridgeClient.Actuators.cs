using System.Buffers.Binary;
using System.Diagnostics;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Link;

public sealed partial class BridgeClient
{
    // Guarded by _valuesLock: the commands the control loop wants on the MCU's actuators.
    private readonly float[] _cmd = new float[ProtocolConstants.MaxActuators];
    private readonly float[] _safe = new float[ProtocolConstants.MaxActuators];
    private readonly bool[] _hostSafe = new bool[ProtocolConstants.MaxActuators];
    private readonly bool[] _commanded = new bool[ProtocolConstants.MaxActuators];
    private readonly bool[] _channelSafe = new bool[ProtocolConstants.MaxActuators];
    private int _cmdVersion;
    private int _sentVersion;

    /// <summary>
    /// Sets actuator commands; the service thread sends them at once as one acknowledged ACTUATE (newer commands
    /// supersede older unacknowledged ones). No allocation, no I/O on the caller's thread.
    /// </summary>
    /// <returns><see langword="false"/> when the link is not up: the channels are put in their safe state instead.</returns>
    public bool SetActuators(ReadOnlySpan<int> channels, ReadOnlySpan<float> values)
    {
        if (channels.Length != values.Length)
        {
            throw new ArgumentException($"{channels.Length} channels but {values.Length} values", nameof(values));
        }

        if (_state != LinkState.Up)
        {
            EnterSafeState(channels);
            return false;
        }

        lock (_valuesLock)
        {
            for (int i = 0; i < channels.Length; i++)
            {
                int ch = channels[i];
                _cmd[ch] = values[i];
                _commanded[ch] = true;
                _channelSafe[ch] = false;
            }

            _cmdVersion++;
        }

        _wake.Set();
        return true;
    }

    /// <summary>Commands the safe value on <paramref name="channels"/> (idempotent, never throws for channel state).</summary>
    public void EnterSafeState(ReadOnlySpan<int> channels)
    {
        bool changed = false;
        lock (_valuesLock)
        {
            foreach (int ch in channels)
            {
                if (!_channelSafe[ch] || !_commanded[ch] || _cmd[ch] != _safe[ch])
                {
                    _cmd[ch] = _safe[ch];
                    _commanded[ch] = true;
                    _channelSafe[ch] = true;
                    changed = true;
                }
            }

            if (changed)
            {
                _cmdVersion++;
            }
        }

        if (changed)
        {
            _wake.Set();
        }
    }

    /// <summary>Commands the safe value on every channel that was ever commanded or given a safe value.</summary>
    public void EnterSafeStateAll()
    {
        Span<int> channels = stackalloc int[ProtocolConstants.MaxActuators];
        int n = 0;
        lock (_valuesLock)
        {
            for (int ch = 0; ch < ProtocolConstants.MaxActuators; ch++)
            {
                if (_commanded[ch] || _hostSafe[ch])
                {
                    channels[n++] = ch;
                }
            }
        }

        EnterSafeState(channels[..n]);
    }

    /// <summary>
    /// Waits until the MCU has acknowledged an ACTUATE that carries the safe values of <paramref name="channels"/>
    /// (call after <see cref="EnterSafeState"/>). Safe values are always finite: the host's are checked when set,
    /// the MCU's when its HELLO is validated.
    /// </summary>
    /// <returns>
    /// <see cref="SafeStateConfirmation.Acknowledged"/>; <see cref="SafeStateConfirmation.LinkDown"/> when the link
    /// is not up (nothing can answer; the MCU's own heartbeat watchdog applies its safe values);
    /// <see cref="SafeStateConfirmation.NotCommanded"/> when a channel is not commanded safe;
    /// <see cref="SafeStateConfirmation.Rejected"/> on a NAK; <see cref="SafeStateConfirmation.TimedOut"/>.
    /// </returns>
    public SafeStateConfirmation ConfirmSafeState(ReadOnlySpan<int> channels, TimeSpan timeout)
    {
        long version;
        lock (_valuesLock)
        {
            foreach (int ch in channels)
            {
                if (!_channelSafe[ch])
                {
                    return SafeStateConfirmation.NotCommanded;
                }
            }

            version = _cmdVersion;
        }

        if (_disposed)
        {
            return SafeStateConfirmation.LinkDown;
        }

        _wake.Set();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_state != LinkState.Up || _disposed)
            {
                return SafeStateConfirmation.LinkDown;
            }

            lock (_txLock)
            {
                if (_ackedVersion >= version)
                {
                    return SafeStateConfirmation.Acknowledged;
                }

                if (_rejectedVersion >= version)
                {
                    return SafeStateConfirmation.Rejected;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return SafeStateConfirmation.TimedOut;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>Whether every one of <paramref name="channels"/> is commanded to its safe value.</summary>
    public bool IsInSafeState(ReadOnlySpan<int> channels)
    {
        lock (_valuesLock)
        {
            foreach (int ch in channels)
            {
                if (!_channelSafe[ch])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Sets the safe value of a channel on the host and (as CONFIG, on every connect) on the MCU.</summary>
    public void SetSafeValue(int channel, float value)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "safe value must be finite");
        }

        lock (_valuesLock)
        {
            _safe[channel] = value;
            _hostSafe[channel] = true;
            _channelSafe[channel] = true;
            _cmd[channel] = value;
        }

        if (_state == LinkState.Up)
        {
            QueueConfiguration();
            _wake.Set();
        }
    }

    private void AdoptMcuSafeValues(DeviceCapabilities caps)
    {
        lock (_valuesLock)
        {
            for (int ch = 0; ch < caps.Actuators.Count; ch++)
            {
                if (!_hostSafe[ch])
                {
                    _safe[ch] = caps.Actuators[ch].SafeValue;
                    if (_channelSafe[ch] || !_commanded[ch])
                    {
                        _cmd[ch] = _safe[ch];
                    }
                }
            }
        }
    }

    private void ResendActuatorCommands()
    {
        lock (_valuesLock)
        {
            _cmdVersion++;
        }
    }

    /// <summary>ACTUATE payload with every commanded channel; the caller holds <see cref="_valuesLock"/>.</summary>
    private int BuildActuatePayload(Span<byte> p)
    {
        int count = 0;
        int at = 1;
        for (int ch = 0; ch < ProtocolConstants.MaxActuators; ch++)
        {
            if (_commanded[ch])
            {
                p[at] = (byte)ch;
                BinaryPrimitives.WriteSingleLittleEndian(p[(at + 1)..], _cmd[ch]);
                at += 5;
                count++;
            }
        }

        p[0] = (byte)count;
        return count == 0 ? 0 : at;
    }
}

using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>
/// Actuator channels of the MCU as one <see cref="IActuator"/>. <see cref="Write"/> hands the command to the link
/// (no allocation, no I/O on the caller's thread); when the link is not up it puts the channels in their safe state.
/// </summary>
public sealed class BridgeActuator : IActuator
{
    private readonly int[] _channels;
    private readonly Action? _release;
    private bool _disposed;

    public BridgeActuator(string name, BridgeClient client, ReadOnlySpan<int> channels, ReadOnlySpan<float> safeValues = default,
        Action? release = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!safeValues.IsEmpty && safeValues.Length != channels.Length)
        {
            throw new ArgumentException($"actuator '{name}': {channels.Length} channels but {safeValues.Length} safe values", nameof(safeValues));
        }

        Name = name;
        Client = client;
        _channels = channels.ToArray();
        _release = release;
        for (int i = 0; i < _channels.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(_channels[i], nameof(channels));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(_channels[i], ProtocolConstants.MaxActuators, nameof(channels));
            if (!safeValues.IsEmpty)
            {
                client.SetSafeValue(_channels[i], safeValues[i]);
            }
        }
    }

    public string Name { get; }

    public int ChannelCount => _channels.Length;

    public BridgeClient Client { get; }

    /// <summary>Whether every channel of this device is commanded to its safe value (host side).</summary>
    public bool IsInSafeState => Client.IsInSafeState(_channels);

    /// <exception cref="InvalidOperationException">The MCU has fewer actuator channels than this device uses.</exception>
    public void Write(ReadOnlySpan<float> command)
    {
        if (command.Length != _channels.Length)
        {
            throw new ArgumentException($"actuator '{Name}' has {_channels.Length} channels, got {command.Length} values", nameof(command));
        }

        DeviceCapabilities? caps = Client.Capabilities;
        if (caps is not null)
        {
            foreach (int ch in _channels)
            {
                if (ch >= caps.Actuators.Count)
                {
                    ThrowMissingChannel(ch, caps.Actuators.Count);
                }
            }
        }

        Client.SetActuators(_channels, command);
    }

    /// <summary>
    /// Commands the safe values and waits (at most the link timeout) until the MCU acknowledges them, so that "in safe
    /// state" is only reported when it is true. While the link is down nothing can answer: the MCU's own heartbeat
    /// watchdog applies its safe values, which are finite (validated in its HELLO or set by the host).
    /// </summary>
    /// <exception cref="DeviceFaultException">The MCU rejected the safe values or did not acknowledge them in time.</exception>
    public void EnterSafeState()
    {
        try
        {
            Client.EnterSafeState(_channels);
        }
        catch (ObjectDisposedException)
        {
            return; // the link is gone: the MCU's own heartbeat watchdog puts the actuators in their safe state
        }

        BridgeOptions o = Client.Options;
        var timeout = TimeSpan.FromMilliseconds(Math.Max(o.LinkTimeoutMs, 4 * o.RetransmitTimeoutMs));
        SafeStateConfirmation r = Client.ConfirmSafeState(_channels, timeout);
        if (r is SafeStateConfirmation.Rejected or SafeStateConfirmation.TimedOut or SafeStateConfirmation.NotCommanded)
        {
            string why = r switch
            {
                SafeStateConfirmation.Rejected => $"rejected them ({Client.LastError})",
                SafeStateConfirmation.TimedOut => $"did not acknowledge them within {timeout.TotalMilliseconds:0} ms",
                _ => "was not commanded to them",
            };
            throw new DeviceFaultException(Name, $"safe values not confirmed: the MCU on {Client.PortName} {why}");
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            EnterSafeState();
        }
        catch (DeviceFaultException)
        {
            // Reported by whoever asked for the safe state (DeviceSet.EnterSafeState); disposing goes on.
        }

        _release?.Invoke();
    }

    private void ThrowMissingChannel(int ch, int available) =>
        throw new InvalidOperationException($"actuator '{Name}' uses MCU channel {ch} but the MCU on {Client.PortName} has {available} actuator channels");
}

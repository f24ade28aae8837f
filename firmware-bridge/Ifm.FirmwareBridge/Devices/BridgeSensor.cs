using Ifm.Devices;
using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>Sensor channels of the MCU as one <see cref="ISensor"/>: the newest streamed sample, no allocation.</summary>
public sealed class BridgeSensor : ISensor
{
    private readonly int[] _channels;
    private readonly Action? _release;
    private long _lastSample = -1;

    public BridgeSensor(string name, BridgeClient client, ReadOnlySpan<int> channels, Action? release = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Name = name;
        Client = client;
        _channels = channels.ToArray();
        _release = release;
        foreach (int ch in _channels)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(ch, nameof(channels));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(ch, ProtocolConstants.MaxSensors, nameof(channels));
        }
    }

    public string Name { get; }

    public int ChannelCount => _channels.Length;

    public BridgeClient Client { get; }

    /// <returns><see langword="false"/> when no new sample arrived since the last call or the link is down.</returns>
    /// <exception cref="InvalidOperationException">The MCU has fewer sensor channels than this device uses.</exception>
    public bool Read(Span<float> destination)
    {
        if (destination.Length < _channels.Length)
        {
            throw new ArgumentException($"sensor '{Name}' has {_channels.Length} channels, destination holds {destination.Length}", nameof(destination));
        }

        DeviceCapabilities? caps = Client.Capabilities;
        if (caps is not null && caps.Sensors.Count <= MaxChannel())
        {
            ThrowMissingChannel(caps.Sensors.Count);
        }

        return Client.ReadSensors(_channels, destination, ref _lastSample);
    }

    public void Dispose() => _release?.Invoke();

    private int MaxChannel()
    {
        int max = 0;
        foreach (int ch in _channels)
        {
            max = Math.Max(max, ch);
        }

        return max;
    }

    private void ThrowMissingChannel(int available) =>
        throw new InvalidOperationException($"sensor '{Name}' uses MCU channel {MaxChannel()} but the MCU on {Client.PortName} has {available} sensor channels");
}

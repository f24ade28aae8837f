using Ifm.FirmwareBridge.Link;
using Ifm.FirmwareBridge.Protocol;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>
/// Builds <see cref="BridgeSensor"/> and <see cref="BridgeActuator"/> devices from options; devices on the same port
/// share one started <see cref="BridgeClient"/>, which is disposed with the last of them.
/// </summary>
public sealed class BridgeDeviceFactory : IDisposable
{
    private readonly Func<string, BridgeOptions, BridgeClient> _createClient;
    private readonly Dictionary<string, (BridgeClient Client, int Users)> _links = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    /// <param name="createClient">Makes an unstarted client for a port; defaults to <see cref="BridgeClient.ForSerialPort"/>.</param>
    public BridgeDeviceFactory(Func<string, BridgeOptions, BridgeClient>? createClient = null)
    {
        _createClient = createClient ?? BridgeClient.ForSerialPort;
    }

    /// <summary>A process-wide factory for device maps.</summary>
    public static BridgeDeviceFactory Shared { get; } = new();

    public BridgeSensor CreateSensor(BridgeDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int[] channels = options.ValidatedChannels(ProtocolConstants.MaxSensors, "sensor");
        BridgeClient client = Acquire(options);
        return new BridgeSensor(options.Name, client, channels, () => Release(options.Port));
    }

    public BridgeActuator CreateActuator(BridgeDeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int[] channels = options.ValidatedChannels(ProtocolConstants.MaxActuators, "actuator");
        float[] safe = options.SafeValues?.ToArray() ?? [];
        if (safe.Length != 0 && safe.Length != channels.Length)
        {
            throw new ArgumentException($"bridge device '{options.Name}': {channels.Length} channels but {safe.Length} safe values");
        }

        BridgeClient client = Acquire(options);
        try
        {
            return new BridgeActuator(options.Name, client, channels, safe, () => Release(options.Port));
        }
        catch
        {
            Release(options.Port);
            throw;
        }
    }

    /// <summary>The shared client of a port, if a device uses it.</summary>
    public BridgeClient? GetClient(string port)
    {
        lock (_lock)
        {
            return _links.TryGetValue(port, out var link) ? link.Client : null;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var link in _links.Values)
            {
                link.Client.Dispose();
            }

            _links.Clear();
        }
    }

    private BridgeClient Acquire(BridgeDeviceOptions options)
    {
        lock (_lock)
        {
            if (_links.TryGetValue(options.Port, out var link))
            {
                _links[options.Port] = (link.Client, link.Users + 1);
                return link.Client;
            }

            BridgeClient client = _createClient(options.Port, options.ToLinkOptions());
            client.Start();
            if (options.LinkStartTimeoutMs > 0 && !client.WaitForLink(TimeSpan.FromMilliseconds(options.LinkStartTimeoutMs)))
            {
                string why = client.LastError ?? "nothing received that parses as a HELLO";
                client.Dispose();
                throw new IOException($"link fault: no valid HELLO from {options.Port} within {options.LinkStartTimeoutMs} ms ({why}); " +
                    "set linkStartTimeoutMs to 0 to start without the MCU");
            }

            _links[options.Port] = (client, 1);
            return client;
        }
    }

    private void Release(string port)
    {
        BridgeClient? toDispose = null;
        lock (_lock)
        {
            if (_links.TryGetValue(port, out var link))
            {
                if (link.Users <= 1)
                {
                    _links.Remove(port);
                    toDispose = link.Client;
                }
                else
                {
                    _links[port] = (link.Client, link.Users - 1);
                }
            }
        }

        toDispose?.Dispose();
    }
}

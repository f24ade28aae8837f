using Ifm.Devices;
using Ifm.Devices.Mapping;
using Ifm.FirmwareBridge.Link;

namespace Ifm.FirmwareBridge.Devices;

/// <summary>
/// Makes the MCU's channels usable in a device map: creates <see cref="BridgeSensor"/> and
/// <see cref="BridgeActuator"/> devices for the map types <c>bridge_sensor</c> and <c>bridge_actuator</c> through a
/// <see cref="BridgeDeviceFactory"/> (devices naming the same <c>port</c> share one link). Pass it to
/// <see cref="DeviceSet.Bind"/>; dispose it after the device set, which has put the actuators in their safe state.
/// </summary>
public sealed class BridgeDeviceProvider : IDeviceProvider, IDisposable
{
    private readonly BridgeDeviceFactory _factory;
    private readonly Dictionary<string, BridgeClient> _links = new(StringComparer.Ordinal);
    private readonly Action<string>? _log;

    /// <param name="createClient">Makes an unstarted client for a port; defaults to <see cref="BridgeClient.ForSerialPort"/>.</param>
    /// <param name="log">Told (on a bridge thread) when a link is lost and when it comes back, one line each.</param>
    public BridgeDeviceProvider(Func<string, BridgeOptions, BridgeClient>? createClient = null, Action<string>? log = null)
    {
        BridgeDeviceTypes.Register();
        _factory = new BridgeDeviceFactory(createClient);
        _log = log;
    }

    /// <summary>The shared client of a port while a device of the map uses it (counters, capabilities).</summary>
    public BridgeClient? GetClient(string port) => _factory.GetClient(port);

    /// <summary>
    /// Every link a device was created on, by port; the clients stay readable after the devices released them, so a
    /// final report can show their <see cref="BridgeClient.Counters"/>.
    /// </summary>
    public IReadOnlyDictionary<string, BridgeClient> Links => _links;

    public ISensor? CreateSensor(DeviceSpec device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Type == BridgeDeviceTypes.SensorType ? Track(device.Port!, _factory.CreateSensor(Options(device))) : null;
    }

    public IActuator? CreateActuator(DeviceSpec device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.Type != BridgeDeviceTypes.ActuatorType)
        {
            return null;
        }

        BridgeDeviceOptions options = Options(device);
        if (device.SafeState?.Value is { } safe)
        {
            options = options with { SafeValues = Enumerable.Repeat((float)safe, options.Channels.Count).ToArray() };
        }

        return Track(device.Port!, _factory.CreateActuator(options));
    }

    /// <summary>Closes every link still open (devices release theirs when the device set disposes them).</summary>
    public void Dispose() => _factory.Dispose();

    private T Track<T>(string port, T device)
        where T : class
    {
        BridgeClient client = device switch
        {
            BridgeSensor s => s.Client,
            BridgeActuator a => a.Client,
            _ => throw new ArgumentException("not a bridge device", nameof(device)),
        };
        if (_links.TryAdd(port, client) && _log is { } log)
        {
            // The run goes on while a link is down (stale reads, safe actuators): say so when it happens, not only in
            // the final counters.
            long lostAt = 0;
            client.LinkLost += (_, e) =>
            {
                Volatile.Write(ref lostAt, System.Diagnostics.Stopwatch.GetTimestamp());
                log($"bridge link {port} lost: {e.Reason}; actuators held at their safe values, reads stale until it is back");
            };
            client.LinkUp += (_, e) =>
            {
                long since = Volatile.Read(ref lostAt);
                if (since != 0)
                {
                    double ms = System.Diagnostics.Stopwatch.GetElapsedTime(since).TotalMilliseconds;
                    log(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"bridge link {port} restored after {ms:0} ms ({e.Reason})"));
                }
            };
        }

        _links[port] = client;
        return device;
    }

    private static BridgeDeviceOptions Options(DeviceSpec d)
    {
        // Once bound, a link survives the device going away and coming back; a port that is not there at start is
        // almost always a wrong path, so it fails the bind with a clear message instead of a silent safe loop.
        if (!File.Exists(d.Port))
        {
            throw new IOException($"port {d.Port} does not exist: connect the board, or start socat and ifm-virtual-mcu first");
        }

        SerialDevice.EnsureCharacterDevice(d.Port!); // a regular file named as the port is refused, never written

        var defaults = new BridgeDeviceOptions(d.Name!, d.Port!, BridgeDeviceTypes.McuChannels(d)!);
        return defaults with
        {
            BaudRate = d.BaudRate ?? defaults.BaudRate,
            HeartbeatTimeoutMs = d.GetInt("heartbeatTimeoutMs") ?? defaults.HeartbeatTimeoutMs,
            SensorPeriodUs = d.GetInt("sensorPeriodUs") ?? defaults.SensorPeriodUs,
            LinkStartTimeoutMs = d.GetInt("linkStartTimeoutMs") ?? d.GetInt("heartbeatTimeoutMs") ?? defaults.HeartbeatTimeoutMs,
        };
    }
}

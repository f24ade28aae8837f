namespace Ifm.Devices.Mapping;

/// <summary>
/// The registry of device types a map may name. Every type registers its own <see cref="DeviceType"/>: the
/// built-in drivers and simulated plants of this assembly when it loads (a module initializer in each type's file),
/// other assemblies (the firmware bridge, catalog adapters) through <see cref="Register"/> before a map is parsed.
/// </summary>
public static class DeviceTypes
{
    public const string DigitalInput = "digital_input";
    public const string DigitalOutput = "digital_output";
    public const string Servo = "servo";
    public const string HBridgeMotor = "hbridge_motor";
    public const string Hcsr04 = "hcsr04";
    public const string Mpu6050 = "mpu6050";
    public const string QuadratureEncoder = "quadrature_encoder";
    public const string SerialLine = "serial_line";
    public const string PongSensor = "pong_sensor";
    public const string PongPaddle = "pong_paddle";
    public const string ServoSensor = "servo_sensor";
    public const string ServoMotor = "servo_motor";

    /// <summary>Fields every device may set; an actuator also takes <c>safeState</c>.</summary>
    public static readonly IReadOnlyList<DeviceField> CommonFields =
    [
        new("name", "string", "", "unique device name"),
        new("type", "string", "", "a registered type"),
        new("rateHz", "number", "loopRateHz", "read or write rate, ≤ loopRateHz"),
        new("gpioChip", "int", "map's gpioChip", "GPIO chip of this device's lines"),
        new("expander", "string", "", "name of a GPIO expander board (mcp23017, pcf8574) whose pins this device's lines are"),
        new("channels", "array", "", "channel bindings (encoder or decoder per channel)"),
    ];

    private static readonly Lock Gate = new();
    private static volatile DeviceType[] _types = [];

    /// <summary>Registered types, by name.</summary>
    public static IReadOnlyList<DeviceType> Registered => _types;

    /// <summary>Registered type names, sorted.</summary>
    public static string[] All => [.. _types.Select(t => t.Name)];

    /// <summary>
    /// Adds <paramref name="type"/>. Registering the same descriptor again does nothing; another descriptor with a
    /// registered name is an error (two assemblies claiming one type).
    /// </summary>
    public static void Register(DeviceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (Gate)
        {
            if (Find(type.Name) is { } existing)
            {
                if (ReferenceEquals(existing, type))
                {
                    return;
                }

                throw new InvalidOperationException($"device type '{type.Name}' is already registered");
            }

            _types = [.. _types.Append(type).OrderBy(t => t.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The descriptor named <paramref name="type"/>, or null.</summary>
    public static DeviceType? Find(string? type)
    {
        foreach (DeviceType t in _types)
        {
            if (t.Name == type)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>The descriptor named <paramref name="type"/>; throws for an unregistered name.</summary>
    public static DeviceType Get(string type) =>
        Find(type) ?? throw new ArgumentException($"unknown device type '{type}', expected one of {string.Join(", ", All)}", nameof(type));

    public static bool IsKnown(string type) => Find(type) is not null;

    public static bool IsActuator(string type) => Get(type).IsActuator;

    /// <summary>Channel names of <paramref name="device"/> (some depend on its fields: serial_line's <c>fields</c>).</summary>
    public static string[] ChannelsOf(DeviceSpec device) => Find(device.Type)?.ChannelNames(device) ?? [];
}

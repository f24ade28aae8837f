using System.Device.Pwm;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Mapping;

/// <summary>
/// A board that provides buses to the map's devices (a PCA9685 with 16 PWM channels on I2C): devices whose
/// <c>pwmChip</c> is the board's <see cref="PwmChip"/> get their PWM channel from it.
/// </summary>
public sealed class BoardSpec
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public int? I2cBus { get; set; }
    public int? Address { get; set; }

    /// <summary>The PWM chip number the map's devices use for this board's channels.</summary>
    public int? PwmChip { get; set; }

    public int? FrequencyHz { get; set; }

    /// <summary>Unknown keys land here and are reported by the validator.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>PWM channels from a board (owned by the board, released with it).</summary>
public interface IPwmBoard : IDisposable
{
    /// <summary>Channel <paramref name="channel"/> for a device that asks for <paramref name="frequencyHz"/>.</summary>
    PwmChannel OpenChannel(int channel, int frequencyHz);
}

/// <summary>The descriptor of a board type (registered with <see cref="BoardTypes.Register"/>).</summary>
public sealed class BoardType
{
    public required string Name { get; init; }
    public required string Summary { get; init; }

    /// <summary>Its fields (name, type, i2cBus, address, pwmChip, frequencyHz are the ones the map knows).</summary>
    public IReadOnlyList<DeviceField> Fields { get; init; } = [];

    /// <summary>Checks the board's fields (errors prefixed with <c>at</c>) and the devices that use it.</summary>
    public Action<BoardSpec, string, IReadOnlyList<(int Index, DeviceSpec Device)>, List<string>>? Validate { get; init; }

    /// <summary>Opens the board on the hardware (I2C bus) while binding.</summary>
    public required Func<BoardSpec, IHardwareFactory, IPwmBoard> Open { get; init; }

    /// <summary>Puts the board's simulator (register map) on the simulated hardware.</summary>
    public required Action<BoardSpec, SimulatedHardware> Simulate { get; init; }

    public string Simulator { get; init; } = "";
}

/// <summary>The registry of board types (as <see cref="DeviceTypes"/> is for devices).</summary>
public static class BoardTypes
{
    private static readonly Lock Gate = new();
    private static volatile BoardType[] _types = [];

    public static IReadOnlyList<BoardType> Registered => _types;

    public static void Register(BoardType type)
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

                throw new InvalidOperationException($"board type '{type.Name}' is already registered");
            }

            _types = [.. _types.Append(type).OrderBy(t => t.Name, StringComparer.Ordinal)];
        }
    }

    public static BoardType? Find(string? name) => _types.FirstOrDefault(t => t.Name == name);

    internal static void Validate(DeviceMap map, List<string> errors)
    {
        if (map.Boards is not { Count: > 0 } boards)
        {
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var chips = new Dictionary<int, int>();
        for (int b = 0; b < boards.Count; b++)
        {
            string at = $"boards[{b}]";
            BoardSpec? board = boards[b];
            if (board is null)
            {
                errors.Add($"{at}: must be an object, got null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(board.Name))
            {
                errors.Add($"{at}.name: required");
            }
            else if (!names.Add(board.Name))
            {
                errors.Add($"{at}.name: '{board.Name}' is already used by another board");
            }

            if (Find(board.Type) is not { } type)
            {
                string known = _types.Length == 0 ? "none are registered" : "expected one of " + string.Join(", ", _types.Select(t => t.Name));
                errors.Add($"{at}.type: unknown board type '{board.Type}'; {known}");
                continue;
            }

            foreach (string key in board.Extra?.Keys ?? Enumerable.Empty<string>())
            {
                errors.Add($"{at}.{key}: {board.Type} has no field '{key}'; its fields are name, type, {string.Join(", ", type.Fields.Select(f => f.Name))}");
            }

            if (board.PwmChip is not { } chip)
            {
                errors.Add($"{at}.pwmChip: required: the PWM chip number its devices name to use its channels (e.g. 100)");
                continue;
            }

            if (chip is < 0 or > 1023)
            {
                errors.Add($"{at}.pwmChip: must be 0..1023, got {chip}");
            }
            else if (!chips.TryAdd(chip, b))
            {
                errors.Add($"{at}.pwmChip: {chip} is already boards[{chips[chip]}]'s");
            }

            var users = new List<(int, DeviceSpec)>();
            for (int i = 0; i < (map.Devices?.Count ?? 0); i++)
            {
                if (map.Devices![i] is { } d && d.PwmChip == chip && d.PwmChannel is not null)
                {
                    users.Add((i, d));
                }
            }

            type.Validate?.Invoke(board, at, users, errors);
        }
    }
}

/// <summary>
/// The hardware as the devices of a map with boards see it: PWM chips that are boards come from the boards, the
/// rest from the underlying factory. Opens the boards on first use; releases them in <see cref="Dispose"/> (not the
/// underlying factory, which its owner disposes).
/// </summary>
internal sealed class BoardHardware(DeviceMap map, IHardwareFactory inner) : IHardwareFactory
{
    private readonly Dictionary<int, IPwmBoard> _open = [];

    public DeviceClock Clock => inner.Clock;
    public System.Device.Gpio.GpioController Gpio(int chip) => inner.Gpio(chip);
    public System.Device.I2c.I2cDevice OpenI2c(int bus, int address) => inner.OpenI2c(bus, address);
    public System.Device.Spi.SpiDevice OpenSpi(int bus, int chipSelect, int clockHz, System.Device.Spi.SpiMode mode) => inner.OpenSpi(bus, chipSelect, clockHz, mode);
    public Stream OpenSerial(string port, int baudRate) => inner.OpenSerial(port, baudRate);
    public ISensor? CreateSensor(DeviceSpec device) => inner.CreateSensor(device);
    public IActuator? CreateActuator(DeviceSpec device) => inner.CreateActuator(device);
    public void EndPeriod(long period) => inner.EndPeriod(period);

    public PwmChannel OpenPwm(int chip, int channel, int frequencyHz)
    {
        if (!_open.TryGetValue(chip, out IPwmBoard? board))
        {
            BoardSpec? spec = map.Boards?.FirstOrDefault(b => b.PwmChip == chip);
            if (spec is null)
            {
                return inner.OpenPwm(chip, channel, frequencyHz);
            }

            board = BoardTypes.Find(spec.Type)!.Open(spec, inner);
            _open[chip] = board;
        }

        return board.OpenChannel(channel, frequencyHz);
    }

    public void Dispose()
    {
        foreach (IPwmBoard b in _open.Values)
        {
            b.Dispose();
        }

        _open.Clear();
    }
}

using System.Device.Pwm;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ifm.Devices.Simulation;

namespace Ifm.Devices.Mapping;

/// <summary>
/// A board that provides buses to the map's devices: a PWM board (a PCA9685 with 16 PWM channels on I2C) serves the
/// devices whose <c>pwmChip</c> is the board's <see cref="PwmChip"/>; a GPIO expander (MCP23017, PCF8574) serves the
/// devices whose <c>expander</c> names it, as a GPIO chip of its own.
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

    /// <summary>A GPIO expander's chip number as devices' lines are keyed (set by the validator: <see cref="BoardTypes.ExpanderChipBase"/> + index).</summary>
    [JsonIgnore]
    public int ExpanderChip { get; internal set; } = -1;

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

/// <summary>
/// A GPIO expander opened as a GPIO chip: its controller serves every GPIO device type. The lines are sampled by
/// <see cref="Poll"/> (one bus transfer for all pins, at the start of every loop period), which also raises the
/// edge callbacks of input pins that changed; an expander has no edge interrupt wired to the host here.
/// </summary>
public interface IGpioBoard : IDisposable
{
    System.Device.Gpio.GpioController Controller { get; }

    /// <summary>Samples the pins; false (and <see cref="BusErrors"/> counted, levels held) on a bus error.</summary>
    bool Poll();

    /// <summary>Failed samples (I2C errors): the levels of the last good sample were held.</summary>
    long BusErrors { get; }
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

    /// <summary>Opens a PWM board on the hardware (I2C bus) while binding.</summary>
    public Func<BoardSpec, IHardwareFactory, IPwmBoard>? Open { get; init; }

    /// <summary>Opens a GPIO expander on the hardware while binding (a board with this set is a GPIO chip, not a PWM chip).</summary>
    public Func<BoardSpec, IHardwareFactory, IGpioBoard>? OpenGpio { get; init; }

    /// <summary>A GPIO expander's pin count (its pins are 0..GpioLines−1).</summary>
    public int GpioLines { get; init; }

    /// <summary>A GPIO expander's pull-down support (the MCP23017 and PCF8574 have pull-ups only).</summary>
    public bool PullDown { get; init; }

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

    /// <summary>Chip numbers of GPIO expanders start here (a map's own <c>gpioChip</c> is 0..63).</summary>
    public const int ExpanderChipBase = 64;

    /// <summary>The GPIO chip of <paramref name="device"/>: its expander's, else its own <c>gpioChip</c>, else the map's; −1 for an unknown expander.</summary>
    public static int GpioChipOf(DeviceMap map, DeviceSpec device)
    {
        if (device.Expander is not { } name)
        {
            return device.GpioChip ?? map.GpioChip;
        }

        for (int b = 0; b < (map.Boards?.Count ?? 0); b++)
        {
            if (map.Boards![b] is { } board && board.Name == name && Find(board.Type)?.OpenGpio is not null)
            {
                return ExpanderChipBase + b;
            }
        }

        return -1;
    }

    /// <summary>Numbers the map's GPIO expanders (<see cref="BoardSpec.ExpanderChip"/>).</summary>
    internal static void AssignChips(DeviceMap map)
    {
        for (int b = 0; b < (map.Boards?.Count ?? 0); b++)
        {
            if (map.Boards![b] is { } board)
            {
                board.ExpanderChip = Find(board.Type)?.OpenGpio is not null ? ExpanderChipBase + b : -1;
            }
        }
    }

    internal static void Validate(DeviceMap map, List<string> errors, Dictionary<(int Chip, int Pin), string> pins)
    {
        AssignChips(map);
        ValidateExpanderUsers(map, errors, pins);
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

            if (type.OpenGpio is not null)
            {
                ValidateExpander(board, type, at, errors);
                continue;
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

    private static void ValidateExpander(BoardSpec board, BoardType type, string at, List<string> errors)
    {
        if (board.PwmChip is not null)
        {
            errors.Add($"{at}.pwmChip: a {board.Type} is a GPIO expander (devices name it in 'expander'), it has no PWM chip");
        }

        if (board.FrequencyHz is not null)
        {
            errors.Add($"{at}.frequencyHz: a {board.Type} has no PWM frequency");
        }

        type.Validate?.Invoke(board, at, [], errors);
    }

    /// <summary>Devices that name an <c>expander</c>: it exists, is a GPIO expander, and has the pins they use.</summary>
    private static void ValidateExpanderUsers(DeviceMap map, List<string> errors, Dictionary<(int Chip, int Pin), string> pins)
    {
        List<BoardSpec> boards = map.Boards ?? [];
        for (int i = 0; i < (map.Devices?.Count ?? 0); i++)
        {
            if (map.Devices![i] is not { Expander: { } name } d)
            {
                continue;
            }

            string at = $"devices[{i}]";
            int b = boards.FindIndex(x => x?.Name == name);
            if (b < 0)
            {
                string expanders = "";
                foreach (BoardSpec x in boards)
                {
                    expanders += x is not null && Find(x.Type)?.OpenGpio is not null ? (expanders.Length == 0 ? "" : ", ") + $"'{x.Name}'" : "";
                }

                errors.Add($"{at}.expander: no board named '{name}'; " + (expanders.Length == 0 ? "the map declares no GPIO expander board" : "the map's GPIO expanders are " + expanders));
                continue;
            }

            if (Find(boards[b].Type) is not { } type)
            {
                continue;   // its board's type is reported there
            }

            if (type.OpenGpio is null)
            {
                errors.Add($"{at}.expander: board '{name}' is a {type.Name}, not a GPIO expander ({string.Join(", ", _types.Where(t => t.OpenGpio is not null).Select(t => t.Name))})");
                continue;
            }

            if (d.GpioChip is not null)
            {
                errors.Add($"{at}.gpioChip: give either gpioChip (a chip of the board) or expander, not both");
            }

            if (DeviceTypes.Find(d.Type) is not { } deviceType)
            {
                continue;
            }

            bool hasPins = false;
            foreach (DeviceField f in deviceType.Fields)
            {
                hasPins |= f is PinField;
            }

            if (!hasPins)
            {
                errors.Add($"{at}.expander: {d.Type} has no GPIO lines");
            }
            else if (deviceType.NeedsDirectGpio)
            {
                errors.Add($"{at}.expander: {d.Type} times its lines in microseconds, but the pins of an I2C expander are sampled once per loop period; wire it to the board's own GPIO");
            }

            if (!type.PullDown && d.GetString("pull") == "down")
            {
                errors.Add($"{at}.pull: a {type.Name} has pull-ups only; use \"up\" (with activeLow) or an external pull-down");
            }
        }

        foreach (var ((chip, pin), path) in pins)
        {
            int b = chip - ExpanderChipBase;
            if (b >= 0 && b < boards.Count && boards[b] is not null && Find(boards[b].Type) is { OpenGpio: not null } type && pin >= type.GpioLines)
            {
                errors.Add($"{path}: expander '{boards[b].Name}' ({type.Name}) has pins 0..{type.GpioLines - 1}, got {pin}");
            }
        }
    }
}

/// <summary>
/// The hardware as the devices of a map with boards see it: PWM chips that are boards come from the boards, the
/// rest from the underlying factory. Opens the boards on first use; releases them in <see cref="Dispose"/> (not the
/// underlying factory, which its owner disposes).
/// </summary>
internal sealed class BoardHardware : IHardwareFactory
{
    private readonly DeviceMap _map;
    private readonly IHardwareFactory _inner;

    private readonly Dictionary<int, IPwmBoard> _open = [];
    private readonly Dictionary<int, IGpioBoard> _expanders = [];
    private IGpioBoard[] _polled = [];

    public BoardHardware(DeviceMap map, IHardwareFactory inner)
    {
        _map = map;
        _inner = inner;
        BoardTypes.AssignChips(map);
    }

    public DeviceClock Clock => _inner.Clock;

    /// <summary>GPIO expanders opened so far (in the order they were opened).</summary>
    public IReadOnlyList<IGpioBoard> Expanders => _polled;

    public System.Device.Gpio.GpioController Gpio(int chip)
    {
        int b = chip - BoardTypes.ExpanderChipBase;
        if (b < 0 || _map.Boards is not { } boards || b >= boards.Count)
        {
            return _inner.Gpio(chip);
        }

        if (!_expanders.TryGetValue(chip, out IGpioBoard? board))
        {
            BoardSpec spec = boards[b];
            board = BoardTypes.Find(spec.Type)!.OpenGpio!(spec, _inner);
            _expanders[chip] = board;
            _polled = [.. _polled, board];
        }

        return board.Controller;
    }

    /// <summary>Samples every opened GPIO expander (the loop thread, before the sensors are read); allocates nothing.</summary>
    public void BeginPeriod()
    {
        foreach (IGpioBoard board in _polled)
        {
            board.Poll();
        }
    }

    public System.Device.I2c.I2cDevice OpenI2c(int bus, int address) => _inner.OpenI2c(bus, address);
    public System.Device.Spi.SpiDevice OpenSpi(int bus, int chipSelect, int clockHz, System.Device.Spi.SpiMode mode) => _inner.OpenSpi(bus, chipSelect, clockHz, mode);
    public Stream OpenSerial(string port, int baudRate) => _inner.OpenSerial(port, baudRate);
    public ISensor? CreateSensor(DeviceSpec device) => _inner.CreateSensor(device);
    public IActuator? CreateActuator(DeviceSpec device) => _inner.CreateActuator(device);
    public void EndPeriod(long period) => _inner.EndPeriod(period);

    public PwmChannel OpenPwm(int chip, int channel, int frequencyHz)
    {
        if (!_open.TryGetValue(chip, out IPwmBoard? board))
        {
            BoardSpec? spec = _map.Boards?.FirstOrDefault(b => b.PwmChip == chip);
            if (spec is null)
            {
                return _inner.OpenPwm(chip, channel, frequencyHz);
            }

            board = BoardTypes.Find(spec.Type)!.Open!(spec, _inner);
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
        foreach (IGpioBoard b in _polled)
        {
            b.Dispose();
        }

        _expanders.Clear();
        _polled = [];
    }
}

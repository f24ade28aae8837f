using System.Device.I2c;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Board type <c>mcp23017</c>: the Microchip MCP23017 16-bit I2C GPIO expander as a GPIO chip for every GPIO device
/// type (a device names it in <c>expander</c>; pins 0..7 = GPA0..GPA7, 8..15 = GPB0..GPB7).
/// </summary>
public static class Mcp23017Board
{
    public const int DefaultAddress = 0x20;

    public static readonly BoardType Descriptor = new()
    {
        Name = "mcp23017",
        Summary = "MCP23017 16-pin GPIO expander (devices name it in 'expander')",
        Fields =
        [
            new("i2cBus", "int", "1", "I2C bus"),
            new("address", "int", "32", "0x20..0x27 by A2..A0"),
        ],
        GpioLines = 16,
        Validate = static (board, at, _, errors) => Expanders.CheckI2c(board, at, errors, 0x20, 0x27, "0x20..0x27 (A2..A0)"),
        OpenGpio = static (board, hw) => new Mcp23017(board.Name!, hw.OpenI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress)),
        Simulate = static (board, hw) => hw.AttachI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress,
            new SimulatedMcp23017(hw.Driver(board.ExpanderChip), board.I2cBus ?? 1, board.Address ?? DefaultAddress)),
        Simulator = "MCP23017 register map (BANK 0)",
    };

    public static void Register() => BoardTypes.Register(Descriptor);

    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
}

/// <summary>
/// The MCP23017 (datasheet DS20001952C, register map table 3-5 with IOCON.BANK = 0): IOCON is written 0 (BANK = 0,
/// sequential addressing), then IODIRA/B (0x00/0x01, 1 = input, reset 0xFF), GPPUA/B (0x0C/0x0D, 100 kΩ pull-ups),
/// GPIOA/B (0x12/0x13, pin levels) and OLATA/B (0x14/0x15, output latches) are each accessed as one A/B pair in a
/// single transfer on stack buffers. No pull-downs.
/// </summary>
public sealed class Mcp23017 : ExpanderGpioDriver
{
    private const byte IoDirA = 0x00, IoCon = 0x0A, GpPuA = 0x0C, GpioA = 0x12, OLatA = 0x14;
    private readonly I2cDevice _bus;

    /// <param name="bus">Owned by the hardware factory (not disposed here).</param>
    public Mcp23017(string name, I2cDevice bus) : base(name, 16)
    {
        _bus = bus;
        _bus.Write([IoCon, 0x00]);
        Initialize();
    }

    protected override int ReadLevels()
    {
        Span<byte> levels = stackalloc byte[2];
        _bus.WriteRead([GpioA], levels);
        return levels[0] | (levels[1] << 8);
    }

    protected override void WriteLatch(int latch) => WritePair(OLatA, latch);

    protected override void WriteDirections(int inputs, int pullUps)
    {
        WritePair(GpPuA, pullUps);
        WritePair(IoDirA, inputs);
    }

    private void WritePair(byte register, int value) => _bus.Write([register, (byte)value, (byte)(value >> 8)]);
}

/// <summary>Checks shared by the expander board types.</summary>
internal static class Expanders
{
    public static void CheckI2c(BoardSpec board, string at, List<string> errors, int lo, int hi, string where, int lo2 = -1, int hi2 = -1)
    {
        if (board.I2cBus is < 0 or > 255)
        {
            errors.Add($"{at}.i2cBus: must be 0..255, got {board.I2cBus}");
        }

        if (board.Address is { } a && (a < lo || a > hi) && (a < lo2 || a > hi2))
        {
            errors.Add($"{at}.address: a {board.Type} answers at {where}, got {a}");
        }
    }
}

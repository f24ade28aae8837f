using System.Device.I2c;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Board type <c>pcf8574</c>: the NXP/TI PCF8574 (and PCF8574A) 8-bit quasi-bidirectional I2C GPIO expander as a GPIO
/// chip for every GPIO device type (a device names it in <c>expander</c>; pins 0..7 = P0..P7).
/// </summary>
public static class Pcf8574Board
{
    public const int DefaultAddress = 0x20;

    public static readonly BoardType Descriptor = new()
    {
        Name = "pcf8574",
        Summary = "PCF8574(A) 8-pin GPIO expander (devices name it in 'expander')",
        Fields =
        [
            new("i2cBus", "int", "1", "I2C bus"),
            new("address", "int", "32", "0x20..0x27 or 0x38..0x3F (A)"),
        ],
        GpioLines = 8,
        Validate = static (board, at, _, errors) => Expanders.CheckI2c(board, at, errors, 0x20, 0x27, "0x20..0x27 (PCF8574) or 0x38..0x3F (PCF8574A)", 0x38, 0x3F),
        OpenGpio = static (board, hw) => new Pcf8574(board.Name!, hw.OpenI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress)),
        Simulate = static (board, hw) => hw.AttachI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress,
            new SimulatedPcf8574(hw.Driver(board.ExpanderChip), board.I2cBus ?? 1, board.Address ?? DefaultAddress)),
        Simulator = "PCF8574 quasi-bidirectional port",
    };

    public static void Register() => BoardTypes.Register(Descriptor);

    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
}

/// <summary>
/// The PCF8574 (TI datasheet SCPS068J §8.3): no registers — writing a byte sets the eight latches, reading a byte
/// returns the eight pin levels. A pin latched 0 is driven low (sinks up to 25 mA); latched 1 it is pulled high by a
/// ~100 µA current source and reads whatever drives it, so inputs are pins latched 1 and outputs source almost no
/// current (wire LEDs and relays to V+ and use <c>activeLow</c>). Input and InputPullUp are the same here.
/// </summary>
public sealed class Pcf8574 : ExpanderGpioDriver
{
    private readonly I2cDevice _bus;

    /// <param name="bus">Owned by the hardware factory (not disposed here).</param>
    public Pcf8574(string name, I2cDevice bus) : base(name, 8)
    {
        _bus = bus;
        Initialize();
    }

    protected override int ReadLevels() => _bus.ReadByte();

    protected override void WriteLatch(int latch) => _bus.WriteByte((byte)(latch | InputMask));

    protected override void WriteDirections(int inputs, int pullUps) => _bus.WriteByte((byte)(Latch | inputs));
}

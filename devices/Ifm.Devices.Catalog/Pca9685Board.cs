using System.Device.Pwm;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Iot.Device.Pwm;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Board type <c>pca9685</c>: the NXP PCA9685 16-channel 12-bit PWM controller (Adafruit 16-channel servo HAT/bonnet)
/// through Iot.Device.Bindings' <see cref="Pca9685"/>. Its channels serve our <c>servo</c> and <c>hbridge_motor</c>
/// types: a device names the board's <c>pwmChip</c> and a <c>pwmChannel</c> 0..15. One prescaler sets the frequency
/// of all 16 channels, so every device on the board runs at the board's <c>frequencyHz</c>.
/// </summary>
public static class Pca9685Board
{
    public const int DefaultAddress = 0x40, DefaultFrequencyHz = 50;

    public static readonly BoardType Descriptor = new()
    {
        Name = "pca9685",
        Summary = "PCA9685 16-channel PWM board (I2C) for servo and hbridge_motor devices: pwmChip = the board's, pwmChannel 0..15",
        Fields =
        [
            new("i2cBus", "int", "1", "I2C bus"),
            new("address", "int", "64", "0x40..0x7F by A0–A5 (0x70 is the all-call address)"),
            new("pwmChip", "int", "", "the PWM chip number devices use for this board (pick one no sysfs chip uses, e.g. 100)"),
            new("frequencyHz", "int", "50", "24..1526 Hz, all channels (prescale = round(25 MHz / 4096 / f) − 1)"),
        ],
        Validate = (board, at, users, errors) =>
        {
            if (board.I2cBus is < 0 or > 255)
            {
                errors.Add($"{at}.i2cBus: must be 0..255, got {board.I2cBus}");
            }

            if (board.Address is { } a && (a < 0x40 || a > 0x7F || a == 0x70))
            {
                errors.Add($"{at}.address: a PCA9685 answers at 64..127 (0x40..0x7F, A5..A0), 112 (0x70) being the all-call address; got {a}");
            }

            int f = board.FrequencyHz ?? DefaultFrequencyHz;
            if (f is < 24 or > 1526)
            {
                errors.Add($"{at}.frequencyHz: the PCA9685's prescaler gives 24..1526 Hz, got {f}");
            }

            var used = new Dictionary<int, int>();
            foreach (var (i, d) in users)
            {
                int ch = d.PwmChannel!.Value;
                if (ch is < 0 or > 15)
                {
                    errors.Add($"devices[{i}].pwmChannel: board '{board.Name}' (pca9685) has channels 0..15, got {ch}");
                }
                else if (!used.TryAdd(ch, i))
                {
                    errors.Add($"devices[{i}].pwmChannel: channel {ch} of board '{board.Name}' is already used by devices[{used[ch]}]");
                }

                if (d.FrequencyHz is { } df && df != f)
                {
                    errors.Add($"devices[{i}].frequencyHz: board '{board.Name}' runs all its channels at {f} Hz, got {df}");
                }
            }
        },
        Open = static (board, hw) => new Board(board, hw.OpenI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress)),
        Simulate = static (board, hw) => hw.AttachI2c(board.I2cBus ?? 1, board.Address ?? DefaultAddress, new SimulatedPca9685()),
        Simulator = "PCA9685 register map (MODE1 SLEEP/AI, PRE_SCALE blocked while awake, LEDn_ON/OFF, full-on/full-off bits, ALL_LED)",
    };

    /// <summary>Registers the board type (idempotent).</summary>
    public static void Register() => BoardTypes.Register(Descriptor);

#pragma warning disable CA2255 // The catalog's types register themselves when this assembly loads.
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void RegisterOnLoad() => Register();
#pragma warning restore CA2255

    /// <summary>
    /// The opened board. The binding's <see cref="Pca9685"/> disposes its I2C device, which the hardware factory owns,
    /// so it is never disposed here; its channels are released with the board.
    /// </summary>
    private sealed class Board(BoardSpec spec, System.Device.I2c.I2cDevice bus) : IPwmBoard
    {
        private readonly Pca9685 _pca = new(bus, pwmFrequency: spec.FrequencyHz ?? DefaultFrequencyHz, dutyCycleAllChannels: 0);
        private readonly List<PwmChannel> _channels = [];

        public PwmChannel OpenChannel(int channel, int frequencyHz)
        {
            var c = new BoardChannel(spec.Name!, _pca.CreatePwmChannel(channel), spec.FrequencyHz ?? DefaultFrequencyHz);
            c.Frequency = frequencyHz;
            _channels.Add(c);
            return c;
        }

        public void Dispose()
        {
            foreach (PwmChannel c in _channels)
            {
                c.Dispose();
            }

            _channels.Clear();
        }
    }

    /// <summary>
    /// One PCA9685 channel as our drivers use a PWM channel. The binding's channel throws on a frequency change (all
    /// channels share the prescaler) and reads the duty back over I2C; this one accepts the board's frequency
    /// (within 2 %), names the board otherwise, and keeps the last duty it wrote.
    /// </summary>
    private sealed class BoardChannel(string board, PwmChannel inner, int boardFrequencyHz) : PwmChannel
    {
        private double _duty;

        public override int Frequency
        {
            get => boardFrequencyHz;
            set
            {
                if (Math.Abs(value - boardFrequencyHz) > 0.02 * boardFrequencyHz)
                {
                    throw new ArgumentException($"PCA9685 board '{board}' runs every channel at {boardFrequencyHz} Hz; give this device frequencyHz {boardFrequencyHz} (or the board {value})");
                }
            }
        }

        public override double DutyCycle
        {
            get => _duty;
            set
            {
                inner.DutyCycle = value;
                _duty = value;
            }
        }

        public override void Start() => inner.Start();

        public override void Stop() => inner.Stop();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

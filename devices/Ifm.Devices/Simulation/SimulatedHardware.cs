using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Pwm;
using Ifm.Devices.Drivers;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Simulation;

/// <summary>
/// Hardware that runs anywhere: a <see cref="SimulatedGpioDriver"/> per GPIO chip, a <see cref="SimulatedMpu6050"/>
/// at I2C addresses 0x68/0x69 (any bus), <see cref="SimulatedPwmChannel"/>s, serial streams registered with
/// <see cref="AttachSerial"/>, and the simulated plants (<see cref="ForPong"/>, <see cref="ForPavlov"/>) that the
/// CLI's <c>--sim pong|pavlov</c> uses with devices/examples/pong-sim.json and pavlov-sim.json.
/// </summary>
public sealed class SimulatedHardware : IHardwareFactory
{
    private readonly Dictionary<int, (SimulatedGpioDriver Driver, GpioController Controller)> _chips = [];
    private readonly Dictionary<(int, int), SimulatedMpu6050> _imus = [];
    private readonly Dictionary<(int, int), I2cDevice> _i2c = [];
    private readonly Dictionary<(int, int), System.Device.Spi.SpiDevice> _spi = [];
    private readonly Dictionary<(int, int), SimulatedPwmChannel> _pwm = [];
    private readonly Dictionary<string, Stream> _serial = new(StringComparer.Ordinal);
    private readonly List<ISimulatedPlant> _plants = [];
    private readonly Dictionary<string, IDisposable> _devices = new(StringComparer.Ordinal);
    private PongPaddle? _paddle;
    private ServoMotor? _servoMotor;
    private bool _disposed;

    public SimulatedHardware(SimulatedClock? clock = null)
    {
        SimClock = clock ?? new SimulatedClock();
    }

    public SimulatedClock SimClock { get; }
    public DeviceClock Clock => SimClock;

    /// <summary>The Pong game, when attached.</summary>
    public PongGame? Pong { get; private set; }

    /// <summary>The servo, when attached (servo_sensor / servo_motor devices).</summary>
    public ServoPlant? Servo { get; private set; }

    /// <summary>The Pavlov plant, when attached.</summary>
    public PavlovPlant? Pavlov { get; private set; }

    /// <summary>Lines per simulated GPIO chip (set before the first <see cref="Driver"/> call; Jetson lines go past 64).</summary>
    public int GpioLines { get; init; } = 64;

    /// <summary>Simulated time added per control period by <see cref="EndPeriod"/> (default 1/60 s).</summary>
    public long PeriodNanoseconds { get; set; } = 16_666_667;

    /// <summary>Hardware with a Pong game (pong_sensor / pong_paddle devices).</summary>
    public static SimulatedHardware ForPong(ulong seed = 1)
    {
        var hw = new SimulatedHardware();
        hw.Pong = new PongGame(seed);
        return hw;
    }

    /// <summary>Hardware with the servo plant (servo_sensor / servo_motor devices).</summary>
    public static SimulatedHardware ForServo()
    {
        var hw = new SimulatedHardware();
        hw.Servo = new ServoPlant();
        return hw;
    }

    /// <summary>Hardware with the Pavlov plant on GPIO chip <paramref name="chip"/> (food 17, bell 27, salivation 22 by default).</summary>
    public static SimulatedHardware ForPavlov(PavlovSchedule? schedule = null, int chip = 0)
    {
        var hw = new SimulatedHardware();
        hw.Pavlov = new PavlovPlant(hw.Driver(chip), schedule);
        return hw;
    }

    /// <summary>
    /// Hardware on which every device of <paramref name="map"/> meets its simulator (<c>ifm run --simulate</c>):
    /// each type's <see cref="DeviceType.Simulate"/> attaches a register map, edge timing or a plant; simulated time
    /// advances by one loop period per period.
    /// </summary>
    public static SimulatedHardware ForMap(DeviceMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        // 10 µs per clock read: a busy-polling driver (HC-SR04 echo) times to 10 µs (1.7 mm) in a few hundred polls.
        var hw = new SimulatedHardware(new SimulatedClock(stepPerReadNanoseconds: 10_000))
        {
            PeriodNanoseconds = (long)Math.Round(1e9 / map.LoopRateHz),
            GpioLines = 1024,
        };
        BoardTypes.AssignChips(map);
        foreach (BoardSpec board in map.Boards ?? [])
        {
            BoardTypes.Find(board.Type)!.Simulate(board, hw);
        }

        for (int i = 0; i < map.Devices.Count; i++)
        {
            DeviceSpec d = map.Devices[i];
            DeviceType type = DeviceTypes.Get(d.Type!);
            if (type.Simulate is not { } simulate)
            {
                hw.Dispose();
                throw new DeviceFaultException(d.Name!, $"devices[{i}] ({d.Type}) has no simulator");
            }

            simulate(new DeviceContext(map, d, i, hw), hw);
        }

        return hw;
    }

    /// <summary>Simulated plants advanced by <see cref="EndPeriod"/>, in the order they were added.</summary>
    public IReadOnlyList<ISimulatedPlant> Plants => _plants;

    /// <summary>Adds a plant that <see cref="EndPeriod"/> advances every period.</summary>
    public void AddPlant(ISimulatedPlant plant)
    {
        ArgumentNullException.ThrowIfNull(plant);
        _plants.Add(plant);
    }

    /// <summary>The simulated driver of GPIO chip <paramref name="chip"/> (created on first use).</summary>
    public SimulatedGpioDriver Driver(int chip)
    {
        if (!_chips.TryGetValue(chip, out var entry))
        {
            var driver = new SimulatedGpioDriver(GpioLines, SimClock);
            entry = (driver, new GpioController(driver));
            _chips[chip] = entry;
        }

        return entry.Driver;
    }

    public GpioController Gpio(int chip)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Driver(chip);
        return _chips[chip].Controller;
    }

    /// <summary>The simulated IMU at (bus, address), created on first use.</summary>
    public SimulatedMpu6050 Imu(int bus = 1, int address = Mpu6050.DefaultAddress)
    {
        if (address is not (0x68 or 0x69))
        {
            throw new IOException($"no device acknowledged at I2C address 0x{address:X2} on simulated bus {bus}");
        }

        if (!_imus.TryGetValue((bus, address), out SimulatedMpu6050? imu))
        {
            imu = new SimulatedMpu6050(bus, address);
            _imus[(bus, address)] = imu;
        }

        return imu;
    }

    /// <summary>Puts a simulated part (a register map) at (bus, address); <see cref="OpenI2c"/> returns it.</summary>
    public void AttachI2c(int bus, int address, I2cDevice device) => _i2c[(bus, address)] = device;

    /// <summary>The part attached at (bus, address), or null.</summary>
    public I2cDevice? AttachedI2c(int bus, int address) => _i2c.GetValueOrDefault((bus, address));

    public I2cDevice OpenI2c(int bus, int address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _i2c.TryGetValue((bus, address), out I2cDevice? attached) ? attached : Imu(bus, address);
    }

    /// <summary>Puts a simulated SPI part at (bus, chip select); <see cref="OpenSpi"/> returns it.</summary>
    public void AttachSpi(int bus, int chipSelect, System.Device.Spi.SpiDevice device) => _spi[(bus, chipSelect)] = device;

    /// <summary>The part attached at (bus, chip select); none is an I/O error, as an absent /dev/spidevB.C is.</summary>
    public System.Device.Spi.SpiDevice OpenSpi(int bus, int chipSelect, int clockHz, System.Device.Spi.SpiMode mode)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _spi.TryGetValue((bus, chipSelect), out var d) ? d : throw new IOException($"no simulated SPI device at /dev/spidev{bus}.{chipSelect}");
    }

    /// <summary>The simulated PWM channel, created on first use.</summary>
    public SimulatedPwmChannel Pwm(int chip, int channel)
    {
        if (!_pwm.TryGetValue((chip, channel), out SimulatedPwmChannel? pwm))
        {
            pwm = new SimulatedPwmChannel(chip, channel);
            _pwm[(chip, channel)] = pwm;
        }

        return pwm;
    }

    public PwmChannel OpenPwm(int chip, int channel, int frequencyHz)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SimulatedPwmChannel pwm = Pwm(chip, channel);
        pwm.Frequency = frequencyHz;
        return pwm;
    }

    /// <summary>Makes <see cref="OpenSerial"/> return <paramref name="stream"/> for <paramref name="port"/> (a socat pty, a pipe, a MemoryStream).</summary>
    public void AttachSerial(string port, Stream stream) => _serial[port] = stream;

    public Stream OpenSerial(string port, int baudRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _serial.TryGetValue(port, out Stream? s)
            ? s
            : throw new IOException($"simulated serial port '{port}' does not exist (attach one with AttachSerial)");
    }

    /// <summary>
    /// Makes <see cref="CreateSensor"/> / <see cref="CreateActuator"/> return <paramref name="device"/> for the map
    /// device named <paramref name="name"/> (simulators of types created by a provider on real hardware).
    /// </summary>
    public void AddDevice(string name, IDisposable device) => _devices[name] = device;

    public ISensor? CreateSensor(DeviceSpec device)
    {
        if (_devices.TryGetValue(device.Name ?? "", out IDisposable? added))
        {
            return added as ISensor;
        }

        if (device.Type == DeviceTypes.PongSensor)
        {
            Pong ??= new PongGame(device.Seed ?? 1);
            return new PongSensor(device.Name!, Pong);
        }

        if (device.Type == DeviceTypes.ServoSensor)
        {
            Servo ??= new ServoPlant();
            return new ServoSensor(device.Name!, Servo);
        }

        return null;
    }

    public IActuator? CreateActuator(DeviceSpec device)
    {
        if (_devices.TryGetValue(device.Name ?? "", out IDisposable? added))
        {
            return added as IActuator;
        }

        if (device.Type == DeviceTypes.PongPaddle)
        {
            Pong ??= new PongGame(device.Seed ?? 1);
            _paddle = new PongPaddle(device.Name!, Pong);
            return _paddle;
        }

        if (device.Type == DeviceTypes.ServoMotor)
        {
            Servo ??= new ServoPlant();
            _servoMotor = new ServoMotor(device.Name!, Servo);
            return _servoMotor;
        }

        return null;
    }

    /// <summary>Advances simulated time by one period, the Pong game by one tick, the servo by one step and the Pavlov plant by one period.</summary>
    public void EndPeriod(long period)
    {
        SimClock.Advance(PeriodNanoseconds);
        if (Pong is not null && _paddle is not null)
        {
            Pong.Tick(_paddle.Action);
        }

        if (Servo is not null && _servoMotor is not null)
        {
            Servo.Step();
        }

        Pavlov?.EndPeriod(period);
        long now = SimClock.Peek;
        for (int i = 0; i < _plants.Count; i++)
        {
            _plants[i].Advance(period, now);
        }

        foreach (var (driver, _) in _chips.Values)
        {
            driver.ProcessDue();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var (_, controller) in _chips.Values)
        {
            controller.Dispose();
        }

        foreach (Stream s in _serial.Values)
        {
            s.Dispose();
        }
    }
}

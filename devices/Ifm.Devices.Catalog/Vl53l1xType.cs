using System.Device.I2c;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;

namespace Ifm.Devices.Catalog;

/// <summary>
/// Device type <c>vl53l1x</c>: the ST VL53L1X time-of-flight distance sensor (I2C, up to 4 m). Our own driver after ST's
/// ultra-lite driver (ULD, UM2510): Iot.Device.Bindings 4.2.0 has no VL53L1X binding.
/// </summary>
public static class Vl53l1xType
{
    public static readonly DeviceType Descriptor = new()
    {
        Name = "vl53l1x",
        Role = DeviceRole.Sensor,
        Summary = "VL53L1X time-of-flight distance (I2C, continuous ranging): distance in m; a fresh value per finished ranging, invalid ranges are stale",
        Channels = Vl53l1x.Channels,
        Fields = DeviceFields.I2c(DeviceFields.I2cAddress("a VL53L1X", 0x29, [.. Enumerable.Range(0x08, 0x70)], "41 (0x29) at power-on; another address only after re-addressing (8..119)")),
        CreateSensor = c => new Vl53l1x(c.Name, c.OpenI2c(), c.Hardware.Clock),
        Simulate = static (c, hw) =>
        {
            var part = new SimulatedVl53l1x(hw.SimClock, c.I2cBus, c.I2cAddress);
            hw.AttachI2c(c.I2cBus, c.I2cAddress, part);
            hw.AddPlant(new SimulatedApproachingWall(part));
        },
        Simulator = "VL53L1X register map (16-bit index, model id 0xEACC, firmware boot status, ULD configuration block, SYSTEM__MODE_START, data-ready on GPIO__TIO_HV_STATUS with the configured polarity, range status and distance, interrupt clear) ranging every 100 ms toward a wall at 0.2–2 m",
        Example = """{ "name": "tof", "type": "vl53l1x", "rateHz": 10, "channels": [ { "channel": "distance", "neurons": ["near"], "encoder": { "type": "linear", "inMin": 2.0, "inMax": 0.05 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The VL53L1X driver: the ULD's sensor initialisation (model id 0xEACC at 0x010F, wait for FIRMWARE__SYSTEM_STATUS,
/// the 91-byte default configuration to 0x2D..0x87, one ranging for the VHV calibration, then VHV from the previous
/// temperature), then continuous ranging. A read checks data-ready (GPIO__TIO_HV_STATUS against the interrupt polarity)
/// and, when a ranging finished, reads its range status and distance and clears the interrupt: at most four short
/// transfers on stack buffers, never a wait. A range whose status is not 0 (valid) is no fresh value (counted in
/// <see cref="InvalidRanges"/>); an I2C error is no fresh value (counted in <see cref="BusErrors"/>).
/// </summary>
public sealed class Vl53l1x : ISensor
{
    public static readonly string[] Channels = ["distance"];

    public const ushort RegGpioHvMuxCtrl = 0x0030, RegGpioTioHvStatus = 0x0031, RegInterruptClear = 0x0086, RegModeStart = 0x0087,
        RegRangeStatus = 0x0089, RegDistance = 0x0096, RegFirmwareStatus = 0x00E5, RegModelId = 0x010F,
        RegVhvLoopBound = 0x0008, RegVhvInit = 0x000B;

    public const ushort ModelIdValue = 0xEACC;

    /// <summary>ST's VL51L1X_DEFAULT_CONFIGURATION (ULD VL53L1X_api.c), written to 0x2D..0x87.</summary>
    public static ReadOnlySpan<byte> DefaultConfiguration =>
    [
        0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x02, 0x08, 0x00, 0x08, 0x10, 0x01, 0x01, 0x00, 0x00, 0x00,
        0x00, 0xff, 0x00, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x0b, 0x00, 0x00, 0x02, 0x0a, 0x21,
        0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0xc8, 0x00, 0x00, 0x38, 0xff, 0x01, 0x00, 0x08, 0x00,
        0x00, 0x01, 0xcc, 0x0f, 0x01, 0xf1, 0x0d, 0x01, 0x68, 0x00, 0x80, 0x08, 0xb8, 0x00, 0x00, 0x00,
        0x00, 0x0f, 0x89, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0f, 0x0d, 0x0e, 0x0e, 0x00,
        0x00, 0x02, 0xc7, 0xff, 0x9B, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
    ];

    private readonly I2cDevice _bus;
    private readonly byte _readyLevel;

    /// <param name="bus">Owned by the hardware factory.</param>
    /// <param name="clock">Paces the polls of the start-up (boot, first ranging); the read path never waits.</param>
    public Vl53l1x(string name, I2cDevice bus, DeviceClock clock)
    {
        Name = name;
        _bus = bus;
        ushort id = Read16(RegModelId);
        if (id != ModelIdValue)
        {
            throw new IOException($"{name}: model id 0x{id:X4} at I2C address 0x{bus.ConnectionSettings.DeviceAddress:X2} is not a VL53L1X's 0xEACC");
        }

        WaitFor(clock, RegFirmwareStatus, 0x01, 0x01, "firmware boot");
        Span<byte> config = stackalloc byte[2 + 91];
        config[0] = 0x00;
        config[1] = 0x2D;
        DefaultConfiguration.CopyTo(config[2..]);
        _bus.Write(config);
        _readyLevel = (byte)((Read8(RegGpioHvMuxCtrl) & 0x10) != 0 ? 0 : 1);   // ULD GetInterruptPolarity
        Write8(RegModeStart, 0x40);
        WaitFor(clock, RegGpioTioHvStatus, 0x01, _readyLevel, "first ranging (VHV calibration)");
        Write8(RegInterruptClear, 0x01);
        Write8(RegModeStart, 0x00);
        Write8(RegVhvLoopBound, 0x09);   // two bounds VHV
        Write8(RegVhvInit, 0x00);        // start VHV from the previous temperature
        Write8(RegModeStart, 0x40);      // continuous ranging
    }

    public string Name { get; }
    public int ChannelCount => 1;

    /// <summary>Reads that failed on the bus.</summary>
    public long BusErrors { get; private set; }

    /// <summary>Rangings with a status other than valid (no target, sigma or signal fail, wrap-around…).</summary>
    public long InvalidRanges { get; private set; }

    public bool Read(Span<float> destination)
    {
        try
        {
            if ((Read8(RegGpioTioHvStatus) & 1) != _readyLevel)
            {
                return false;   // no ranging finished since the last one read
            }

            byte status = (byte)(Read8(RegRangeStatus) & 0x1F);
            ushort mm = Read16(RegDistance);
            Write8(RegInterruptClear, 0x01);
            if (status != 9)   // 9 = range valid (ULD status_rtn maps it to 0)
            {
                InvalidRanges++;
                return false;
            }

            destination[0] = mm / 1000f;
            return true;
        }
        catch (IOException)
        {
            BusErrors++;
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            Write8(RegModeStart, 0x00);   // stop ranging
        }
        catch (IOException)
        {
        }
    }

    private void WaitFor(DeviceClock clock, ushort register, byte mask, byte value, string what)
    {
        for (int i = 0; i < 1000; i++)
        {
            if ((Read8(register) & mask) == value)
            {
                return;
            }

            clock.SpinFor(1_000_000);
        }

        throw new IOException($"{Name}: the VL53L1X did not finish its {what} within 1 s");
    }

    private byte Read8(ushort register)
    {
        Span<byte> index = [(byte)(register >> 8), (byte)register];
        Span<byte> value = stackalloc byte[1];
        _bus.WriteRead(index, value);
        return value[0];
    }

    private ushort Read16(ushort register)
    {
        Span<byte> index = [(byte)(register >> 8), (byte)register];
        Span<byte> value = stackalloc byte[2];
        _bus.WriteRead(index, value);
        return (ushort)((value[0] << 8) | value[1]);
    }

    private void Write8(ushort register, byte value)
    {
        Span<byte> b = [(byte)(register >> 8), (byte)register, value];
        _bus.Write(b);
    }
}

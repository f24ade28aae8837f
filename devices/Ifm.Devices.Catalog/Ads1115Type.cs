using System.Device.I2c;
using System.Runtime.CompilerServices;
using Ifm.Devices.Catalog.Simulation;
using Ifm.Devices.Mapping;
using Iot.Device.Ads1115;

namespace Ifm.Devices.Catalog;

/// <summary>Device type <c>ads1115</c>: the TI ADS1115 4-channel 16-bit ADC through Iot.Device.Bindings' <see cref="Ads1115"/>.</summary>
public static class Ads1115Type
{
    private static readonly IntField Address = DeviceFields.I2cAddress("an ADS1115", 0x48, [0x48, 0x49, 0x4A, 0x4B],
        "72..75 (0x48..0x4B): ADDR to GND 72, VDD 73, SDA 74, SCL 75");

    private static readonly NumberField RangeV = new("rangeV", 4.096, "full scale ±6.144 | 4.096 | 2.048 | 1.024 | 0.512 | 0.256 V (PGA)")
    {
        Values = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256],
    };

    private static readonly IntField DataRate = new("dataRate", 860, "samples/s: 8 | 16 | 32 | 64 | 128 | 250 | 475 | 860") { Values = [8, 16, 32, 64, 128, 250, 475, 860] };

    public static readonly DeviceType Descriptor = new()
    {
        Name = "ads1115",
        Role = DeviceRole.Sensor,
        Summary = "ADS1115 4-channel 16-bit ADC (I2C): ain0..ain3 in volts, single-ended; sampled on a background thread",
        Channels = Ads1115Sensor.Channels,
        Fields = DeviceFields.I2c(Address, RangeV, DataRate),
        CreateSensor = c => new Ads1115Sensor(c.Name, c.OpenI2c(), c.Get(RangeV), c.Get(DataRate), c.PeriodSeconds),
        Simulate = static (c, hw) =>
        {
            var adc = new SimulatedAds1115(c.I2cBus, c.I2cAddress);
            hw.AttachI2c(c.I2cBus, c.I2cAddress, adc);
            hw.AddPlant(new SimulatedAnalogInputs(adc));
        },
        Simulator = "ADS1115 register map (config, conversion, thresholds; OS busy bit, PGA, MUX single-ended and differential) with four slow voltage ramps",
        Example = """{ "name": "adc", "type": "ads1115", "address": 72, "rangeV": 4.096, "channels": [ { "channel": "ain0", "neurons": ["battery"], "encoder": { "type": "linear", "inMin": 0, "inMax": 3.3 } } ] }""",
    };

    [ModuleInitializer]
    internal static void RegisterOnLoad() => DeviceTypes.Register(Descriptor);
}

/// <summary>
/// The ADS1115 as a sensor. A single-shot conversion per input blocks for 1/dataRate (the binding polls the OS bit),
/// so the four inputs are converted in turn by a background thread into a latest-value slot; <see cref="BackgroundSensor.Read"/>
/// copies the newest sweep and never blocks or allocates. An I2C error (<see cref="IOException"/>) or a conversion
/// that never finishes (<see cref="TimeoutException"/>) skips that sweep: the loop sees stale reads, counted in
/// <see cref="BackgroundSensor.BusErrors"/>.
/// </summary>
public sealed class Ads1115Sensor : BackgroundSensor
{
    public static readonly string[] Channels = ["ain0", "ain1", "ain2", "ain3"];
    private static readonly InputMultiplexer[] Inputs = [InputMultiplexer.AIN0, InputMultiplexer.AIN1, InputMultiplexer.AIN2, InputMultiplexer.AIN3];

    private readonly Ads1115 _adc;
    private readonly MeasuringRange _range;
    private readonly DataRate _rate;
    private readonly double _fullScale;

    /// <param name="bus">The ADC's I2C device; the hardware factory owns it (the binding is never disposed: it would dispose the bus).</param>
    /// <param name="periodSeconds">The device's read period; the background thread sweeps at that rate.</param>
    public Ads1115Sensor(string name, I2cDevice bus, double rangeV, int dataRate, double periodSeconds)
        : base(name, 4)
    {
        _fullScale = rangeV;
        _range = rangeV switch
        {
            6.144 => MeasuringRange.FS6144, 4.096 => MeasuringRange.FS4096, 2.048 => MeasuringRange.FS2048,
            1.024 => MeasuringRange.FS1024, 0.512 => MeasuringRange.FS0512, _ => MeasuringRange.FS0256,
        };
        _rate = dataRate switch
        {
            8 => DataRate.SPS008, 16 => DataRate.SPS016, 32 => DataRate.SPS032, 64 => DataRate.SPS064,
            128 => DataRate.SPS128, 250 => DataRate.SPS250, 475 => DataRate.SPS475, _ => DataRate.SPS860,
        };
        _adc = new Ads1115(bus, InputMultiplexer.AIN0, _range, _rate, DeviceMode.PowerDown);
        Start(periodSeconds);
    }

    /// <summary>Completed sweeps of the four inputs.</summary>
    public long Sweeps => Samples;

    protected override void Sample(Span<float> destination)
    {
        for (int k = 0; k < 4; k++)
        {
            destination[k] = (float)(_adc.ReadRaw(Inputs[k], _range, _rate) * _fullScale / 32768.0);
        }
    }
}

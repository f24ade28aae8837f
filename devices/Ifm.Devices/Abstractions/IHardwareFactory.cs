using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Pwm;
using System.Device.Spi;
using Ifm.Devices.Mapping;

namespace Ifm.Devices;

/// <summary>
/// Opens the buses a device map needs. <see cref="LinuxHardware"/> opens the real ones (libgpiod, /dev/i2c-N,
/// sysfs PWM, serial ports); <see cref="Simulation.SimulatedHardware"/> returns fakes and simulated plants.
/// </summary>
/// <remarks>
/// The factory owns everything it opens and releases it in <see cref="IDisposable.Dispose"/>; drivers that
/// receive a bus from it must not dispose that bus themselves.
/// </remarks>
public interface IHardwareFactory : IDisposable
{
    /// <summary>Clock handed to drivers that time pulses or debounce edges.</summary>
    DeviceClock Clock { get; }

    /// <summary>The GPIO controller of chip <paramref name="chip"/> (one controller per chip, shared).</summary>
    GpioController Gpio(int chip);

    /// <summary>Opens the I2C device at <paramref name="address"/> on bus <paramref name="bus"/>.</summary>
    I2cDevice OpenI2c(int bus, int address);

    /// <summary>
    /// Opens SPI device <paramref name="chipSelect"/> on bus <paramref name="bus"/> (/dev/spidevB.C), 8-bit words,
    /// at <paramref name="clockHz"/> in <paramref name="mode"/>. A factory without SPI refuses.
    /// </summary>
    SpiDevice OpenSpi(int bus, int chipSelect, int clockHz, SpiMode mode) =>
        throw new NotSupportedException($"this hardware factory has no SPI (asked for /dev/spidev{bus}.{chipSelect})");

    /// <summary>Opens PWM <paramref name="channel"/> of PWM chip <paramref name="chip"/>, stopped, at <paramref name="frequencyHz"/>.</summary>
    PwmChannel OpenPwm(int chip, int channel, int frequencyHz);

    /// <summary>Opens a serial port (8N1, no handshake) and returns its byte stream.</summary>
    Stream OpenSerial(string port, int baudRate);

    /// <summary>
    /// Creates a device that exists only in this factory (the simulated Pong game); <see langword="null"/> when
    /// the factory does not know <paramref name="device"/>'s type.
    /// </summary>
    ISensor? CreateSensor(DeviceSpec device);

    /// <inheritdoc cref="CreateSensor"/>
    IActuator? CreateActuator(DeviceSpec device);

    /// <summary>
    /// Called by <see cref="Mapping.DeviceSet.DecodeAndWrite"/> at the end of every period, after the actuators
    /// were written: simulated plants advance one step here. Real hardware does nothing.
    /// </summary>
    void EndPeriod(long period);
}

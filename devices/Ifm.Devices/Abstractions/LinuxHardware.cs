using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Pwm;
using System.IO.Ports;
using Ifm.Devices.Mapping;

namespace Ifm.Devices;

/// <summary>
/// Real hardware on Linux: GPIO through libgpiod (<c>/dev/gpiochipN</c>; the chip number comes from the map —
/// 0 on a Raspberry Pi, usually another on Jetson), I2C through <c>/dev/i2c-N</c>, PWM through
/// <c>/sys/class/pwm/pwmchipN</c>, serial ports through System.IO.Ports (8N1, 250 ms read timeout).
/// </summary>
public sealed class LinuxHardware : IHardwareFactory
{
    private readonly Dictionary<int, GpioController> _gpio = [];
    private readonly List<IDisposable> _owned = [];
    private bool _disposed;

    public DeviceClock Clock => DeviceClock.System;

    public GpioController Gpio(int chip)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_gpio.TryGetValue(chip, out GpioController? controller))
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("GPIO needs Linux (libgpiod); use the simulated hardware elsewhere");
            }

            controller = new GpioController(new LibGpiodDriver(chip));
            _gpio[chip] = controller;
        }

        return controller;
    }

    public I2cDevice OpenI2c(int bus, int address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        I2cDevice device = I2cDevice.Create(new I2cConnectionSettings(bus, address));
        _owned.Add(device);
        return device;
    }

    public System.Device.Spi.SpiDevice OpenSpi(int bus, int chipSelect, int clockHz, System.Device.Spi.SpiMode mode)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var device = System.Device.Spi.SpiDevice.Create(new System.Device.Spi.SpiConnectionSettings(bus, chipSelect)
        {
            ClockFrequency = clockHz,
            Mode = mode,
            DataBitLength = 8,
        });
        _owned.Add(device);
        return device;
    }

    public PwmChannel OpenPwm(int chip, int channel, int frequencyHz)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PwmChannel pwm = PwmChannel.Create(chip, channel, frequencyHz, 0);
        _owned.Add(pwm);
        return pwm;
    }

    public Stream OpenSerial(string port, int baudRate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var serial = new SerialPort(port, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = 250,
            WriteTimeout = 250,
        };
        serial.Open();
        _owned.Add(serial);
        return serial.BaseStream;
    }

    public ISensor? CreateSensor(DeviceSpec device) => null;

    public IActuator? CreateActuator(DeviceSpec device) => null;

    public void EndPeriod(long period)
    {
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception)
            {
                // Keep releasing the rest.
            }
        }

        foreach (GpioController c in _gpio.Values)
        {
            try
            {
                c.Dispose();
            }
            catch (Exception)
            {
                // Keep releasing the rest.
            }
        }
    }
}

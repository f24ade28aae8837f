using System.Device.I2c;
using System.Device.Pwm;
using Ifm.Devices;

namespace Ifm.Control.Tests;

/// <summary>Simulated hardware whose pong_sensor device throws on its <c>failAtRead</c>-th read (a sensor whose bus died).</summary>
internal sealed class FailingSensorHardware(SimulatedHardware inner, int failAtRead) : IHardwareFactory
{
    public SimulatedHardware Inner => inner;
    public PinValue LevelWhenFailed { get; private set; }
    public DeviceClock Clock => inner.Clock;
    public GpioController Gpio(int chip) => inner.Gpio(chip);
    public I2cDevice OpenI2c(int bus, int address) => inner.OpenI2c(bus, address);
    public PwmChannel OpenPwm(int chip, int channel, int frequencyHz) => inner.OpenPwm(chip, channel, frequencyHz);
    public Stream OpenSerial(string port, int baudRate) => inner.OpenSerial(port, baudRate);
    public ISensor? CreateSensor(DeviceSpec device) => new Sensor(device.Name!, this, failAtRead);
    public IActuator? CreateActuator(DeviceSpec device) => inner.CreateActuator(device);
    public void EndPeriod(long period) => inner.EndPeriod(period);
    public void Dispose() => inner.Dispose();

    private sealed class Sensor(string name, FailingSensorHardware owner, int failAt) : ISensor
    {
        private int _reads;
        public string Name => name;
        public int ChannelCount => 4; // pong_sensor: ball_x, ball_y, paddle_x, contact

        public bool Read(Span<float> destination)
        {
            if (_reads++ == failAt)
            {
                owner.LevelWhenFailed = owner.Inner.Driver(0).GetLevel(6);
                throw new IOException("bus error");
            }

            destination.Fill(100);
            return true;
        }

        public void Dispose() { }
    }
}

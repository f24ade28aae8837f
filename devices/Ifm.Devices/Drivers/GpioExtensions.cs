using System.Device.Gpio;

namespace Ifm.Devices.Drivers;

public static class GpioExtensions
{
    /// <summary>
    /// Writes one pin without allocating. <see cref="GpioController.Write(int, PinValue)"/> allocates 40 bytes per
    /// call in System.Device.Gpio 4.2.0 (measured with GC.GetAllocatedBytesForCurrentThread; it updates a
    /// dictionary of pin values); the span overload goes straight to the driver and allocates nothing.
    /// </summary>
    public static void WritePin(this GpioController gpio, int pin, PinValue value)
    {
        Span<PinValuePair> pair = [new PinValuePair(pin, value)];
        gpio.Write(pair);
    }
}

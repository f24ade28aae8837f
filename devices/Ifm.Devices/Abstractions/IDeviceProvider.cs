using Ifm.Devices.Mapping;

namespace Ifm.Devices;

/// <summary>
/// Creates the devices of map types that live in another assembly (the firmware bridge's <c>bridge_sensor</c> and
/// <c>bridge_actuator</c>): <see cref="DeviceSet.Bind"/> asks every provider, in order, before the hardware factory.
/// </summary>
/// <remarks>
/// Called only while binding, never in the control period. The map has already validated the spec's fields. The
/// returned device is owned by the <see cref="DeviceSet"/> (it disposes it); the provider keeps and releases
/// whatever the devices share (a serial link) in its own <see cref="IDisposable.Dispose"/>, which its owner calls
/// after the device set's.
/// </remarks>
public interface IDeviceProvider
{
    /// <summary>The sensor for <paramref name="device"/>, or <see langword="null"/> when this provider does not own its type.</summary>
    ISensor? CreateSensor(DeviceSpec device);

    /// <summary>The actuator for <paramref name="device"/>, or <see langword="null"/> when this provider does not own its type.</summary>
    IActuator? CreateActuator(DeviceSpec device);
}

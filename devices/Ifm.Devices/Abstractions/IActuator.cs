namespace Ifm.Devices;

/// <summary>
/// A sink of commands: one device with one or more channels (an H-bridge motor has one, a pan-tilt head two).
/// </summary>
/// <remarks>
/// <see cref="Write"/> is called from the control loop and must not allocate. <see cref="EnterSafeState"/> is
/// called on normal stop, on any fault and on link loss: it must be idempotent, must not throw, and must leave
/// the hardware in the safe state configured for the device even if <see cref="Write"/> failed before.
/// </remarks>
public interface IActuator : IDisposable
{
    /// <summary>Name of the device in the device map.</summary>
    string Name { get; }

    /// <summary>Number of command channels <see cref="Write"/> expects.</summary>
    int ChannelCount { get; }

    /// <summary>Applies one command per channel (units are the device's own: duty, angle, level).</summary>
    void Write(ReadOnlySpan<float> command);

    /// <summary>Drives every channel to its configured safe value.</summary>
    void EnterSafeState();
}

namespace Ifm.Devices;

/// <summary>
/// A source of numeric samples: one device with one or more channels (an IMU has six, a push button one).
/// </summary>
/// <remarks>
/// <see cref="Read"/> is called from the control loop once per read period of the device. It must not allocate
/// managed memory and must not block for longer than the device's own timeout. A transient failure is reported
/// by returning <see langword="false"/> (the loop keeps the previous sample and counts it); a permanent failure
/// throws, which makes the loop enter the safe state.
/// </remarks>
public interface ISensor : IDisposable
{
    /// <summary>Name of the device in the device map.</summary>
    string Name { get; }

    /// <summary>Number of channels <see cref="Read"/> fills.</summary>
    int ChannelCount { get; }

    /// <summary>Reads the newest sample of every channel into <paramref name="destination"/>.</summary>
    /// <returns><see langword="true"/> when fresh values were written.</returns>
    bool Read(Span<float> destination);
}

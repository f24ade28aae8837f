namespace Ifm.Devices.Coding;

/// <summary>Turns one sensor value into the activity of <see cref="NeuronCount"/> input neurons.</summary>
/// <remarks>
/// <see cref="Encode"/> is called once per control period (also in periods where the sensor was not re-read: the
/// last sample is held), writes exactly <see cref="NeuronCount"/> values and allocates nothing. Spike encoders
/// keep state between calls; <see cref="Reset"/> restores the initial state (and the RNG seed).
/// </remarks>
public interface IEncoder
{
    /// <summary>Number of neurons written by <see cref="Encode"/>.</summary>
    int NeuronCount { get; }

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/>[0..NeuronCount).</summary>
    void Encode(float value, Span<float> destination);

    /// <summary>Restores the initial state.</summary>
    void Reset();
}

/// <summary>Turns the activity of <see cref="NeuronCount"/> output neurons into one command value.</summary>
/// <remarks>Called once per control period (spike-count windows see every period); allocates nothing.</remarks>
public interface IDecoder
{
    /// <summary>Number of neurons read by <see cref="Decode"/>.</summary>
    int NeuronCount { get; }

    /// <summary>Decodes <paramref name="neurons"/>[0..NeuronCount) into one command value.</summary>
    float Decode(ReadOnlySpan<float> neurons);

    /// <summary>Restores the initial state.</summary>
    void Reset();
}

internal static class CodingThrow
{
    public static void Length(int needed, int actual, string what)
    {
        if (actual < needed)
        {
            throw new ArgumentException($"{what} needs {needed} elements, got {actual}.");
        }
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a finite number");
        }
    }
}

namespace Ifm.Devices.Coding;

/// <summary>
/// One-hot select: the command is <see cref="Values"/>[argmax(neurons)]. Ties go to the lowest index; when the
/// maximum is below <see cref="MinActivation"/> (or all neurons are NaN) the command is <see cref="Fallback"/>.
/// </summary>
/// <remarks>Pong: neurons (right, left, none) with values (+1, −1, 0).</remarks>
public sealed class ArgmaxDecoder : IDecoder
{
    private readonly float[] _values;

    public ArgmaxDecoder(ReadOnlySpan<float> values, float minActivation = float.NegativeInfinity, float fallback = 0f)
    {
        if (values.Length < 1)
        {
            throw new ArgumentException("needs at least one value", nameof(values));
        }

        _values = values.ToArray();
        MinActivation = minActivation;
        Fallback = fallback;
    }

    public ReadOnlySpan<float> Values => _values;
    public float MinActivation { get; }
    public float Fallback { get; }
    public int NeuronCount => _values.Length;

    /// <summary>Index of the winning neuron, or −1 when none reaches <see cref="MinActivation"/>.</summary>
    public int Select(ReadOnlySpan<float> neurons)
    {
        CodingThrow.Length(_values.Length, neurons.Length, nameof(neurons));
        int best = -1;
        float bestValue = float.NegativeInfinity;
        for (int i = 0; i < _values.Length; i++)
        {
            float y = neurons[i];
            if (y > bestValue || (best < 0 && y >= bestValue))
            {
                best = i;
                bestValue = y;
            }
        }

        return best >= 0 && bestValue >= MinActivation ? best : -1;
    }

    public float Decode(ReadOnlySpan<float> neurons)
    {
        int i = Select(neurons);
        return i < 0 ? Fallback : _values[i];
    }

    public void Reset()
    {
    }
}

/// <summary>
/// One neuron mapped linearly from [<see cref="InMin"/>, <see cref="InMax"/>] (e.g. tanh's −1..1) to
/// [<see cref="OutMin"/>, <see cref="OutMax"/>] (a PWM duty 0..1, a servo angle 0..180), clamped; NaN gives
/// <see cref="NaNValue"/>.
/// </summary>
public sealed class LinearDecoder : IDecoder
{
    private readonly LinearEncoder _map;

    public LinearDecoder(float inMin, float inMax, float outMin, float outMax, float nanValue = 0f)
    {
        _map = new LinearEncoder(inMin, inMax, outMin, outMax);
        NaNValue = nanValue;
    }

    public float InMin => _map.InMin;
    public float InMax => _map.InMax;
    public float OutMin => _map.OutMin;
    public float OutMax => _map.OutMax;
    public float NaNValue { get; }
    public int NeuronCount => 1;

    public float Decode(ReadOnlySpan<float> neurons)
    {
        CodingThrow.Length(1, neurons.Length, nameof(neurons));
        float y = neurons[0];
        return float.IsNaN(y) ? NaNValue : _map.Map(y);
    }

    public void Reset()
    {
    }
}

/// <summary>One neuron: <see cref="High"/> when its activity is at or above <see cref="Threshold"/>, else <see cref="Low"/> (NaN → Low).</summary>
public sealed class ThresholdDecoder : IDecoder
{
    public ThresholdDecoder(float threshold, float high = 1f, float low = 0f)
    {
        CodingThrow.Finite(threshold, nameof(threshold));
        (Threshold, High, Low) = (threshold, high, low);
    }

    public float Threshold { get; }
    public float High { get; }
    public float Low { get; }
    public int NeuronCount => 1;

    public float Decode(ReadOnlySpan<float> neurons)
    {
        CodingThrow.Length(1, neurons.Length, nameof(neurons));
        return neurons[0] >= Threshold ? High : Low;
    }

    public void Reset()
    {
    }
}

/// <summary>
/// Spike count over a sliding window of the last <see cref="Window"/> periods: a period counts as a spike when the
/// neuron's activity is at or above <see cref="SpikeThreshold"/>. The command is
/// <c>outMin + (count / window)·(outMax − outMin)</c>; the window starts empty (count 0).
/// </summary>
public sealed class SpikeCountDecoder : IDecoder
{
    private readonly bool[] _ring;
    private int _next;
    private int _count;

    public SpikeCountDecoder(int window, float spikeThreshold = 0.5f, float outMin = 0f, float outMax = 1f)
    {
        if (window is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "must be 1..1000000");
        }

        CodingThrow.Finite(spikeThreshold, nameof(spikeThreshold));
        _ring = new bool[window];
        SpikeThreshold = spikeThreshold;
        OutMin = outMin;
        OutMax = outMax;
    }

    public int Window => _ring.Length;
    public float SpikeThreshold { get; }
    public float OutMin { get; }
    public float OutMax { get; }
    public int NeuronCount => 1;

    /// <summary>Spikes in the current window.</summary>
    public int Count => _count;

    public float Decode(ReadOnlySpan<float> neurons)
    {
        CodingThrow.Length(1, neurons.Length, nameof(neurons));
        bool spike = neurons[0] >= SpikeThreshold;
        if (_ring[_next])
        {
            _count--;
        }

        _ring[_next] = spike;
        if (spike)
        {
            _count++;
        }

        _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        return OutMin + ((float)_count / _ring.Length * (OutMax - OutMin));
    }

    public void Reset()
    {
        Array.Clear(_ring);
        _next = 0;
        _count = 0;
    }
}

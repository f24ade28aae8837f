using System.Runtime.CompilerServices;

namespace Ifm.Devices.Coding;

/// <summary>One neuron: <see cref="High"/> when the value is at or above <see cref="Threshold"/>, else <see cref="Low"/>.</summary>
public sealed class ThresholdEncoder : IEncoder
{
    public ThresholdEncoder(float threshold, float high = 1f, float low = 0f)
    {
        CodingThrow.Finite(threshold, nameof(threshold));
        Threshold = threshold;
        High = high;
        Low = low;
    }

    public float Threshold { get; }
    public float High { get; }
    public float Low { get; }
    public int NeuronCount => 1;

    public void Encode(float value, Span<float> destination)
    {
        CodingThrow.Length(1, destination.Length, nameof(destination));
        destination[0] = value >= Threshold ? High : Low; // NaN compares false: NaN encodes as Low.
    }

    public void Reset()
    {
    }
}

/// <summary>
/// One neuron: the value mapped linearly from [<see cref="InMin"/>, <see cref="InMax"/>] to
/// [<see cref="OutMin"/>, <see cref="OutMax"/>], clamped to the output range (NaN gives <see cref="OutMin"/>).
/// </summary>
public sealed class LinearEncoder : IEncoder
{
    private readonly float _scale;

    public LinearEncoder(float inMin, float inMax, float outMin = 0f, float outMax = 1f)
    {
        CodingThrow.Finite(inMin, nameof(inMin));
        CodingThrow.Finite(inMax, nameof(inMax));
        CodingThrow.Finite(outMin, nameof(outMin));
        CodingThrow.Finite(outMax, nameof(outMax));
        if (inMin == inMax)
        {
            throw new ArgumentException("inMin and inMax must differ.", nameof(inMax));
        }

        (InMin, InMax, OutMin, OutMax) = (inMin, inMax, outMin, outMax);
        _scale = (outMax - outMin) / (inMax - inMin);
    }

    public float InMin { get; }
    public float InMax { get; }
    public float OutMin { get; }
    public float OutMax { get; }
    public int NeuronCount => 1;

    public void Encode(float value, Span<float> destination)
    {
        CodingThrow.Length(1, destination.Length, nameof(destination));
        destination[0] = Map(value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal float Map(float value)
    {
        if (float.IsNaN(value))
        {
            return OutMin;
        }

        float y = OutMin + ((value - InMin) * _scale);
        float lo = MathF.Min(OutMin, OutMax), hi = MathF.Max(OutMin, OutMax);
        return Math.Clamp(y, lo, hi);
    }

    public void Reset()
    {
    }
}

/// <summary>
/// <see cref="Bits"/> neurons: the two's-complement binary code of round(value · <see cref="Scale"/> + <see cref="Offset"/>), most
/// significant bit first (bit set → <see cref="High"/>, clear → <see cref="Low"/>).
/// </summary>
/// <remarks>
/// This is the Pong data's input encoding with <c>bits = 8, offset = 2</c>: ball_x = 100 → 102 → 0,1,1,0,0,1,1,0.
/// The integer is clamped to [−2^(bits−1), 2^bits − 1] (8 bits: −128..255) before taking its low
/// <see cref="Bits"/> bits, so values the code cannot hold saturate instead of wrapping. NaN encodes as 0.
/// <see cref="Scale"/> (default 1) maps a normalised sensor onto the code's units (a 0..1 position → 0..200 px).
/// </remarks>
public sealed class BinaryCodeEncoder : IEncoder
{
    public BinaryCodeEncoder(int bits, float offset = 0f, float high = 1f, float low = 0f, float scale = 1f)
    {
        if (bits is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, "must be 1..32");
        }

        CodingThrow.Finite(offset, nameof(offset));
        CodingThrow.Finite(scale, nameof(scale));
        (Bits, Offset, High, Low, Scale) = (bits, offset, high, low, scale);
        MinCode = -(1L << (bits - 1));
        MaxCode = (1L << bits) - 1;
    }

    public int Bits { get; }
    public float Offset { get; }
    public float Scale { get; }
    public float High { get; }
    public float Low { get; }
    public long MinCode { get; }
    public long MaxCode { get; }
    public int NeuronCount => Bits;

    public void Encode(float value, Span<float> destination)
    {
        CodingThrow.Length(Bits, destination.Length, nameof(destination));
        double v = ((double)value * Scale) + Offset;
        long code = double.IsNaN(v) ? 0 : (long)Math.Clamp(Math.Round(v, MidpointRounding.ToEven), MinCode, MaxCode);
        ulong bitsValue = unchecked((ulong)code);
        for (int i = 0; i < Bits; i++)
        {
            int shift = Bits - 1 - i;
            destination[i] = ((bitsValue >> shift) & 1UL) != 0 ? High : Low;
        }
    }

    public void Reset()
    {
    }
}

/// <summary>
/// Population coding: <see cref="NeuronCount"/> neurons with Gaussian tuning curves whose centres are spaced
/// evenly over [<see cref="Min"/>, <see cref="Max"/>]: neuron i fires
/// <c>gain · exp(−(v − c_i)² / (2σ²))</c>, c_i = min + i·(max − min)/(n − 1).
/// </summary>
/// <remarks>σ defaults to the centre spacing. Values outside the range are clamped to it (the edge neurons then
/// respond maximally), NaN gives all zeros.</remarks>
public sealed class PopulationEncoder : IEncoder
{
    private readonly float _inverseTwoSigmaSquared;
    private readonly float _spacing;

    public PopulationEncoder(int count, float min, float max, float sigma = 0f, float gain = 1f)
    {
        if (count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "must be at least 2");
        }

        CodingThrow.Finite(min, nameof(min));
        CodingThrow.Finite(max, nameof(max));
        if (!(max > min))
        {
            throw new ArgumentException("max must be greater than min.", nameof(max));
        }

        if (!(sigma >= 0f) || !float.IsFinite(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "must be finite and >= 0 (0 = spacing)");
        }

        NeuronCount = count;
        Min = min;
        Max = max;
        Gain = gain;
        _spacing = (max - min) / (count - 1);
        Sigma = sigma == 0f ? _spacing : sigma;
        _inverseTwoSigmaSquared = 1f / (2f * Sigma * Sigma);
    }

    public int NeuronCount { get; }
    public float Min { get; }
    public float Max { get; }
    public float Sigma { get; }
    public float Gain { get; }

    /// <summary>Centre of neuron <paramref name="index"/>'s tuning curve.</summary>
    public float Centre(int index) => Min + (index * _spacing);

    public void Encode(float value, Span<float> destination)
    {
        CodingThrow.Length(NeuronCount, destination.Length, nameof(destination));
        if (float.IsNaN(value))
        {
            destination[..NeuronCount].Clear();
            return;
        }

        float v = Math.Clamp(value, Min, Max);
        for (int i = 0; i < NeuronCount; i++)
        {
            float d = v - Centre(i);
            destination[i] = Gain * MathF.Exp(-d * d * _inverseTwoSigmaSquared);
        }
    }

    public void Reset()
    {
    }
}

/// <summary>How a <see cref="SpikeEncoder"/> turns a firing probability into spikes.</summary>
public enum SpikeMode
{
    /// <summary>Bernoulli draw per period with probability p (a discrete Poisson process), seeded RNG.</summary>
    Poisson,

    /// <summary>Deterministic regular train: an accumulator adds p each period and fires when it reaches 1.</summary>
    Regular,
}

/// <summary>
/// Rate / spike coding: the value is mapped linearly (clamped) from [<see cref="InMin"/>, <see cref="InMax"/>] to
/// a firing probability per period in [0, <see cref="MaxProbability"/>]; each of <see cref="NeuronCount"/>
/// neurons emits 1 (spike) or 0 per call.
/// </summary>
/// <remarks>
/// Poisson mode uses a SplitMix64 generator seeded with <see cref="Seed"/> (the same seed gives the same spike
/// trains on every platform and .NET version). In Regular mode neuron i starts with phase i/n so a population does
/// not fire in lockstep.
/// </remarks>
public sealed class SpikeEncoder : IEncoder
{
    private readonly LinearEncoder _toProbability;
    private readonly float[] _accumulators;
    private SplitMix64 _rng;

    public SpikeEncoder(SpikeMode mode, float inMin, float inMax, float maxProbability = 1f, int count = 1, ulong seed = 1)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "must be at least 1");
        }

        if (!(maxProbability > 0f && maxProbability <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(maxProbability), maxProbability, "must be in (0, 1]");
        }

        Mode = mode;
        InMin = inMin;
        InMax = inMax;
        MaxProbability = maxProbability;
        NeuronCount = count;
        Seed = seed;
        _toProbability = new LinearEncoder(inMin, inMax, 0f, maxProbability);
        _accumulators = new float[count];
        Reset();
    }

    public SpikeMode Mode { get; }
    public float InMin { get; }
    public float InMax { get; }
    public float MaxProbability { get; }
    public ulong Seed { get; }
    public int NeuronCount { get; }

    public void Encode(float value, Span<float> destination)
    {
        CodingThrow.Length(NeuronCount, destination.Length, nameof(destination));
        float p = _toProbability.Map(value);
        for (int i = 0; i < NeuronCount; i++)
        {
            if (Mode == SpikeMode.Poisson)
            {
                destination[i] = _rng.NextFloat() < p ? 1f : 0f;
            }
            else
            {
                float acc = _accumulators[i] + p;
                if (acc >= 1f)
                {
                    destination[i] = 1f;
                    acc -= 1f;
                }
                else
                {
                    destination[i] = 0f;
                }

                _accumulators[i] = acc;
            }
        }
    }

    public void Reset()
    {
        _rng = new SplitMix64(Seed);
        for (int i = 0; i < _accumulators.Length; i++)
        {
            _accumulators[i] = (float)i / _accumulators.Length;
        }
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): small, fast, reproducible across platforms.</summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax)
    {
        if (exclusiveMax <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exclusiveMax));
        }

        return (int)((NextUInt64() >> 33) % (ulong)exclusiveMax);
    }
}

using Ifm.Devices.Coding;

namespace Ifm.Devices.Tests;

public class EncoderTests
{
    [Fact]
    public void Threshold_is_inclusive_and_nan_is_low()
    {
        var e = new ThresholdEncoder(0.5f, high: 2f, low: -1f);
        Span<float> d = stackalloc float[1];
        e.Encode(0.49f, d);
        Assert.Equal(-1f, d[0]);
        e.Encode(0.5f, d);
        Assert.Equal(2f, d[0]);
        e.Encode(float.NaN, d);
        Assert.Equal(-1f, d[0]);
    }

    [Theory]
    [InlineData(2.5f, 0.25f)]
    [InlineData(-1f, 0f)]
    [InlineData(11f, 1f)]
    [InlineData(float.NaN, 0f)]
    public void Linear_scales_and_clamps(float v, float expected)
    {
        var e = new LinearEncoder(0, 10, 0, 1);
        Span<float> d = stackalloc float[1];
        e.Encode(v, d);
        Assert.Equal(expected, d[0], 6);
    }

    [Fact]
    public void Linear_with_reversed_output_range()
    {
        var e = new LinearEncoder(0, 10, 1, 0);
        Span<float> d = stackalloc float[1];
        e.Encode(2.5f, d);
        Assert.Equal(0.75f, d[0], 6);
        e.Encode(20f, d);
        Assert.Equal(0f, d[0]);
    }

    [Theory]
    // First three ticks of the Pong recording d0.txt and their c0.txt codes (value + 2, MSB first).
    [InlineData(100f, "01100110")]
    [InlineData(150f, "10011000")]
    [InlineData(75f, "01001101")]
    [InlineData(-2f, "00000000")]
    [InlineData(-3f, "11111111")]   // -1 in two's complement
    [InlineData(300f, "11111111")]  // saturates at 255
    [InlineData(-200f, "10000000")] // saturates at -128
    public void Binary_code_matches_the_pong_data(float value, string bits)
    {
        var e = new BinaryCodeEncoder(8, offset: 2);
        Span<float> d = stackalloc float[8];
        e.Encode(value, d);
        Assert.Equal(bits, string.Concat(d.ToArray().Select(x => x == 1f ? '1' : '0')));
    }

    [Fact]
    public void Binary_code_rejects_bad_widths() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCodeEncoder(40));

    [Fact]
    public void Population_gaussians_by_hand()
    {
        var e = new PopulationEncoder(5, 0, 4); // centres 0..4, sigma = spacing = 1
        Span<float> d = stackalloc float[5];
        e.Encode(2f, d);
        Assert.Equal(MathF.Exp(-2f), d[0], 6);
        Assert.Equal(MathF.Exp(-0.5f), d[1], 6);
        Assert.Equal(1f, d[2], 6);
        Assert.Equal(MathF.Exp(-0.5f), d[3], 6);
        e.Encode(10f, d); // clamped to 4
        Assert.Equal(1f, d[4], 6);
        Assert.Equal(MathF.Exp(-0.5f), d[3], 6);
    }

    [Fact]
    public void Regular_spikes_are_periodic()
    {
        var e = new SpikeEncoder(SpikeMode.Regular, 0, 1, maxProbability: 1f);
        Span<float> d = stackalloc float[1];
        var train = new List<float>();
        for (int i = 0; i < 8; i++)
        {
            e.Encode(0.25f, d);
            train.Add(d[0]);
        }

        Assert.Equal(new float[] { 0, 0, 0, 1, 0, 0, 0, 1 }, train);
    }

    [Fact]
    public void Poisson_rate_and_seed_reproducibility()
    {
        var a = new SpikeEncoder(SpikeMode.Poisson, 0, 1, count: 1, seed: 42);
        var b = new SpikeEncoder(SpikeMode.Poisson, 0, 1, count: 1, seed: 42);
        var c = new SpikeEncoder(SpikeMode.Poisson, 0, 1, count: 1, seed: 43);
        Span<float> da = stackalloc float[1], db = stackalloc float[1], dc = stackalloc float[1];
        int spikes = 0, same = 0, differ = 0;
        var first = new List<float>();
        for (int i = 0; i < 10_000; i++)
        {
            a.Encode(0.3f, da);
            b.Encode(0.3f, db);
            c.Encode(0.3f, dc);
            spikes += (int)da[0];
            same += da[0] == db[0] ? 1 : 0;
            differ += da[0] != dc[0] ? 1 : 0;
            if (i < 50)
            {
                first.Add(da[0]);
            }
        }

        Assert.InRange(spikes, 2700, 3300); // mean 3000, sd 46
        Assert.Equal(10_000, same);
        Assert.True(differ > 1000);
        a.Reset();
        for (int i = 0; i < 50; i++)
        {
            a.Encode(0.3f, da);
            Assert.Equal(first[i], da[0]);
        }
    }

    [Fact]
    public void Zero_value_never_spikes()
    {
        var e = new SpikeEncoder(SpikeMode.Poisson, 0, 1, seed: 3);
        Span<float> d = stackalloc float[1];
        for (int i = 0; i < 1000; i++)
        {
            e.Encode(0f, d);
            Assert.Equal(0f, d[0]);
        }
    }
}

public class DecoderTests
{
    [Fact]
    public void Argmax_selects_command_values()
    {
        var d = new ArgmaxDecoder([1f, -1f, 0f]);
        Assert.Equal(-1f, d.Decode([0.1f, 0.9f, 0.2f]));
        Assert.Equal(1f, d.Decode([0.5f, 0.5f, 0.1f]));   // tie → lowest index
        Assert.Equal(0f, d.Decode([-0.9f, -0.8f, -0.1f]));
        Assert.Equal(7f, new ArgmaxDecoder([1f, -1f], 0.6f, 7f).Decode([0.5f, 0.2f])); // below minActivation → fallback
        Assert.Equal(0f, d.Decode([float.NaN, float.NaN, float.NaN]));
        Assert.Equal(-1f, d.Decode([float.NaN, 0.3f, 0.2f])); // NaN never wins
    }

    [Theory]
    [InlineData(0f, 90f)]
    [InlineData(1f, 180f)]
    [InlineData(-2f, 0f)]
    [InlineData(-0.5f, 45f)]
    public void Linear_to_servo_angle(float y, float angle) =>
        Assert.Equal(angle, new LinearDecoder(-1, 1, 0, 180).Decode([y]), 4);

    [Fact]
    public void Threshold_decoder()
    {
        var d = new ThresholdDecoder(0.5f);
        Assert.Equal(0f, d.Decode([0.4f]));
        Assert.Equal(1f, d.Decode([0.5f]));
        Assert.Equal(0f, d.Decode([float.NaN]));
    }

    [Fact]
    public void Spike_count_over_a_sliding_window()
    {
        var d = new SpikeCountDecoder(4, 0.5f, 0f, 1f);
        float[] input = [1, 0, 1, 1, 0, 0, 0, 0];
        float[] expected = [0.25f, 0.25f, 0.5f, 0.75f, 0.5f, 0.5f, 0.25f, 0f];
        for (int i = 0; i < input.Length; i++)
        {
            Assert.Equal(expected[i], d.Decode([input[i]]), 6);
        }

        d.Reset();
        Assert.Equal(0.25f, d.Decode([1f]), 6);
    }

    [Fact]
    public void Coding_allocates_nothing()
    {
        var enc = new IEncoder[]
        {
            new ThresholdEncoder(0.5f), new LinearEncoder(0, 1), new BinaryCodeEncoder(8, 2),
            new PopulationEncoder(16, -1, 1), new SpikeEncoder(SpikeMode.Poisson, 0, 1, count: 4),
            new SpikeEncoder(SpikeMode.Regular, 0, 1, count: 4),
        };
        var dec = new IDecoder[] { new ArgmaxDecoder([1f, -1f, 0f]), new LinearDecoder(-1, 1, 0, 1), new SpikeCountDecoder(10) };
        float[] buf = new float[16];
        float[] outs = [0.2f, 0.7f, 0.1f];
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                foreach (IEncoder e in enc)
                {
                    e.Encode(i * 0.001f, buf);
                }

                foreach (IDecoder d in dec)
                {
                    d.Decode(outs);
                }
            }
        }

        Run(100);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(10_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

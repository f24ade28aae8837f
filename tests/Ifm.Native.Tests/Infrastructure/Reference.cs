using System.Globalization;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Format;

namespace Ifm.Native.Tests.Infrastructure;

/// <summary>
/// What the samples must print, computed by the C# engine in this process: the samples' input schedule
/// (native/samples/input_schedule.h), one tick at a time, outputs after each tick.
/// </summary>
internal static class Reference
{
    public static float Input(long t, int c) => (float)((t * 7 + c * 3) % 11) / 10.0f - 0.5f;

    public static float[][] Run(string modelPath, int ticks)
    {
        var model = IfmFile.Read(modelPath);
        using var session = new CpuSession(model);
        var inputs = new float[model.InputCount];
        var rows = new float[ticks][];
        for (int t = 0; t < ticks; t++)
        {
            for (int c = 0; c < inputs.Length; c++) inputs[c] = Input(t, c);
            session.SetInputs(inputs);
            session.Step();
            rows[t] = new float[model.OutputCount];
            session.ReadOutputs(rows[t]);
        }

        return rows;
    }

    /// <summary>Parses the samples' "tick out0 out1 ..." lines.</summary>
    public static float[][] Parse(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rows = new float[lines.Length][];
        for (int i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal((i + 1).ToString(CultureInfo.InvariantCulture), parts[0]);
            rows[i] = parts.Skip(1).Select(p => float.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        }

        return rows;
    }

    /// <summary>
    /// The native and the in-process engine run the same code, but the JIT may pick wider vectors than the
    /// NativeAOT build (AVX2/AVX-512 vs SSE), which changes float summation order: equal within float rounding.
    /// </summary>
    /// <remarks>
    /// The test host runs with AVX-512 off (native.runsettings), so the JIT engine takes the same Vector256 paths as the
    /// NativeAOT libifm.so and the x64 samples' outputs (printed with %.9g, which round-trips) agree bit for bit.
    /// </remarks>
    public static void AssertClose(float[][] expected, float[][] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
        {
            Assert.Equal(expected[t].Length, actual[t].Length);
            for (int c = 0; c < expected[t].Length; c++)
            {
                float d = MathF.Abs(expected[t][c] - actual[t][c]);
                Assert.True(d <= tolerance, $"tick {t + 1} output {c}: expected {expected[t][c]:R}, got {actual[t][c]:R} (|Δ| = {d:R})");
            }
        }
    }
}

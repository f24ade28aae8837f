using System.Diagnostics;
using Ifm.Runtime.Engine;
using Ifm.Runtime.Model;

namespace Ifm.Benchmarks;

/// <summary>
/// Tick-cost ratios that survive a busy machine: the static session and the plastic sessions (fused kernel with
/// learning on, learning frozen, generic learner) run in short alternating bursts inside one process, so a change of
/// load hits all of them alike; each round gives one ratio to the static tick, and the median over rounds is printed.
/// Run with <c>-- --interleaved [rounds] [--two]</c>. Four sessions of the 10k/1M network (≈100 MB) evict each
/// other from the L3 between bursts, so every burst starts from DRAM; <c>--two</c> runs only the static tick and the
/// fused plastic tick, whose working sets (≈7 and ≈19 MB) can share a 32 MB L3.
/// </summary>
public static class InterleavedTicks
{
    private const double BurstMicroseconds = 3000;

    public static void Run(int rounds, bool twoSessions = false)
    {
        foreach (var size in new[] { Networks.Small, Networks.Large })
        {
            var plain = Networks.Static(size);
            var plastic = Networks.Plastic(size);
            var sessions = new (string Name, CpuSession Session)[]
            {
                ("static tick", Start(plain, new SessionOptions())),
                ("plastic, fused, learning on", Start(plastic, new SessionOptions())),
                ("plastic, fused, learning off", Start(plastic, new SessionOptions(), learning: false)),
                ("plastic, generic learner", Start(plastic, new SessionOptions { FusedPlasticity = false })),
            };
            if (twoSessions)
            {
                foreach (var extra in sessions[2..]) extra.Session.Dispose();
                sessions = sessions[..2];
            }

            var ticks = sessions.Select(s => TicksPerBurst(s.Session)).ToArray();
            var perTick = sessions.Select(_ => new List<double>()).ToArray();
            var ratio = sessions.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
            {
                var t = new double[sessions.Length];
                for (int s = 0; s < sessions.Length; s++)
                {
                    long start = Stopwatch.GetTimestamp();
                    sessions[s].Session.Step(ticks[s]);
                    t[s] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / ticks[s];
                    perTick[s].Add(t[s]);
                }

                for (int s = 0; s < sessions.Length; s++) ratio[s].Add(t[s] / t[0]);
            }

            Console.WriteLine($"{size}: {plain.NeuronCount} neurons, {plain.EdgeCount} synapses, layout {sessions[0].Session.Layout}; {rounds} rounds of ~{BurstMicroseconds / 1000} ms bursts");
            for (int s = 0; s < sessions.Length; s++)
            {
                Console.WriteLine($"  {sessions[s].Name,-30} median {Median(perTick[s]),10:F2} µs/tick   25th pct {Percentile(perTick[s], 0.25),10:F2}   ratio to static (median of rounds) {Median(ratio[s]),6:F2}x");
                sessions[s].Session.Dispose();
            }
        }
    }

    private static CpuSession Start(IfmModel model, SessionOptions options, bool learning = true)
    {
        var s = new CpuSession(model, options);
        s.SetInputs(Networks.Inputs(model));
        s.Step(50);
        s.Plasticity.Enabled = learning;
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 300) s.Step(); // JIT tiers up, caches warm
        return s;
    }

    private static int TicksPerBurst(CpuSession s)
    {
        long start = Stopwatch.GetTimestamp();
        s.Step(20);
        double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / 20;
        return Math.Max(1, (int)(BurstMicroseconds / us));
    }

    private static double Median(List<double> v) => Percentile(v, 0.5);

    private static double Percentile(List<double> v, double q)
    {
        var s = v.OrderBy(x => x).ToList();
        return s[(int)(q * (s.Count - 1))];
    }
}

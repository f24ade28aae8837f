using BenchmarkDotNet.Running;
using Ifm.Benchmarks;

// `--interleaved [rounds] [--two]`: tick-cost ratios from alternating bursts (robust on a busy machine); `--two` keeps only
// the static session and the fused plastic one. Otherwise BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--interleaved")
{
    int rounds = args.Length > 1 && args[1] != "--two" ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200;
    InterleavedTicks.Run(rounds, twoSessions: args.Contains("--two"));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

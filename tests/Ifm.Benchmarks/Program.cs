using BenchmarkDotNet.Running;
using Ifm.Benchmarks;

// `--interleaved [rounds]`: tick-cost ratios from alternating bursts (robust on a busy machine); otherwise BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--interleaved")
{
    InterleavedTicks.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
